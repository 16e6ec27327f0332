package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Statistic;
import dev.tollgate.topology.stats.Interval;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Shared pieces of the sequential (anytime-valid) rate and quantile gates: the policy's error level, the
 * {@link Statistic} written into a GateResult from a confidence-sequence interval, and formatting of bounds.
 *
 * <p>The verdict rule all four gates share (docs/statistics.md):
 * <ul>
 *   <li>FAIL when the confidence sequence lies entirely on the wrong side of the threshold (the regression
 *       exceeds the threshold with confidence {@code 1 − alpha}); this needs no minimum sample size because
 *       the sequence is valid at every sample size and every look;</li>
 *   <li>PASS when {@code minSamples} is reached, there is no FAIL and the point estimate is within the
 *       threshold, or within the gate's resolution target below {@link #RESOLUTION_FROM_PERCENT} (from it on, the
 *       sequence's upper bound must be within the target);</li>
 *   <li>otherwise INCONCLUSIVE (the step holds); NODATA without canary evidence. An INCONCLUSIVE outcome with
 *       {@code minSamples} in and the estimate nearer the resolution target than the threshold is <em>suspected</em>: at
 *       {@code maxStepDurationMs} the policy's {@code DECIDE} rolls such a step back, and promotes a step whose open
 *       estimates all lean the other way (nearer the threshold).</li>
 * </ul>
 */
final class Sequential {
    /** The contract's default error level, used when a policy carries an unusable alpha. */
    static final double DEFAULT_ALPHA = 0.01;
    /** Absolute tolerance of "estimate within threshold", so values exactly at the threshold pass. */
    private static final double TOLERANCE = 1e-12;
    /** Compiled once: {@link #level} runs at every evaluation of a gate. */
    private static final Pattern TRAILING_ZEROS = Pattern.compile("\\.?0+$");

    private Sequential() {}

    /**
     * Said by an INCONCLUSIVE outcome whose estimate is nearer its resolution target than its threshold (a suspected regression,
     * {@link GateOutcome#suspected()}).
     */
    static final String SUSPECTED = "; estimate nearer the target than the threshold: suspected regression";

    /**
     * Whether an INCONCLUSIVE estimate with its minimum samples in is a suspected regression: nearer the
     * resolution target (the smallest regression the step is meant to catch) than the threshold (what may ship),
     * i.e. beyond their midpoint. Under a normal approximation that is where the likelihood of a regression at the
     * target exceeds that of a canary at the threshold. Below {@link #RESOLUTION_FROM_PERCENT} every such
     * INCONCLUSIVE estimate is beyond the target (within it the gate passes), so beyond the midpoint too.
     */
    static boolean suspected(double estimate, double threshold, double target) {
        return estimate > (threshold + target) / 2;
    }

    /**
     * From this canary share on, a PASS whose estimate is above the threshold must have reached its resolution
     * target (the CS upper bound at most the target). Below it, the estimate within the target is enough: the
     * small step's blast radius is small, and the larger steps see enough traffic to catch what it could not.
     */
    static final double RESOLUTION_FROM_PERCENT = 25.0;

    /** Whether a PASS above the threshold needs the resolution target at this step. */
    static boolean resolutionRequired(GateInput in) {
        return in.trafficPercent() >= RESOLUTION_FROM_PERCENT;
    }

    /** The policy's alpha, or {@link #DEFAULT_ALPHA} when it is not in (0, 1). */
    static double alpha(GatePolicy policy) {
        double a = policy.getAlpha();
        return a > 0.0 && a < 1.0 ? a : DEFAULT_ALPHA;
    }

    /** Whether {@code estimate <= threshold}, tolerating floating-point noise at the threshold itself. */
    static boolean atMost(double estimate, double threshold) {
        return estimate <= threshold + TOLERANCE * Math.max(1.0, Math.abs(threshold));
    }

    /** Whether {@code estimate >= threshold}, tolerating floating-point noise at the threshold itself. */
    static boolean atLeast(double estimate, double threshold) {
        return estimate >= threshold - TOLERANCE * Math.max(1.0, Math.abs(threshold));
    }

    /**
     * The statistic of a confidence-sequence interval, shifted by {@code shift} (e.g. −1 to turn a ratio into a
     * relative delta). Infinite bounds ("no bound yet") are written as null.
     */
    static Statistic statistic(Interval ci, double shift) {
        return Statistic.newBuilder()
                .setName(ci.method())
                .setValue(finite(ci.estimate() + shift))
                .setLowerBound(finite(ci.lower() + shift))
                .setUpperBound(finite(ci.upper() + shift))
                .setAlpha(ci.alpha())
                .build();
    }

    private static Double finite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    /** "99% CS" for alpha 0.01. */
    static String level(double alpha) {
        return TRAILING_ZEROS
                        .matcher(String.format(Locale.ROOT, "%.4g", (1 - alpha) * 100))
                        .replaceAll("") + "% CS";
    }

    /** A rate interval in percent, e.g. "[0.012%, 0.450%]". */
    static String pctRange(Interval ci) {
        return "[" + Fmt.pct(ci.lower()) + ", " + Fmt.pct(ci.upper()) + "]";
    }

    /** A rate-difference interval in percentage points, e.g. "[-0.120, +0.450] pp". */
    static String ppRange(Interval ci) {
        return String.format(Locale.ROOT, "[%+.3f, %+.3f] pp", ci.lower() * 100, ci.upper() * 100);
    }

    /** A ratio interval as relative deltas, e.g. "[+3.1%, +48.0%]"; an infinite upper bound prints as "+inf". */
    static String relRange(Interval ratio) {
        String hi = Double.isInfinite(ratio.upper()) ? "+inf" : Fmt.relPct(ratio.upper() - 1);
        return "[" + Fmt.relPct(ratio.lower() - 1) + ", " + hi + "]";
    }

    /** A share interval, e.g. "[0.9981, 1.000]". */
    static String numRange(Interval ci) {
        return "[" + Fmt.num(ci.lower()) + ", " + Fmt.num(ci.upper()) + "]";
    }

    /** " (beta-binomial-cs, alpha 0.01)" */
    static String method(Interval ci) {
        return " (" + ci.method() + ", alpha " + plain(ci.alpha()) + ")";
    }

    /** A short plain number, e.g. 0.01 or 0.0005 (4 significant digits, no exponent, no trailing zeros). */
    static String plain(double v) {
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
