package io.vireo.agent.network;

import io.vireo.model.rpc.HostNic;

import java.util.List;

/** What the agent's network commands need of the host: its interfaces as they are, and ip to change them. */
public interface Links {
    List<HostNic> interfaces();

    /** Runs {@code ip} with these arguments; throws NetworkException with ip's own words when it fails. */
    void ip(String... arguments);

    /** Runs {@code ip} with these arguments and answers what it printed (for reading, e.g. routes as JSON). */
    String output(String... arguments);
}
