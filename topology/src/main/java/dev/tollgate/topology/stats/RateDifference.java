package dev.tollgate.topology.stats;

/**
 * A time-uniform confidence sequence for the difference of two Bernoulli rates,
 * {@code δ = p_canary − p_baseline} (the {@code error-rate} gate), from two independent arms.
 *
 * <h2>Construction</h2>
 * Each arm gets its own beta-binomial confidence sequence ({@link BernoulliConfidenceSequence}) at level
 * {@code α/2}: {@code [L_c, U_c]} and {@code [L_b, U_b]}. By the union bound,
 * {@code P(∃ n : p_c ∉ [L_c, U_c] or p_b ∉ [L_b, U_b]) ≤ α/2 + α/2 = α}, and on the complement
 * <pre>
 *   L_c − U_b ≤ p_c − p_b ≤ U_c − L_b
 * </pre>
 * at all times simultaneously, whatever the two (independent or not) sample sizes do over time. So
 * {@code [L_c − U_b, U_c − L_b]} is a (1 − α) confidence sequence for δ. The union bound is conservative
 * but needs no assumption on how the canary and baseline streams interleave; its width is dominated by the
 * small canary arm at a 1 % canary.
 */
public final class RateDifference {

    /** Method name recorded on the intervals. */
    public static final String METHOD = "rate-diff-cs";

    private RateDifference() {}

    /**
     * The (1 − alpha) confidence-sequence interval for {@code p_canary − p_baseline}, Jeffreys priors.
     *
     * @param canarySuccesses   canary successes (e.g. 5xx responses)
     * @param canaryTrials      canary trials (requests)
     * @param baselineSuccesses baseline successes
     * @param baselineTrials    baseline trials
     * @param alpha             error level in (0, 1), split evenly between the arms
     */
    public static Interval bounds(
            long canarySuccesses, long canaryTrials, long baselineSuccesses, long baselineTrials, double alpha) {
        return bounds(
                canarySuccesses,
                canaryTrials,
                baselineSuccesses,
                baselineTrials,
                alpha,
                BernoulliConfidenceSequence.JEFFREYS,
                BernoulliConfidenceSequence.JEFFREYS);
    }

    /** As {@link #bounds(long, long, long, long, double)} with a Beta(a, b) mixture on both arms. */
    public static Interval bounds(
            long canarySuccesses,
            long canaryTrials,
            long baselineSuccesses,
            long baselineTrials,
            double alpha,
            double a,
            double b) {
        BernoulliConfidenceSequence.checkAlpha(alpha);
        Interval canary = BernoulliConfidenceSequence.bounds(canarySuccesses, canaryTrials, alpha / 2, a, b);
        Interval baseline = BernoulliConfidenceSequence.bounds(baselineSuccesses, baselineTrials, alpha / 2, a, b);
        double estimate = canary.estimate() - baseline.estimate(); // NaN when an arm has no data
        return new Interval(
                estimate, canary.lower() - baseline.upper(), canary.upper() - baseline.lower(), alpha, METHOD);
    }
}
