package dev.tollgate.topology.gates;

/**
 * One gate: plain math from evidence to an outcome, testable without Kafka. Implementations are stateless
 * and thread-safe; one class per gate.
 */
public interface Gate {
    /** The stable gate id, e.g. {@code error-rate}. */
    String id();

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
     * Whether the gate is evaluated at all at this point of the rollout. A gate that does not apply is left
     * out of the step's results and never blocks (e.g. {@code warm-capacity} only before a step of 25 % or
     * more). The engine asks every gate the same way and names none.
     */
    default boolean appliesTo(GateInput input) {
        return true;
    }

    /** Evaluates the gate at the given threshold over the evidence of the step so far. */
    GateOutcome evaluate(GateInput input, double threshold);
}
