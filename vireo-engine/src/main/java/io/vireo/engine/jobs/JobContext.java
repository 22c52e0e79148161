package io.vireo.engine.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** What a step sees of its job: parameters, durable state, the epoch it runs under, and progress. */
public final class JobContext {
    private final UUID jobId;
    private final UUID targetId;
    private final ObjectNode params;
    private final ObjectNode state;
    private final long epoch;
    private final JobRepository repository;
    private int currentStep;

    JobContext(UUID jobId, UUID targetId, ObjectNode params, ObjectNode state, long epoch, JobRepository repository) {
        this.jobId = requireNonNull(jobId, "jobId");
        this.targetId = requireNonNull(targetId, "targetId");
        this.params = requireNonNull(params, "params");
        this.state = requireNonNull(state, "state");
        this.epoch = epoch;
        this.repository = requireNonNull(repository, "repository");
    }

    public UUID jobId() {
        return jobId;
    }

    public UUID targetId() {
        return targetId;
    }

    public long epoch() {
        return epoch;
    }

    public JsonNode params() {
        return params;
    }

    public Optional<String> state(String key) {
        JsonNode value = state.get(key);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    /** Records a decision before acting on it, so a re-run of the step makes the same one. */
    public void putState(String key, String value) {
        state.put(key, value);
        repository.saveState(jobId, state);
    }

    public void progress(int percent, String message) {
        repository.progress(jobId, currentStep, percent, message);
    }

    void currentStep(int position) {
        this.currentStep = position;
    }
}
