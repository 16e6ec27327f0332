package dev.tollgate.topology.stats;

/**
 * A time-uniform confidence sequence for the ratio of two quantiles, {@code ξ_q(canary) / ξ_q(baseline)}
 * (the {@code latency-p95} gate compares {@code ratio − 1} with its threshold), for nonnegative values.
 *
 * <h2>Construction</h2>
 * Each arm gets a {@link QuantileConfidenceSequence} at level {@code α/2}: {@code [L_c, U_c]} and
 * {@code [L_b, U_b]}. By the union bound both cover their quantiles at all sample sizes with probability
 * at least {@code 1 − α}, and then, all quantities being nonnegative,
 * <pre>
 *   L_c / U_b ≤ ξ_c / ξ_b ≤ U_c / L_b,
 * </pre>
 * with {@code U_c / L_b = +∞} when {@code L_b = 0} and {@code L_c / U_b = 0} when {@code U_b = +∞}. (A
 * baseline quantile of exactly 0 makes the ratio undefined; the upper bound is then +∞ anyway, since
 * {@code L_b = 0}.) The estimate is the ratio of the two sample quantiles.
 */
public final class QuantileRatio {

    /** Method name recorded on the intervals. */
    public static final String METHOD = "quantile-ratio-cs";

    private QuantileRatio() {}

    /**
     * The (1 − alpha) confidence-sequence interval for {@code quantile_q(canary) / quantile_q(baseline)}.
     *
     * @param canary   the canary sample
     * @param baseline the baseline sample
     * @param q        the quantile level in (0, 1), e.g. 0.95
     * @param alpha    error level in (0, 1), split evenly between the arms
     */
    public static Interval bounds(RankedSample canary, RankedSample baseline, double q, double alpha) {
        BernoulliConfidenceSequence.checkAlpha(alpha);
        Interval c = QuantileConfidenceSequence.bounds(canary, q, alpha / 2);
        Interval b = QuantileConfidenceSequence.bounds(baseline, q, alpha / 2);
        double lower = b.upper() == Double.POSITIVE_INFINITY || c.lower() == 0.0 ? 0.0 : c.lower() / b.upper();
        double upper = b.lower() == 0.0 || c.upper() == Double.POSITIVE_INFINITY
                ? Double.POSITIVE_INFINITY
                : c.upper() / b.lower();
        double estimate = c.estimate() / b.estimate(); // NaN without data; +inf for a zero baseline quantile
        return new Interval(estimate, lower, upper, alpha, METHOD);
    }
}
