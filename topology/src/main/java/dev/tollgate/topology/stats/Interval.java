package dev.tollgate.topology.stats;

import java.util.Objects;

/**
 * A confidence interval (one term of a confidence sequence) with the point estimate it surrounds.
 *
 * <p>For the confidence sequences of this package the interval is <em>time-uniform</em>: the sequence of
 * intervals computed after every new observation contains the true value at all sample sizes
 * simultaneously with probability at least {@code 1 - alpha}, so it may be recomputed on every evaluation
 * tick and acted on whenever it excludes a threshold, without inflating the error rate.
 *
 * @param estimate the point estimate (NaN when there is no data)
 * @param lower    the lower bound (may be {@code -infinity} only where documented; 0 for rates and latencies)
 * @param upper    the upper bound (may be {@code +infinity})
 * @param alpha    the error level the interval was built with, in (0, 1)
 * @param method   a short name of the construction, e.g. {@code "beta-binomial-cs"}
 */
public record Interval(double estimate, double lower, double upper, double alpha, String method) {

    public Interval {
        Objects.requireNonNull(method, "method");
        if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
            throw new IllegalArgumentException("invalid bounds [" + lower + ", " + upper + "]");
        }
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
        }
    }

    /** Whether {@code value} lies in the closed interval {@code [lower, upper]}. */
    public boolean contains(double value) {
        return value >= lower && value <= upper;
    }

    /** {@code upper - lower} (infinite when a bound is). */
    public double width() {
        return upper - lower;
    }

    /** Whether the whole interval lies strictly above {@code threshold}. */
    public boolean isAbove(double threshold) {
        return lower > threshold;
    }

    /** Whether the whole interval lies strictly below {@code threshold}. */
    public boolean isBelow(double threshold) {
        return upper < threshold;
    }
}
