package dev.tollgate.topology.math;

import java.util.List;

/**
 * The λ rule: the one place that turns a ΔS trajectory into a {@link LambdaState}.
 *
 * <p>For a trajectory {@code s[1..n]} with {@code n >= 2} and every value finite:
 * <ul>
 *   <li>{@code Δ = s[n] - s[n-1]};</li>
 *   <li>{@code E} = mean of the last {@code min(n, 5)} values, {@code E'} = mean of the last
 *       {@code min(n - 1, 5)} values of {@code s[1..n-1]} (the same mean one step earlier);</li>
 *   <li>sign flips: take the last up to 4 successive differences {@code d[i] = s[i] - s[i-1]}
 *       ({@code i = max(2, n - 3) .. n}); a difference with {@code |d| <= }{@value #TOLERANCE} counts as
 *       zero and is skipped: it neither flips nor breaks a run, so {@code +, 0, -} is one flip and
 *       {@code +, 0, 0, +} none. The flip count is the number of sign changes between consecutive
 *       nonzero differences (at most 3);</li>
 *   <li>{@link LambdaState#CHAOTIC} if {@code Δ > 0.04}; else {@link LambdaState#DIVERGENT} if
 *       {@code Δ > 0.02} or flips {@code >= 2}; else {@link LambdaState#RECURSIVE} if {@code |Δ| < 0.02}
 *       and {@code E > E' + 0.005}; otherwise {@link LambdaState#CONVERGENT}
 *       (precedence chaotic &gt; divergent &gt; recursive &gt; convergent).</li>
 * </ul>
 * Every threshold comparison allows {@value #TOLERANCE} of floating-point noise in favour of the
 * threshold: a value within the tolerance of a threshold counts as equal to it. So decimal inputs whose
 * exact difference is the threshold are classified by the written rule: {@code 0.54 - 0.50} is not
 * chaotic although its double value is {@code 0.04000000000000004}, and {@code |Δ|} within the
 * tolerance of 0.02 is not below 0.02.
 *
 * <p>Degenerate input: an empty, single-value or null trajectory cannot show divergence and is
 * classified {@link LambdaState#CONVERGENT}; a trajectory with a non-finite (or null) value is corrupt
 * and is classified {@link LambdaState#CHAOTIC} so that it can never pass as convergent. In both cases
 * {@link #hasTrajectory(double[])} is false, so a gate can report the probe as lacking evidence
 * (INCONCLUSIVE) rather than rely on the fallback state.
 *
 * <p>All methods are thread-safe; {@code classify} and {@code hasTrajectory} on arrays do not allocate.
 */
public final class LambdaRule {

    /** {@code Δ} above this is chaotic. */
    public static final double CHAOTIC_STEP = 0.04;
    /** {@code Δ} above this is divergent; {@code |Δ|} below this allows recursive. */
    public static final double DIVERGENT_STEP = 0.02;
    /** {@code E - E'} above this (with a small step) is recursive. */
    public static final double RECURSIVE_MEAN_RISE = 0.005;
    /** Number of trailing values in the means {@code E} and {@code E'}. */
    public static final int MEAN_WINDOW = 5;
    /** Number of trailing successive differences inspected for sign flips. */
    public static final int FLIP_WINDOW = 4;
    /** This many sign flips or more in the flip window is divergent. */
    public static final int DIVERGENT_FLIPS = 2;
    /** Floating-point allowance of every comparison; differences this small count as zero. */
    public static final double TOLERANCE = 1e-9;

    private LambdaRule() {}

    /**
     * Explanation of one classification, for gate reasons.
     *
     * @param state the λ state
     * @param steps number of values in the trajectory (0 for null)
     * @param delta {@code Δ = s[n] - s[n-1]}, NaN when {@code n < 2}
     * @param mean {@code E}, NaN when {@code n < 2}
     * @param previousMean {@code E'}, NaN when {@code n < 2}
     * @param signFlips sign flips among the last {@value #FLIP_WINDOW} differences
     * @param usable whether the trajectory has at least 2 values, all finite ({@link #hasTrajectory})
     */
    public record Evaluation(
            LambdaState state,
            int steps,
            double delta,
            double mean,
            double previousMean,
            int signFlips,
            boolean usable) {}

    /**
     * Whether the trajectory can show a λ state: at least 2 values and all finite.
     *
     * @param trajectory ΔS per step, may be null
     * @return false for null, empty, single-value or non-finite trajectories
     */
    public static boolean hasTrajectory(double[] trajectory) {
        return trajectory != null && trajectory.length >= 2 && allFinite(trajectory);
    }

