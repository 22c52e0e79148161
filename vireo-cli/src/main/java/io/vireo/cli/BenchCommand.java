package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Benchmarks that print figures. {@code start-vm}: the time from the start API call until the
 * engine reports the VM Up, against {@code virsh create} of the very domain XML the agent made,
 * on the same host, alternating the two, several rounds.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (print figures)",
        subcommands = BenchCommand.StartVm.class)
public final class BenchCommand {
    @Command(name = "start-vm", mixinStandardHelpOptions = true,
            description = "Start-to-Up through Vireo against virsh create of the same XML (VM must be Down)")
    public static final class StartVm implements Callable<Integer> {
        @Option(names = "--vm", required = true, description = "Name or id of a Down VM to start and stop")
        String vmId;
        @Option(names = "--libvirt-uri", defaultValue = "qemu:///system", description = "libvirt of the host the VM starts on")
        String libvirtUri;
        @Option(names = "--rounds", defaultValue = "9")
        int rounds;

        @Override
        public Integer call() throws Exception {
            ApiClient client = Session.load().client();
            vmId = Names.resolve(client, "vms", vmId);
            List<Double> vireo = new ArrayList<>();
            List<Double> virsh = new ArrayList<>();
            Path xml = Files.createTempFile("vireo-bench", ".xml");
            try {
                for (int round = 1; round <= rounds; round++) {
                    vireo.add(startThroughVireo(client));
                    String name = client.get("/api/vms/" + vmId).get("name").asText();
                    String benchName = "vireo-bench-" + round;
                    Files.writeString(xml, renamed(run("virsh", "-c", libvirtUri, "dumpxml", "--inactive", name), benchName));
                    stopThroughVireo(client);
                    virsh.add(timeVirshCreate(xml, benchName));
                    System.out.printf("round %d: vireo %.0f ms, virsh create %.0f ms%n", round, vireo.getLast(), virsh.getLast());
                }
            } finally {
                Files.deleteIfExists(xml);
            }
            double vireoMedian = median(vireo);
            double virshMedian = median(virsh);
            System.out.printf("start-to-Up through Vireo: median %.0f ms (min %.0f)%n", vireoMedian, Collections.min(vireo));
            System.out.printf("virsh create, same XML:    median %.0f ms (min %.0f)%n", virshMedian, Collections.min(virsh));
            System.out.printf("ratio (median): %.2fx%n", vireoMedian / virshMedian);
            return 0;
        }

        /**
         * The engine records the moment it saw the VM Up (statusChangedAt, same machine clock); polling
         * gently instead of hammering the API keeps the benchmark from stealing the CPU it measures.
         */
        private double startThroughVireo(ApiClient client) throws Exception {
            java.time.Instant requested = java.time.Instant.now();
            JsonNode job = client.post("/api/vms/" + vmId + "/start", null);
            while (true) {
                JsonNode vm = client.get("/api/vms/" + vmId);
                String status = vm.get("status").asText();
                if (status.equals("UP")) {
                    java.time.Instant up = java.time.Instant.parse(vm.get("statusChangedAt").asText());
                    // the job ends a moment after the VM is Up; a stop before that would find the VM busy
                    JobProgress.follow(client, job, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
                    return java.time.Duration.between(requested, up).toNanos() / 1e6;
                }
                if (status.equals("DOWN") && java.time.Duration.between(requested, java.time.Instant.now()).toSeconds() > 30) {
                    throw new IllegalStateException("the VM did not start; see vireo jobs");
                }
                Thread.sleep(50);
            }
        }

        private void stopThroughVireo(ApiClient client) throws Exception {
            JsonNode job = client.post("/api/vms/" + vmId + "/stop", null);
            JobProgress.follow(client, job, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        }

        private double timeVirshCreate(Path xml, String name) throws Exception {
            long started = System.nanoTime();
            run("virsh", "-c", libvirtUri, "create", xml.toString());
            double millis = (System.nanoTime() - started) / 1e6;
            run("virsh", "-c", libvirtUri, "destroy", name);
            return millis;
        }

        /** The same domain under another name and UUID, so the agent does not take it for the Vireo VM. */
        static String renamed(String xml, String name) {
            return xml.replaceFirst("<name>[^<]*</name>", "<name>" + name + "</name>")
                    .replaceFirst("<uuid>[^<]*</uuid>", "<uuid>" + java.util.UUID.randomUUID() + "</uuid>")
                    .replaceAll("(?s)<metadata>.*?</metadata>", "");
        }

        private static double median(List<Double> values) {
            List<Double> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            int middle = sorted.size() / 2;
            return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
        }

        private static String run(String... command) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output.strip());
            }
            return output;
        }
    }
}
