package dev.tollgate.topology.gates;

import dev.tollgate.topology.evidence.EvidenceKind;

/**
 * One gate: plain math from evidence to an outcome, testable without Kafka. Implementations are stateless
 * and thread-safe; one class per gate. Everything else needs to know about a gate (its id, the evidence it
 * needs, whether a failure holds or rolls back, its default threshold, its doc) it asks the gate, through the
 * registry {@link Gates}.
 */
public interface Gate {
    /** The stable gate id, e.g. {@code error-rate}. */
    String id();

    /** One line on what the gate checks and when it passes (config docs, README, API). */
    String description();

    /**
     * The evidence the gate needs. {@link EvidenceKind#REQUESTS} gates always apply; any other kind makes the
     * gate apply to a service once that kind has been seen for it, or when the policy lists the gate in
     * {@code requiredGates}.
     */
    default EvidenceKind evidence() {
        return EvidenceKind.REQUESTS;
    }

    /**
     * Whether the gate compares the canary with the baseline (so it has nothing to compare at the 100 % step
     * when the policy's {@code fullTrafficBaseline} is NONE).
     */
    default boolean comparesWithBaseline() {
        return false;
    }

    /** The threshold used when the policy sets none. */
    double defaultThreshold();

    /**
     * Whether a FAIL of this gate holds the rollout (with a remedy) instead of rolling it back.
     * {@code schema-pins} and {@code sticky-routing} hold; everything else rolls back.
     */
    default boolean holdsOnFail() {
        return false;
    }

    /** The playbook's remedy, written into the decision's reasons when this gate blocks. */
    default String remedy() {
        return "";
    }

    /**
     * Whether the gate applies at this point of the rollout (e.g. {@code warm-capacity} only before a step of
     * 25 % or more). A gate that does not apply reports NOT_APPLICABLE with {@link #inapplicableReason} and
     * never blocks. The engine asks every gate the same way and names none.
     */
    default boolean appliesTo(GateInput input) {
        return true;
    }

    /** Why the gate does not apply at this step (when {@link #appliesTo} is false). */
    default String inapplicableReason(GateInput input) {
        return "does not apply at this step";
    }

    /** Evaluates the gate at the given threshold over the evidence of the step so far. */
    GateOutcome evaluate(GateInput input, double threshold);
}
