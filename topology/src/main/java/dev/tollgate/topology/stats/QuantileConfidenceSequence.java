package dev.tollgate.topology.stats;

/**
 * A time-uniform confidence sequence for a quantile {@code ξ_q = F⁻¹(q) = inf{x : F(x) ≥ q}} of the
 * distribution {@code F} of an i.i.d. stream (the {@code latency-p95} gate), read from a
 * {@link RankedSample} (exact order statistics or a relative-error sketch).
 *
 * <h2>Construction: order statistics at ranks from a Bernoulli confidence sequence</h2>
 * This is the beta-binomial variant of the order-statistic confidence sequences of Howard, Ramdas 2022,
 * "Sequential estimation of quantiles with applications to A/B-testing and best-arm identification",
 * Bernoulli 28(3) (they also give stitched boundaries; the mixture is used here because it is tight at all
 * sample sizes and already implemented in {@link BernoulliConfidenceSequence}).
 * <ol>
 *   <li><b>Coupling.</b> Write {@code X_i = F⁻¹(U_i)} with {@code U_i} i.i.d. Uniform(0,1) (the randomized
 *       probability integral transform {@code U_i = F(X_i−) + W_i (F(X_i) − F(X_i−))}, {@code W_i}
 *       independent uniforms, gives this almost surely for any {@code F}, atoms included). Since {@code F⁻¹}
 *       is nondecreasing: {@code X_i < ξ_q ⇒ U_i < q} and {@code X_i > ξ_q ⇒ U_i > q}. Hence, with
 *       {@code T_n = #{i ≤ n : U_i ≤ q} ~ Binomial(n, q)}:
 *       {@code #{X_i < ξ_q} ≤ T_n} and {@code #{X_i > ξ_q} ≤ n − T_n}.</li>
 *   <li><b>Ville.</b> The beta-binomial mixture martingale {@code M_n(q; T_n)} of the Bernoulli(q)
 *       indicators {@code 1{U_i ≤ q}} (see {@link BernoulliConfidenceSequence}) exceeds {@code 1/α} at some
 *       {@code n} with probability at most {@code α}. So with probability at least {@code 1 − α}, for all
 *       {@code n}: {@code T_n ∈ K_n = {k ∈ 0..n : ln M_n(q; k) < ln(1/α)}}, where
 *       {@code ln M_n(q; k) = ln B(a+k, b+n−k) − ln B(a,b) − k ln q − (n−k) ln(1−q)} depends only on known
 *       quantities. It is convex in {@code k} (ln Γ is convex), so {@code K_n = {k_min, …, k_max}} is a run
 *       of consecutive integers; it is never empty because {@code E_q[M_n] = 1} forces {@code min_k M_n ≤ 1}.
 *       Its minimiser is {@code ⌈q(b+n−1) − a(1−q)⌉} (the forward difference
 *       {@code ln((a+k)/(b+n−k−1)) − ln(q/(1−q))} changes sign there), and both ends are found by binary
 *       search.</li>
 *   <li><b>Ranks.</b> On that event, for every {@code n}: if {@code k_max < n} then
 *       {@code X_(k_max+1) ≥ ξ_q} (otherwise {@code k_max + 1} values would be below {@code ξ_q}, more than
 *       {@code T_n}); if {@code k_min ≥ 1} then {@code X_(k_min) ≤ ξ_q} (otherwise the
 *       {@code n − k_min + 1} values from rank {@code k_min} up would exceed it, more than {@code n − T_n}).
 *       So {@code [X_(k_min), X_(k_max+1)]} is a (1 − α) confidence sequence for {@code ξ_q}, with
 *       {@code X_(0) = 0} (values are nonnegative) and {@code X_(n+1) = +∞}. Both sides share one
 *       martingale, so no α/2 split is needed. In the language of the brief, these are the empirical
 *       quantiles at the levels {@code q − ε_n ≈ k_min/n} and {@code q + ε_n ≈ (k_max+1)/n}, with
 *       {@code ε_n ≍ √(q(1−q)·2(ln(1/α) + ½ ln n + O(1))/n)} the beta-binomial radius around {@code q}.</li>
 *   <li><b>Sketch error.</b> The sample returns {@code v} with {@code |v − x| ≤ r·|x|} for the exact order
 *       statistic {@code x} ({@code r} = {@link RankedSample#relativeAccuracy()}), so for {@code v > 0}:
 *       {@code v/(1+r) ≤ x ≤ v/(1−r)}. The bounds are widened to {@code v_lower/(1+r)} and
 *       {@code v_upper/(1−r)} (this is exact; multiplying by {@code 1 ± r} would be slightly too narrow on
 *       the upper side because {@code 1 + r < 1/(1−r)}). The guarantee of the sketch is deterministic, so
 *       time-uniform coverage is preserved.</li>
 * </ol>
 * The order statistics are queried at levels {@code (k_min − 1)/(n − 1)} and
 * {@code (k_max + ½)/(n − 1)} (capped at 1), which hit ranks {@code k_min} and {@code k_max + 1} under the
 * {@link RankedSample} convention and err only outwards under floating-point rounding or a nearest-rank
 * ({@code ⌈level·n⌉}) convention. The prior is Jeffreys' Beta(½, ½) unless one is passed.
 */
public final class QuantileConfidenceSequence {