    /**
     * Whether the trajectory can show a λ state: at least 2 values, none null, all finite.
     *
     * @param trajectory ΔS per step, may be null
     * @return false for null, empty, single-value, null-holding or non-finite trajectories
     */
    public static boolean hasTrajectory(List<Double> trajectory) {
        return trajectory != null && trajectory.size() >= 2 && hasTrajectory(toArray(trajectory));
    }

    /**
     * Classifies a ΔS trajectory by the λ rule (see the class documentation).
     *
     * @param trajectory ΔS per step, may be null or empty
     * @return the λ state
     */
    public static LambdaState classify(double[] trajectory) {
        if (trajectory == null || trajectory.length < 2) {
            return LambdaState.CONVERGENT;
        }
        if (!allFinite(trajectory)) {
            return LambdaState.CHAOTIC;
        }
        int n = trajectory.length;
        double delta = trajectory[n - 1] - trajectory[n - 2];
        if (delta > CHAOTIC_STEP + TOLERANCE) {
            return LambdaState.CHAOTIC;
        }
        if (delta > DIVERGENT_STEP + TOLERANCE || signFlips(trajectory) >= DIVERGENT_FLIPS) {
            return LambdaState.DIVERGENT;
        }
        if (Math.abs(delta) < DIVERGENT_STEP - TOLERANCE && meanRise(trajectory) > RECURSIVE_MEAN_RISE + TOLERANCE) {
            return LambdaState.RECURSIVE;
        }
        return LambdaState.CONVERGENT;
    }

    /**
     * Classifies a ΔS trajectory given as a list (e.g. an Avro array); a null element makes it corrupt.
     *
     * @param trajectory ΔS per step, may be null or empty
     * @return the λ state
     */
    public static LambdaState classify(List<Double> trajectory) {
        return trajectory == null ? LambdaState.CONVERGENT : classify(toArray(trajectory));
    }

    /**
     * Classifies a trajectory and returns the quantities behind the state.
     *
     * @param trajectory ΔS per step, may be null or empty
     * @return the state with {@code Δ}, {@code E}, {@code E'} and the sign-flip count
     */
    public static Evaluation evaluate(double[] trajectory) {
        LambdaState state = classify(trajectory);
        int n = trajectory == null ? 0 : trajectory.length;
        if (n < 2) {
            return new Evaluation(state, n, Double.NaN, Double.NaN, Double.NaN, 0, false);
        }
        int mean = Math.min(n, MEAN_WINDOW);
        int previous = Math.min(n - 1, MEAN_WINDOW);
        return new Evaluation(
                state,
                n,
                trajectory[n - 1] - trajectory[n - 2],
                tailMean(trajectory, n, mean),
                tailMean(trajectory, n - 1, previous),
                signFlips(trajectory),
                allFinite(trajectory));
    }

    /**
     * Same as {@link #evaluate(double[])} for a list; a null element makes the trajectory corrupt.
     *
     * @param trajectory ΔS per step, may be null or empty
     * @return the state with {@code Δ}, {@code E}, {@code E'} and the sign-flip count
     */
    public static Evaluation evaluate(List<Double> trajectory) {
        return evaluate(trajectory == null ? null : toArray(trajectory));
    }

    /** Sign changes between consecutive nonzero differences among the last {@link #FLIP_WINDOW}. */
    private static int signFlips(double[] s) {
        int n = s.length;
        int first = Math.max(1, n - FLIP_WINDOW);
        int flips = 0;
        int lastSign = 0;
        for (int i = first; i < n; i++) {
            double d = s[i] - s[i - 1];
            int sign = d > TOLERANCE ? 1 : d < -TOLERANCE ? -1 : 0;
            if (sign == 0) {
                continue;
            }
            if (lastSign != 0 && sign != lastSign) {
                flips++;
            }
            lastSign = sign;
        }
        return flips;
    }

    /** {@code E - E'}. */
    private static double meanRise(double[] s) {
        int n = s.length;
        return tailMean(s, n, Math.min(n, MEAN_WINDOW)) - tailMean(s, n - 1, Math.min(n - 1, MEAN_WINDOW));
    }

    /** Mean of the last {@code count} values of {@code s[0..end-1]}. */
    private static double tailMean(double[] s, int end, int count) {
        double sum = 0.0;
        for (int i = end - count; i < end; i++) {
            sum += s[i];
        }
        return sum / count;
    }

    private static boolean allFinite(double[] s) {
        for (double v : s) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static double[] toArray(List<Double> list) {
        double[] out = new double[list.size()];
        int i = 0;
        for (Double v : list) {
            out[i++] = v == null ? Double.NaN : v;
        }
        return out;
    }
}
