package io.vireo.engine.hosts;

import io.vireo.model.Host;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** A host as the scheduler sees it: what the API shows, plus the CPU flags its agent reported. */
public record SchedulableHost(Host host, Set<String> cpuFlags) {
    public SchedulableHost {
        requireNonNull(host, "host");
        cpuFlags = Set.copyOf(cpuFlags);
    }

    static Set<String> flags(String spaceSeparated) {
        return spaceSeparated == null ? Set.of() : Arrays.stream(spaceSeparated.split(" ")).filter(flag -> !flag.isBlank())
                .collect(Collectors.toSet());
    }
}