    /** Method name recorded on the intervals. */
    public static final String METHOD = "quantile-cs";

    private QuantileConfidenceSequence() {}

    /**
     * The (1 − alpha) confidence-sequence interval for the {@code q}-quantile, Jeffreys prior.
     *
     * @param sample the sample (nonnegative values)
     * @param q      the quantile level in (0, 1), e.g. 0.95
     * @param alpha  error level in (0, 1)
     */
    public static Interval bounds(RankedSample sample, double q, double alpha) {
        return bounds(sample, q, alpha, BernoulliConfidenceSequence.JEFFREYS, BernoulliConfidenceSequence.JEFFREYS);
    }

    /** As {@link #bounds(RankedSample, double, double)} with a Beta(a, b) mixture. */
    public static Interval bounds(RankedSample sample, double q, double alpha, double a, double b) {
        checkLevel(q);
        BernoulliConfidenceSequence.checkAlpha(alpha);
        BernoulliConfidenceSequence.checkPrior(a, b);
        long n = sample.count();
        if (n < 0) {
            throw new IllegalArgumentException("negative count: " + n);
        }
        if (n == 0) {
            return new Interval(Double.NaN, 0.0, Double.POSITIVE_INFINITY, alpha, METHOD);
        }
        double r = sample.relativeAccuracy();
        if (!(r >= 0.0)) {
            throw new IllegalArgumentException("relative accuracy must be >= 0: " + r);
        }
        long[] ranks = rankBounds(n, q, alpha, a, b);
        long lowerRank = ranks[0];
        long upperRank = ranks[1];
        double lower = 0.0;
        if (lowerRank >= 1) {
            double v = sample.quantile(n == 1 ? 0.0 : (double) (lowerRank - 1) / (double) (n - 1));
            lower = Math.max(0.0, v >= 0.0 ? v / (1.0 + r) : v / (1.0 - r));
        }
        double upper = Double.POSITIVE_INFINITY;
        if (upperRank <= n && r < 1.0) {
            double v = sample.quantile(n == 1 ? 1.0 : Math.min(1.0, (upperRank - 0.5) / (double) (n - 1)));
            upper = v >= 0.0 ? v / (1.0 - r) : v / (1.0 + r);
        }
        if (!(lower <= upper)) { // NaN from a sample that breaks its contract: fall back to the trivial interval
            lower = 0.0;
            upper = Double.POSITIVE_INFINITY;
        }
        return new Interval(sample.quantile(q), lower, upper, alpha, METHOD);
    }

    /**
     * The 1-based ranks {@code {k_min, k_max + 1}} of the order statistics that bound the {@code q}-quantile
     * after {@code n} observations: the lower rank is 0 when there is no lower order statistic (bound 0) and
     * the upper rank is {@code n + 1} when there is no upper one (bound +∞).
     */
    static long[] rankBounds(long n, double q, double alpha, double a, double b) {
        double threshold = -Math.log(alpha);
        double lnPrior = SpecialFunctions.lnBeta(a, b);
        double lnQ = Math.log(q);
        double ln1mQ = Math.log1p(-q);
        double argmin = Math.ceil(q * (b + n - 1.0) - a * (1.0 - q));
        long k0 = (long) Math.max(0.0, Math.min((double) n, argmin));
        if (logM(k0, n, a, b, lnPrior, lnQ, ln1mQ) >= threshold) {
            // Cannot happen mathematically (min_k M_n(q; k) <= 1 < 1/alpha); guard against rounding of argmin.
            k0 = k0 > 0 && logM(k0 - 1, n, a, b, lnPrior, lnQ, ln1mQ) < threshold ? k0 - 1 : Math.min(n, k0 + 1);
            if (logM(k0, n, a, b, lnPrior, lnQ, ln1mQ) >= threshold) {
                return new long[] {0, n + 1};
            }
        }
        long kMax;
        if (logM(n, n, a, b, lnPrior, lnQ, ln1mQ) < threshold) {
            kMax = n;
        } else {
            long inside = k0;
            long outside = n;
            while (outside - inside > 1) {
                long mid = inside + (outside - inside) / 2;
                if (logM(mid, n, a, b, lnPrior, lnQ, ln1mQ) < threshold) {
                    inside = mid;
                } else {
                    outside = mid;
                }
            }
            kMax = inside;
        }
        long kMin;
        if (logM(0, n, a, b, lnPrior, lnQ, ln1mQ) < threshold) {
            kMin = 0;
        } else {
            long outside = 0;
            long inside = k0;
            while (inside - outside > 1) {
                long mid = outside + (inside - outside) / 2;
                if (logM(mid, n, a, b, lnPrior, lnQ, ln1mQ) < threshold) {
                    inside = mid;
                } else {
                    outside = mid;
                }
            }
            kMin = inside;
        }
        return new long[] {kMin, kMax + 1};
    }

    private static double logM(long k, long n, double a, double b, double lnPrior, double lnQ, double ln1mQ) {
        return SpecialFunctions.lnBeta(a + k, b + (n - k)) - lnPrior - k * lnQ - (n - k) * ln1mQ;
    }

    static void checkLevel(double q) {
        if (!(q > 0.0 && q < 1.0)) {
            throw new IllegalArgumentException("quantile level must be in (0, 1): " + q);
        }
    }
}
