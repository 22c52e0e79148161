package io.vireo.agent.commands;

import io.vireo.agent.enrollment.CertificateRenewal;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.InstallCertificateParams;
import io.vireo.model.rpc.InstallCertificateResult;

import static java.util.Objects.requireNonNull;

/** Keeps the certificate the engine signed for the agent's latest request. */
public final class HostInstallCertificateCommand implements AgentCommand<InstallCertificateParams, InstallCertificateResult> {
    private final CertificateRenewal renewal;

    public HostInstallCertificateCommand(CertificateRenewal renewal) {
        this.renewal = requireNonNull(renewal, "renewal");
    }

    @Override
    public AgentMethod<InstallCertificateParams, InstallCertificateResult> method() {
        return AgentMethod.HOST_INSTALL_CERTIFICATE;
    }

    @Override
    public InstallCertificateResult execute(InstallCertificateParams params) throws Exception {
        return renewal.install(params);
    }
}
