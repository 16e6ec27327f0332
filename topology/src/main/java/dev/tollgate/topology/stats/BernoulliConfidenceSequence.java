package dev.tollgate.topology.stats;

/**
 * A time-uniform confidence sequence for a Bernoulli rate {@code p} (e.g. a 5xx share or a cold-start
 * share), from the number of successes {@code s} in {@code n} trials, by Robbins' method of mixtures with
 * a conjugate beta prior (the beta-binomial mixture).
 *
 * <h2>Construction</h2>
 * Let {@code X_1, X_2, …} be i.i.d. Bernoulli(p), {@code S_n = X_1 + … + X_n}. For a prior Beta(a, b) on a
 * rate θ, the mixture of likelihood ratios
 * <pre>
 *   M_n(p) = ∫ θ^S_n (1−θ)^(n−S_n) dBeta(a,b)(θ) / (p^S_n (1−p)^(n−S_n))
 *          = [B(a + S_n, b + n − S_n) / B(a, b)] / [p^S_n (1−p)^(n−S_n)]
 * </pre>
 * is, under the true {@code p}, a nonnegative martingale with {@code M_0 = 1} (each likelihood ratio
 * {@code Π θ^X_i (1−θ)^(1−X_i) / p^X_i (1−p)^(1−X_i)} is one, and mixing over θ preserves that).
 * Ville's inequality gives {@code P(∃ n : M_n(p) ≥ 1/α) ≤ α}, so
 * <pre>
 *   C_n = { p ∈ [0, 1] : M_n(p) &lt; 1/α }
 * </pre>
 * covers the true rate at <em>all</em> {@code n} simultaneously with probability at least {@code 1 − α}
 * (Robbins 1970, "Statistical methods related to the law of the iterated logarithm"; Howard, Ramdas,
 * McAuliffe, Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Statist.
 * 49(2), §3 and the beta-binomial boundary; Waudby-Smith, Ramdas 2024, "Estimating means of bounded random
 * variables by betting", JRSS-B). The sequence can therefore be evaluated on every tick and acted on as
 * soon as it excludes a threshold ("anytime-valid").
 *
 * <h2>Why C_n is an interval, and how it is computed</h2>
 * {@code ln M_n(p) = c_n − s ln p − (n−s) ln(1−p)} with {@code c_n = ln B(a+s, b+n−s) − ln B(a,b)}.
 * Both {@code −s ln p} and {@code −(n−s) ln(1−p)} are convex, so {@code ln M_n} is convex in {@code p}
 * and its strict sublevel set is an (open) interval. Its minimum is at the MLE {@code p̂ = s/n}, where
 * {@code ln M_n(p̂) = ln(mixture likelihood / maximum likelihood) < 0 < ln(1/α)}: the MLE always lies
 * inside. Each bound is the root of {@code ln M_n(p) = ln(1/α)} on one side of {@code p̂}:
 * <ul>
 *   <li>{@code s = 0}: lower bound 0 and, in closed form, upper {@code = 1 − exp((c_n − ln(1/α))/n)};</li>
 *   <li>{@code s = n}: upper bound 1 and lower {@code = exp((c_n − ln(1/α))/n)};</li>
 *   <li>otherwise the lower root is found in {@code u = ln p}, where
 *       {@code h(u) = c_n − s·u − (n−s)·ln(1 − e^u) − ln(1/α)} is still convex (ln(1 − e^u) is concave)
 *       and decreasing left of {@code ln p̂}; Newton's method started left of the root then increases
 *       monotonically to it without overshooting (safeguarded by bisection on the bracket
 *       {@code [u_0, ln p̂]}), to a relative precision of about {@code 1e-14} in {@code p}. The upper root
 *       is the same problem mirrored ({@code p ↔ 1 − p}, {@code s ↔ n − s}, {@code a ↔ b}), solved in
 *       {@code ln(1 − p)} and returned as {@code −expm1(·)} so tiny upper bounds keep their digits.</li>
 * </ul>
 * The returned bounds are rounded outwards (the solver keeps the iterate on the outer side of the root).
 * {@code n = 0} gives {@code [0, 1]}.
 *
 * <h2>Prior</h2>
 * The default prior is Jeffreys' Beta(½, ½). The width of the mixture boundary at a true rate {@code p}
 * grows with {@code −ln π(p)} (π the prior density), and Jeffreys' density {@code 1/(π√(p(1−p)))} is large
 * near 0 and 1, which suits the tiny rates of a rollout (5xx shares of 0.01–1 %), while staying usable for
 * mid-range shares. Callers that know the scale of the rate can pass their own {@code (a, b)}; the prior
 * must be fixed before seeing the data. Coverage holds for any prior.
 */
public final class BernoulliConfidenceSequence {

    /** Method name recorded on the intervals. */
    public static final String METHOD = "beta-binomial-cs";
    /** Jeffreys prior parameter (a = b = ½). */
    public static final double JEFFREYS = 0.5;

    private static final int MAX_ITERATIONS = 200;
    /** Relative tolerance on u = ln p (or ln(1 − p)); gives about 1e-14 relative precision in the bound. */
    private static final double TOLERANCE = 1e-14;

