package dev.tollgate.topology.math;

/**
 * λ state of one probe answer, derived from its ΔS trajectory by {@link LambdaRule}. Declared from the
 * mildest to the most severe; {@link #isConvergent()} is what the {@code lambda} gate requires.
 */
public enum LambdaState {
    /** The trajectory settles: none of the other states applies. */
    CONVERGENT,
    /** ΔS creeps up: small last step but the trailing mean keeps rising. */
    RECURSIVE,
    /** The last step rises more than the divergence step, or the differences oscillate. */
    DIVERGENT,
    /** The last step rises more than the chaos step. */
    CHAOTIC;

    /**
     * Whether this state counts as convergent for the {@code lambda} gate.
     *
     * @return true only for {@link #CONVERGENT}
     */
    public boolean isConvergent() {
        return this == CONVERGENT;
    }

    /**
     * The more severe of two states (precedence chaotic &gt; divergent &gt; recursive &gt; convergent),
     * e.g. to fold the states of all probes of one seed.
     *
     * @param other another state, not null
     * @return the more severe of {@code this} and {@code other}
     */
    public LambdaState worse(LambdaState other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
