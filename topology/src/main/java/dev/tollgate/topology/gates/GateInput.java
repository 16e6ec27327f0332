package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.topology.evidence.RevisionEvidence;
import java.util.Objects;

/**
 * Everything a gate sees at one evaluation: the policy, where the step stands, and the evidence of both
 * revisions over the same event-time span of the step.
 *
 * @param policy             effective policy of the service
 * @param stepIndex          index of the current step in {@code policy.steps}
 * @param trafficPercent     canary share of the current step
 * @param nextTrafficPercent canary share of the next step, or null at the last step
 * @param draining           whether the old revision is draining (after the last shift)
 * @param stepStart          event time the step's evidence starts
 * @param evaluatedAt        event time of this evaluation (end of the evidence span)
 * @param baseline           baseline evidence over the step
 * @param canary             canary evidence over the step
 * @param service            service-level evidence over the step (queue metrics, which have no revision)
 */
public record GateInput(
        GatePolicy policy,
        int stepIndex,
        double trafficPercent,
        Double nextTrafficPercent,
        boolean draining,
        long stepStart,
        long evaluatedAt,
        RevisionEvidence baseline,
        RevisionEvidence canary,
        RevisionEvidence service) {

    public GateInput {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(canary, "canary");
        Objects.requireNonNull(service, "service");
    }

    /** The policy's minimum samples per revision. */
    public long minSamples() {
        return policy.getMinSamples();
    }
}