    private BernoulliConfidenceSequence() {}

    /**
     * The (1 − alpha) confidence-sequence interval for the rate, with the Jeffreys Beta(½, ½) mixture.
     *
     * @param successes number of successes {@code s}, {@code 0 <= s <= trials}
     * @param trials    number of trials {@code n >= 0}
     * @param alpha     error level in (0, 1)
     */
    public static Interval bounds(long successes, long trials, double alpha) {
        return bounds(successes, trials, alpha, JEFFREYS, JEFFREYS);
    }

    /**
     * The (1 − alpha) confidence-sequence interval for the rate, with a Beta(a, b) mixture.
     *
     * @param successes number of successes {@code s}, {@code 0 <= s <= trials}
     * @param trials    number of trials {@code n >= 0}
     * @param alpha     error level in (0, 1)
     * @param a         first prior parameter, {@code > 0}
     * @param b         second prior parameter, {@code > 0}
     */
    public static Interval bounds(long successes, long trials, double alpha, double a, double b) {
        checkCounts(successes, trials);
        checkAlpha(alpha);
        checkPrior(a, b);
        if (trials == 0) {
            return new Interval(Double.NaN, 0.0, 1.0, alpha, METHOD);
        }
        long failures = trials - successes;
        double threshold = -Math.log(alpha);
        double c = SpecialFunctions.lnBeta(a + successes, b + failures) - SpecialFunctions.lnBeta(a, b);
        double lower = successes == 0 ? 0.0 : Math.exp(lowerLogRoot(c, successes, failures, threshold));
        double upper = failures == 0 ? 1.0 : -Math.expm1(lowerLogRoot(c, failures, successes, threshold));
        double estimate = (double) successes / trials;
        // Guard against rounding pushing a bound past the MLE (the MLE is always inside mathematically).
        lower = Math.min(lower, estimate);
        upper = Math.max(upper, estimate);
        return new Interval(estimate, lower, upper, alpha, METHOD);
    }

    /**
     * {@code ln M_n(p)}, the log of the beta-binomial mixture martingale at the candidate rate {@code p};
     * {@code p} lies in the confidence sequence iff this is below {@code ln(1/alpha)}. Useful as an
     * anytime-valid test of {@code H0: rate = p} (reject when it reaches {@code ln(1/alpha)}).
     */
    public static double logMartingale(long successes, long trials, double p, double a, double b) {
        checkCounts(successes, trials);
        checkPrior(a, b);
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("p must be in [0, 1]: " + p);
        }
        long failures = trials - successes;
        double logLikelihood =
                (successes == 0 ? 0.0 : successes * Math.log(p)) + (failures == 0 ? 0.0 : failures * Math.log1p(-p));
        return SpecialFunctions.lnBeta(a + successes, b + failures) - SpecialFunctions.lnBeta(a, b) - logLikelihood;
    }

    /**
     * The root {@code u < ln(k/(k+m))} of {@code h(u) = c − k·u − m·ln(1 − e^u) − threshold}, rounded
     * downwards (to the side where {@code h > 0}), for {@code k >= 1, m >= 0}. {@code h} is convex and
     * decreasing left of {@code ln(k/(k+m))}, where it is negative.
     */
    static double lowerLogRoot(double c, long k, long m, double threshold) {
        if (m == 0) {
            return (c - threshold) / k; // h is linear: c − k·u − threshold
        }
        double hi = Math.log((double) k / ((double) k + (double) m)); // h(hi) < 0
        // h(u) >= c − k·u − threshold, so at lo the value is at least k > 0.
        double lo = Math.min(hi, (c - threshold) / k) - 1.0;
        double hLo = h(lo, c, k, m, threshold);
        for (int i = 0; i < MAX_ITERATIONS; i++) {
            double slope = -k + m / Math.expm1(-lo); // h'(lo) < 0 left of the root
            double step = -hLo / slope;
            double candidate;
            if (step > 0.0 && lo + step < hi) {
                if (step <= TOLERANCE * Math.abs(lo)) {
                    break; // converged: from the convex side the distance to the root is step·(1 + O(step))
                }
                candidate = lo + step;
            } else {
                candidate = 0.5 * (lo + hi);
            }
            double hCandidate = h(candidate, c, k, m, threshold);
            if (hCandidate > 0.0) {
                lo = candidate;
                hLo = hCandidate;
            } else {
                hi = candidate;
            }
            if (hi - lo <= TOLERANCE * Math.abs(lo)) {
                break;
            }
        }
        return lo;
    }

    private static double h(double u, double c, long k, long m, double threshold) {
        return c - k * u - m * SpecialFunctions.log1mExp(u) - threshold;
    }

    static void checkCounts(long successes, long trials) {
        if (trials < 0 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("need 0 <= successes <= trials: " + successes + "/" + trials);
        }
    }

    static void checkAlpha(double alpha) {
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
        }
    }

    static void checkPrior(double a, double b) {
        if (!(a > 0.0 && b > 0.0 && a < Double.POSITIVE_INFINITY && b < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("prior parameters must be positive and finite: " + a + ", " + b);
        }
    }
}
