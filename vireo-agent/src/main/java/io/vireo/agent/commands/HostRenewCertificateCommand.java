package io.vireo.agent.commands;

import io.vireo.agent.enrollment.CertificateRenewal;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.CertificateRequest;
import io.vireo.model.rpc.NoParams;
import io.vireo.model.rpc.RenewCertificateResult;

import java.util.Optional;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** The engine asks for a renewal now: the request goes out as a host.certificateRequest event. */
public final class HostRenewCertificateCommand implements AgentCommand<NoParams, RenewCertificateResult> {
    private final CertificateRenewal renewal;
    private final Consumer<CertificateRequest> send;

    public HostRenewCertificateCommand(CertificateRenewal renewal, Consumer<CertificateRequest> send) {
        this.renewal = requireNonNull(renewal, "renewal");
        this.send = requireNonNull(send, "send");
    }

    @Override
    public AgentMethod<NoParams, RenewCertificateResult> method() {
        return AgentMethod.HOST_RENEW_CERTIFICATE;
    }

    @Override
    public RenewCertificateResult execute(NoParams params) {
        Optional<CertificateRequest> request = renewal.requestNow();
        // sent after this answer, so that the engine has it when the request arrives
        request.ifPresent(r -> Thread.ofVirtual().start(() -> send.accept(r)));
        return new RenewCertificateResult(request.isPresent());
    }
}
