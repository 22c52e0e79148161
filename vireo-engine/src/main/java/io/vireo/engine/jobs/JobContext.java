package io.vireo.engine.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vireo.model.ErrorCode;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * What a step sees of its job: the typed parameters, the step's subject, the durable state, the
 * epoch it runs under, progress, and a way to wait for an object's state.
 */
public final class JobContext<P extends Record> {
    private final UUID jobId;
    private final UUID targetId;
    private final P params;
    private final ObjectNode state;
    private final long epoch;
    private final JobRepository repository;
    private final StateChanges changes;
    private int currentStep;
    private UUID subjectId;

    JobContext(UUID jobId, UUID targetId, P params, ObjectNode state, long epoch, JobRepository repository,
               StateChanges changes) {
        this.jobId = requireNonNull(jobId, "jobId");
        this.targetId = requireNonNull(targetId, "targetId");
        this.params = requireNonNull(params, "params");
        this.state = requireNonNull(state, "state");
        this.epoch = epoch;
        this.repository = requireNonNull(repository, "repository");
        this.changes = requireNonNull(changes, "changes");
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

    public P params() {
        return params;
    }

    /** The object the running step is about, for a kind that repeats a step per object. */
    public Optional<UUID> subjectId() {
        return Optional.ofNullable(subjectId);
    }

    public <T> Optional<T> state(StateKey<T> key) {
        JsonNode value = state.get(key.name());
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JobRepository.MAPPER.treeToValue(value, key.type()));
        } catch (JsonProcessingException e) {
            throw new JobFailure(ErrorCode.INTERNAL_ERROR, "The recorded " + key.name() + " of this job cannot be read: "
                    + e.getOriginalMessage());
        }
    }

    /** Records a decision before acting on it, so a re-run of the step makes the same one. */
    public synchronized <T> void putState(StateKey<T> key, T value) {
        state.set(key.name(), JobRepository.MAPPER.valueToTree(requireNonNull(value, "value")));
        repository.saveState(jobId, state);
    }

    /** Like {@link #putState(StateKey, Object)}, in the caller's transaction: the decision and what it changes commit together. */
    public synchronized <T> void putState(Handle h, StateKey<T> key, T value) {
        state.set(key.name(), JobRepository.MAPPER.valueToTree(requireNonNull(value, "value")));
        repository.saveState(h, jobId, state);
    }

    public void progress(int percent, String message) {
        repository.progress(jobId, currentStep, percent, message);
    }

    /**
     * Waits until the condition holds, looking again whenever the object's state changes; false
     * when the timeout passed first.
     */
    public boolean await(UUID objectId, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        return changes.await(objectId, condition, timeout);
    }

    void currentStep(int position, UUID subject) {
        this.currentStep = position;
        this.subjectId = subject;
    }
}
