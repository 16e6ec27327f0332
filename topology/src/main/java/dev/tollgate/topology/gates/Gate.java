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

    /** Evaluates the gate at the given threshold over the evidence of the step so far. */
    GateOutcome evaluate(GateInput input, double threshold);
}
