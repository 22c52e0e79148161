package io.vireo.engine.vms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vireo.engine.EngineFixture;
import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.UnavailableException;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.model.Cluster;
import io.vireo.model.ClusterNetwork;
import io.vireo.model.ErrorCode;
import io.vireo.model.Network;
import io.vireo.model.Vm;
import io.vireo.model.VmNic;
import io.vireo.model.rpc.AgentMethods;
import io.vireo.model.rpc.HostNic;
import io.vireo.model.rpc.NicKind;
import io.vireo.model.rpc.VmNicSpec;
import io.vireo.engine.storage.StorageService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hot-plug, hot-unplug and link changes of an Up VM's NICs on a real PostgreSQL: the row is there
 * exactly when the host did it. The host is a scripted agent (a fake of the agent for this class only,
 * reached the way a non-leading engine reaches the leader's agents).
 */
class VmNicsHotPlugTest {
    private final EngineFixture f = new EngineFixture();
    private final ScriptedAgent agent = new ScriptedAgent();
    private final AgentGateway gateway = gateway();
    private final VmNics nics = new VmNics(f.jdbi, f.vms, f.dataCenters, f.networks, gateway);
    private final Cluster cluster = f.cluster("c1");
    private final UUID hostId = UUID.fromString(f.upHost(cluster, "h1").id());
    private final Network lan = attached("lan", "eth1");
    private final Network dark = attached("dark", "eth2");
    private final UUID vmId = UUID.fromString(f.vm(cluster, "vm1").id());

    @AfterEach
    void close() {
        f.close();
    }

    private AgentGateway gateway() {
        AgentGateway gateway = new AgentGateway(new LeadershipLease(f.jdbi, "test", Duration.ofSeconds(10)));
        gateway.whenNotLeading(agent::call);
        return gateway;
    }

    private Network attached(String name, String hostNic) {
        Network network = f.networks.create(new Network.Create(name, null, cluster.dataCenterId(), null, null, hostNic));
        f.networks.attach(UUID.fromString(cluster.id()), new ClusterNetwork.Attach(network.id(), false));
        return network;
    }

    /** The VM runs on h1, which carries lan (its bridge up with eth1 in it) but not dark. */
    private void runOnHost() {
        f.hosts.recordNics(hostId, List.of(new HostNic("eth1", "52:54:00:00:00:01", 1500, true, List.of(), NicKind.PHYSICAL,
                lan.bridge(), null, null), new HostNic(lan.bridge(), "52:54:00:00:00:01", 1500, true, List.of(), NicKind.BRIDGE, null,
                null, null)));
        f.jdbi.useHandle(h -> h.createUpdate("UPDATE vms SET status = 'UP', host_id = :host WHERE id = :id")
                .bind("host", hostId).bind("id", vmId).execute());
    }

    @Test
    void aNicPluggedIntoAnUpVmIsRecordedOnceItsHostPluggedItAndGoesWithTheVmsSpec() {
        runOnHost();

        VmNic nic = nics.add(vmId, new VmNic.Create("nic1", lan.id(), "52:54:00:12:34:56", null));

        assertThat(agent.calls).singleElement().satisfies(call -> {
            assertThat(call.host()).isEqualTo(hostId);
            assertThat(call.method()).isEqualTo(AgentMethods.VM_ENSURE_NIC_PLUGGED);
            assertThat(call.params().path("vmId").asText()).isEqualTo(vmId.toString());
            assertThat(call.params().path("nic").path("mac").asText()).isEqualTo("52:54:00:12:34:56");
            assertThat(call.params().path("nic").path("bridge").asText()).isEqualTo(lan.bridge());
            assertThat(call.params().path("nic").path("linked").asBoolean()).isTrue();
        });
        assertThat(nics.list(vmId)).extracting(VmNic::id).containsExactly(nic.id());
        // a migration's destination (or the next start) gets the spec from the rows: the plugged NIC is in it
        VmSpecs specs = new VmSpecs(f.jdbi, f.storage, f.networks, HostWiring.NONE);
        assertThat(specs.specOf(f.vms.vm(vmId)).nics()).extracting(VmNicSpec::mac).containsExactly("52:54:00:12:34:56");
    }

    @Test
    void aNicTheHostCouldNotPlugLeavesNoRowAndIsTakenOutAgain() {
        runOnHost();
        agent.failing = AgentMethods.VM_ENSURE_NIC_PLUGGED;

        refused(() -> nics.add(vmId, new VmNic.Create("nic1", lan.id(), "52:54:00:12:34:56", null)), UnavailableException.class,
                ErrorCode.AGENT_ERROR, "Cannot plug NIC nic1 into VM vm1: unable to add device");

        assertThat(f.count("vm_nics")).isZero();
        assertThat(agent.calls).extracting(Call::method)
                .containsExactly(AgentMethods.VM_ENSURE_NIC_PLUGGED, AgentMethods.VM_ENSURE_NIC_UNPLUGGED);
        // the MAC is free: the same NIC plugs once the host can
        agent.failing = null;
        nics.add(vmId, new VmNic.Create("nic1", lan.id(), "52:54:00:12:34:56", null));
        assertThat(f.count("vm_nics")).isEqualTo(1);
    }

    @Test
    void aNicOnANetworkTheVmsHostDoesNotCarryIsRefusedBeforeTheHostIsAsked() {
        runOnHost();

        refused(() -> nics.add(vmId, new VmNic.Create("nic1", dark.id(), null, null)), ConflictException.class,
                ErrorCode.NETWORK_NOT_ON_HOST, "The host VM vm1 runs on does not carry the NIC's network");

        assertThat(agent.calls).isEmpty();
        assertThat(f.count("vm_nics")).isZero();
    }

    @Test
    void aNicIsUnpluggedBeforeItsRowGoesAndStaysWhenTheGuestKeepsIt() {
        VmNic nic = nics.add(vmId, new VmNic.Create("nic1", lan.id(), null, null));
        runOnHost();
        UUID nicId = UUID.fromString(nic.id());

        agent.failing = AgentMethods.VM_ENSURE_NIC_UNPLUGGED;
        refused(() -> nics.remove(vmId, nicId), UnavailableException.class, ErrorCode.AGENT_ERROR,
                "Cannot unplug NIC " + nic.mac() + " from VM vm1; it stays");
        assertThat(nics.list(vmId)).extracting(VmNic::id).containsExactly(nic.id());

        agent.failing = null;
        nics.remove(vmId, nicId);
        assertThat(nics.list(vmId)).isEmpty();
        assertThat(agent.calls).extracting(Call::method)
                .containsExactly(AgentMethods.VM_ENSURE_NIC_UNPLUGGED, AgentMethods.VM_ENSURE_NIC_UNPLUGGED);
        assertThat(agent.calls.getLast().params().path("nic").path("mac").asText()).isEqualTo(nic.mac());
    }

    @Test
    void aLinkIsStoredOnADownVmAndAppliedLiveOnAnUpOne() {
        VmNic nic = nics.add(vmId, new VmNic.Create("nic1", lan.id(), null, null));
        UUID nicId = UUID.fromString(nic.id());

        assertThat(nics.update(vmId, nicId, new VmNic.Update(false)).linked()).isFalse();
        assertThat(agent.calls).isEmpty();

        runOnHost();
        assertThat(nics.update(vmId, nicId, new VmNic.Update(true)).linked()).isTrue();
        assertThat(agent.calls).singleElement().satisfies(call -> {
            assertThat(call.method()).isEqualTo(AgentMethods.VM_SET_NIC_LINK);
            assertThat(call.params().path("nic").path("mac").asText()).isEqualTo(nic.mac());
            assertThat(call.params().path("nic").path("linked").asBoolean()).isTrue();
        });

        agent.failing = AgentMethods.VM_SET_NIC_LINK;
        refused(() -> nics.update(vmId, nicId, new VmNic.Update(false)), UnavailableException.class, ErrorCode.AGENT_ERROR,
                "Cannot link NIC nic1 of VM vm1 down");
        assertThat(nics.list(vmId)).singleElement().satisfies(stored -> assertThat(stored.linked()).isTrue());
        refused(() -> nics.update(vmId, nicId, new VmNic.Update(null)), io.vireo.engine.common.InvalidInputException.class,
                ErrorCode.MISSING_FIELD, "linked");
    }

    @Test
    void aVmThatAJobWorksOnTakesNoNic() {
        runOnHost();
        f.jdbi.useHandle(h -> h.createUpdate("INSERT INTO jobs (id, kind, target_type, target_id, description, status, params) "
                + "VALUES (gen_random_uuid(), 'MIGRATE_VM', 'VM', :vm, 'Migrate vm1', 'RUNNING', '{}')").bind("vm", vmId).execute());

        refused(() -> nics.add(vmId, new VmNic.Create("nic1", lan.id(), null, null)), ConflictException.class, ErrorCode.VM_BUSY,
                "VM vm1 is busy");
        assertThat(agent.calls).isEmpty();
        assertThat(f.count("vm_nics")).isZero();
    }

    private static void refused(Runnable action, Class<? extends DomainException> type, ErrorCode code, String sentence) {
        assertThatThrownBy(action::run).isInstanceOf(type).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(sentence);
        });
    }

    record Call(UUID host, String method, ObjectNode params) {
    }

    /** The agent of h1, scripted: answers every NIC command "changed", or fails the one named as libvirt would. */
    static final class ScriptedAgent {
        final List<Call> calls = new ArrayList<>();
        volatile String failing;

        JsonNode call(UUID host, String method, ObjectNode params, Duration timeout) {
            calls.add(new Call(host, method, params));
            if (method.equals(failing)) {
                throw new AgentException(ErrorCode.AGENT_ERROR, -32000, "unable to add device");
            }
            return JsonNodeFactory.instance.objectNode().put("changed", true);
        }
    }
}
