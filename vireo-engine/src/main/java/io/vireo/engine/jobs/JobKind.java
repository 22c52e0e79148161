package io.vireo.engine.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.ErrorCode;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * What a kind of job is: the name stored in {@code jobs.kind}, its parameters (a record, stored as
 * JSON), its steps (an enum) and how a job of the kind plans them. It holds no dependencies, so any
 * service can create a job of any kind; the {@link JobHandler} of the kind runs it.
 */
public final class JobKind<P extends Record, S extends Enum<S>> {
    private final String name;
    private final Class<P> paramsType;
    private final Class<S> stepsType;
    private final Function<P, List<PlannedStep<S>>> planner;

    private JobKind(String name, Class<P> paramsType, Class<S> stepsType, Function<P, List<PlannedStep<S>>> planner) {
        this.name = requireNonNull(name, "name");
        this.paramsType = requireNonNull(paramsType, "paramsType");
        this.stepsType = requireNonNull(stepsType, "stepsType");
        this.planner = requireNonNull(planner, "planner");
    }

    /** A kind whose jobs run every step of the enum once, in declaration order. */
    public static <P extends Record, S extends Enum<S>> JobKind<P, S> of(String name, Class<P> paramsType, Class<S> stepsType) {
        return new JobKind<>(name, paramsType, stepsType,
                params -> Arrays.stream(stepsType.getEnumConstants()).map(PlannedStep::of).toList());
    }

    /** The same kind planning its steps from the parameters (e.g. one step per VM to move). */
    public JobKind<P, S> plannedBy(Function<P, List<PlannedStep<S>>> plan) {
        return new JobKind<>(name, paramsType, stepsType, plan);
    }

    public String name() {
        return name;
    }

    public Class<P> paramsType() {
        return paramsType;
    }

    public Class<S> stepsType() {
        return stepsType;
    }

    public List<PlannedStep<S>> plan(P params) {
        List<PlannedStep<S>> plan = List.copyOf(planner.apply(requireNonNull(params, "params")));
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("A job of kind " + name + " must have at least one step");
        }
        return plan;
    }

    /** The step a stored step row names; a failure when this engine does not know it (a newer engine wrote it). */
    S step(String stored) {
        for (S step : stepsType.getEnumConstants()) {
            if (step.name().equals(stored)) {
                return step;
            }
        }
        throw new JobFailure(ErrorCode.INTERNAL_ERROR, "This engine does not know step " + stored + " of jobs of kind " + name);
    }

    P readParams(JsonNode json) {
        try {
            return JobRepository.MAPPER.treeToValue(json, paramsType);
        } catch (JsonProcessingException e) {
            throw new JobFailure(ErrorCode.INTERNAL_ERROR, "The parameters of this " + name + " job cannot be read: "
                    + e.getOriginalMessage());
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
