package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.agent.rpc.CommandDispatcher;
import io.vireo.agent.rpc.EpochGuard;
import io.vireo.model.Json;
import io.vireo.model.rpc.AgentMethods;
import io.vireo.model.rpc.ConsoleLogResult;
import io.vireo.model.rpc.EnsureRunningResult;
import io.vireo.model.rpc.HostFacts;
import io.vireo.model.rpc.HostStats;
import io.vireo.model.rpc.MigrationOutcome;
import io.vireo.model.rpc.MigrationPhase;
import io.vireo.model.rpc.MigrationPolicy;
import io.vireo.model.rpc.MigrationProgress;
import io.vireo.model.rpc.MigrationResult;
import io.vireo.model.rpc.VmObservation;
import io.vireo.model.rpc.VmSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.UUID;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationCommandsTest {
    private static final ObjectMapper MAPPER = Json.lenientMapper();
    private static final UUID VM = UUID.fromString("0b6c6a52-34c4-4b8e-9a51-3a1f4bd0c6a1");

    private final MigratingHypervisor hypervisor = new MigratingHypervisor();
    private final List<MigrationProgress> pushed = new ArrayList<>();

    @TempDir
    Path state;

    private JsonNode call(String method, String paramsJson) throws Exception {
        List<AgentCommand<?, ?>> commands = List.of(new VmMigrateCommand(hypervisor, pushed::add,
                new io.vireo.agent.enrollment.LibvirtPki(Path.of("/etc/pki/vireo-libvirt"), Optional.empty())::clientUri),
                new VmCancelMigrationCommand(hypervisor), new VmMigrationStatusCommand(hypervisor));
        ObjectNode request = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", 1).put("method", method);
        ObjectNode params = (ObjectNode) MAPPER.readTree(paramsJson);
        request.set("params", params.put("epoch", 1));
        return new CommandDispatcher(commands, new EpochGuard(state.resolve("epoch"))).dispatch(request);
    }

    @Test
    void migrateAnswersTheResultAndPushesProgress() throws Exception {
        JsonNode response = call(AgentMethods.VM_MIGRATE, """
                {"vmId": "%s", "destinationUri": "qemu+tls://host2/system",
                 "policy": {"maxDowntimeMs": 80, "bandwidthMiBps": 100, "autoConverge": true, "postCopy": true,
                            "downtimeStepsMs": [150, 300], "stallSeconds": 5, "fromANewerEngine": 1}}""".formatted(VM));

        assertThat(response.get("result").get("outcome").asText()).isEqualTo("completed");
        assertThat(response.get("result").get("downtimeMs").asLong()).isEqualTo(42);
        assertThat(hypervisor.policy).isEqualTo(new MigrationPolicy(80, 100, true, true, List.of(150, 300), 5));
        assertThat(hypervisor.destinationUri).as("this host's certificate added, which the engine does not know of")
                .isEqualTo("qemu+tls://host2/system?pkipath=/etc/pki/vireo-libvirt");
        assertThat(pushed).extracting(MigrationProgress::phase).containsExactly(MigrationPhase.PRECOPY);
    }

    @Test
    void withoutAPolicyTheDefaultsApply() throws Exception {
        call(AgentMethods.VM_MIGRATE, """
                {"vmId": "%s", "destinationUri": "qemu+tls://10.231.0.2/system"}""".formatted(VM));

        assertThat(hypervisor.policy).isEqualTo(MigrationPolicy.defaults());
    }

    @Test
    void badParametersAreRefusedWithAReason() throws Exception {
        assertThat(errorOf(AgentMethods.VM_MIGRATE, "{\"vmId\": \"%s\"}".formatted(VM))).contains("destinationUri is missing");
        assertThat(errorOf(AgentMethods.VM_MIGRATE, "{\"vmId\": \"%s\", \"destinationUri\": \"qemu:///system\"}".formatted(VM)))
                .contains("naming the destination host");
        assertThat(errorOf(AgentMethods.VM_MIGRATE, "{\"vmId\": \"web1\", \"destinationUri\": \"qemu+tls://h/system\"}")).contains("UUID");
        assertThat(policyError("{\"maxDowntimeMs\": 0, \"stallSeconds\": 10}")).contains("policy.maxDowntimeMs must be between 1 and 60000, not 0");
        assertThat(policyError("{\"maxDowntimeMs\": 100, \"stallSeconds\": 0}")).contains("policy.stallSeconds must be at least 1");
        assertThat(policyError("{\"maxDowntimeMs\": 100, \"stallSeconds\": 5, \"bandwidthMiBps\": -1}")).contains("policy.bandwidthMiBps");
        assertThat(policyError("{\"maxDowntimeMs\": 100, \"stallSeconds\": 5, \"downtimeStepsMs\": [500, 200]}"))
                .contains("policy.downtimeStepsMs must rise above maxDowntimeMs (100)");
        assertThat(policyError("{\"maxDowntimeMs\": \"fast\", \"stallSeconds\": 5}")).contains("the parameter policy.maxDowntimeMs is not valid");
        assertThat(hypervisor.policy).isNull();
    }

    @Test
    void statusAndCancelTellWhetherAMigrationRuns() throws Exception {
        JsonNode idle = call(AgentMethods.VM_MIGRATION_STATUS, "{\"vmId\": \"%s\"}".formatted(VM)).get("result");
        assertThat(idle.get("active").asBoolean()).isFalse();
        assertThat(idle.get("progress").isNull()).isTrue();
        assertThat(call(AgentMethods.VM_CANCEL_MIGRATION, "{\"vmId\": \"%s\"}".formatted(VM)).get("result").get("cancelled").asBoolean()).isFalse();

        hypervisor.running = new MigrationProgress(VM, 40, 80 << 20, 128 << 20, 100, MigrationPhase.PRECOPY);
        JsonNode busy = call(AgentMethods.VM_MIGRATION_STATUS, "{\"vmId\": \"%s\"}".formatted(VM)).get("result");
        assertThat(busy.get("active").asBoolean()).isTrue();
        assertThat(busy.get("progress").get("percent").asInt()).isEqualTo(40);
        assertThat(call(AgentMethods.VM_CANCEL_MIGRATION, "{\"vmId\": \"%s\"}".formatted(VM)).get("result").get("cancelled").asBoolean()).isTrue();
    }

    private String policyError(String policy) throws Exception {
        return errorOf(AgentMethods.VM_MIGRATE, "{\"vmId\": \"%s\", \"destinationUri\": \"qemu+tls://h2/system\", \"policy\": %s}".formatted(VM, policy));
    }

    private String errorOf(String method, String params) throws Exception {
        JsonNode response = call(method, params);
        assertThat(response.get("error").get("code").asInt()).isEqualTo(-32602);
        return response.get("error").get("message").asText();
    }

    /** Only the migration part of the SPI; the rest is not for these commands. */
    private static final class MigratingHypervisor implements Hypervisor {
        MigrationPolicy policy;
        String destinationUri;
        MigrationProgress running;

        @Override
        public MigrationResult migrate(UUID vmId, String destinationUri, MigrationPolicy policy, Consumer<MigrationProgress> progress) {
            this.destinationUri = destinationUri;
            this.policy = policy;
            progress.accept(new MigrationProgress(vmId, 50, 64 << 20, 128 << 20, policy.maxDowntimeMs(), MigrationPhase.PRECOPY));
            return new MigrationResult(MigrationOutcome.COMPLETED, 42, 640, 70 << 20, false, "");
        }

        @Override
        public boolean cancelMigration(UUID vmId) {
            return running != null;
        }

        @Override
        public Optional<MigrationProgress> migrationStatus(UUID vmId) {
            return Optional.ofNullable(running);
        }

        @Override
        public HostFacts facts() {
            throw new UnsupportedOperationException();
        }

        @Override
        public HostStats stats() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<VmObservation> listVms() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<VmObservation> findVm(UUID vmId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public EnsureRunningResult ensureRunning(VmSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean ensureStopped(UUID vmId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean requestShutdown(UUID vmId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void reboot(UUID vmId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void reset(UUID vmId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setConsolePassword(UUID vmId, String password, java.time.Instant validTo, boolean disconnect) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean ensureNicPlugged(UUID vmId, io.vireo.model.rpc.VmNicSpec nic) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean ensureNicUnplugged(UUID vmId, String mac) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean setNicLink(UUID vmId, String mac, boolean up) {
            throw new UnsupportedOperationException();
        }

        @Override
        public VmObservation ensurePaused(UUID vmId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public VmObservation ensureResumed(UUID vmId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ConsoleLogResult readConsoleLog(UUID vmId, long offset) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void onStateChange(StateChangeListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
