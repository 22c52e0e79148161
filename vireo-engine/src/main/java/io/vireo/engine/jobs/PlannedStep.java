package io.vireo.engine.jobs;

import static java.util.Objects.requireNonNull;

/**
 * One step of a job's plan: which step of the kind, about which object when the kind repeats a
 * step per object (null otherwise), and the label the API shows for it.
 */
public record PlannedStep<S extends Enum<S>>(S step, java.util.UUID subjectId, String label) {
    public PlannedStep {
        requireNonNull(step, "step");
        requireNonNull(label, "label");
    }

    /** A step that is about the job's target itself; the API shows the step's name. */
    public static <S extends Enum<S>> PlannedStep<S> of(S step) {
        return new PlannedStep<>(step, null, step.name());
    }

    /** A step about one object of the job, e.g. one VM of a host being evacuated. */
    public static <S extends Enum<S>> PlannedStep<S> about(S step, java.util.UUID subjectId, String label) {
        return new PlannedStep<>(step, requireNonNull(subjectId, "subjectId"), label);
    }
}
