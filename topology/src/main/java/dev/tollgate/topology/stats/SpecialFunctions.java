package dev.tollgate.topology.stats;

/**
 * Log-gamma and log-beta in double precision, without dependencies.
 *
 * <p><b>lnGamma.</b> For {@code x >= 10} the Stirling series
 * <pre>
 *   ln Γ(x) = (x − ½) ln x − x + ½ ln 2π + δ(x),
 *   δ(x)    = Σ_{k=1..7} B_{2k} / (2k (2k−1) x^{2k−1})
 *           = 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹)
 *             − 691/(360360x¹¹) + 1/(156x¹³)
 * </pre>
 * is used; the series is alternating and its truncation error is below the first omitted term,
 * {@code 3617/(122400 x^15) < 3e-17} at {@code x = 10}. For {@code 0 < x < 10} the recurrence
 * {@code ln Γ(x) = ln Γ(x + m) − ln(x (x+1) … (x+m−1))} shifts the argument to {@code x + m >= 10}
 * (at most 10 factors). The result is accurate to a few ulps of its magnitude; near the zeros of ln Γ
 * ({@code x = 1, 2}) the absolute error is about {@code 1e-15}.
 *
 * <p><b>lnBeta.</b> {@code ln B(x, y) = ln Γ(x) + ln Γ(y) − ln Γ(x + y)} loses digits to cancellation
 * when an argument is large (the confidence sequences evaluate it at {@code (a + s, b + n − s)} with
 * {@code n} up to billions), so the Stirling parts are combined analytically:
 * <pre>
 *   x, y >= 10:     ln B = ½ ln 2π + (x − ½) ln(x/(x+y)) − (y − ½) log1p(x/y) − ½ ln(x+y)
 *                          + δ(x) + δ(y) − δ(x+y)
 *   x &lt; 10 &lt;= y: ln B = ln Γ(x) − (y − ½) log1p(x/y) − x ln(x+y) + x + δ(y) − δ(x+y)
 * </pre>
 */
public final class SpecialFunctions {

    /** ½ ln(2π). */
    static final double HALF_LN_2PI = 0.91893853320467274178032973640562;

    private static final double STIRLING_MIN = 10.0;
    private static final double LN2 = 0.69314718055994530942;

    private SpecialFunctions() {}

    /**
     * The natural logarithm of the gamma function for {@code x > 0}.
     *
     * @throws IllegalArgumentException when {@code x} is not positive (or NaN)
     */
    public static double lnGamma(double x) {
        if (!(x > 0.0)) {
            throw new IllegalArgumentException("lnGamma needs x > 0: " + x);
        }
        if (x == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        if (x >= STIRLING_MIN) {
            return stirling(x);
        }
        double product = 1.0;
        double y = x;
        while (y < STIRLING_MIN) {
            product *= y;
            y += 1.0;
        }
        return stirling(y) - Math.log(product);
    }

    /**
     * The natural logarithm of the beta function {@code B(x, y) = Γ(x)Γ(y)/Γ(x+y)} for {@code x, y > 0}.
     *
     * @throws IllegalArgumentException when an argument is not positive (or NaN)
     */
    public static double lnBeta(double x, double y) {
        if (!(x > 0.0) || !(y > 0.0)) {
            throw new IllegalArgumentException("lnBeta needs x, y > 0: " + x + ", " + y);
        }
        double lo = Math.min(x, y);
        double hi = Math.max(x, y);
        if (hi == Double.POSITIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        if (hi < STIRLING_MIN) {
            return lnGamma(lo) + lnGamma(hi) - lnGamma(lo + hi);
        }
        double sum = lo + hi;
        double corrections = stirlingCorrection(hi) - stirlingCorrection(sum);
        if (lo < STIRLING_MIN) {
            return lnGamma(lo) - (hi - 0.5) * Math.log1p(lo / hi) - lo * Math.log(sum) + lo + corrections;
        }
        return HALF_LN_2PI
                + (lo - 0.5) * Math.log(lo / sum)
                - (hi - 0.5) * Math.log1p(lo / hi)
                - 0.5 * Math.log(sum)
                + stirlingCorrection(lo)
                + corrections;
    }

    /**
     * {@code ln(1 − e^u)} for {@code u < 0}, accurate over the whole range (Mächler 2012, "Accurately
     * computing log(1 − exp(−|a|))"): {@code ln(−expm1(u))} for {@code u > −ln 2}, else {@code log1p(−e^u)}.
     */
    static double log1mExp(double u) {
        return u > -LN2 ? Math.log(-Math.expm1(u)) : Math.log1p(-Math.exp(u));
    }

    /** Stirling's approximation with its correction series; valid for {@code x >= 10}. */
    private static double stirling(double x) {
        return (x - 0.5) * Math.log(x) - x + HALF_LN_2PI + stirlingCorrection(x);
    }

    /** δ(x) = ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π] by its asymptotic series; valid for {@code x >= 10}. */
    static double stirlingCorrection(double x) {
        double z = 1.0 / (x * x);
        return (1.0 / 12.0
                        + z
                                * (-1.0 / 360.0
                                        + z
                                                * (1.0 / 1260.0
                                                        + z
                                                                * (-1.0 / 1680.0
                                                                        + z
                                                                                * (1.0 / 1188.0
                                                                                        + z
                                                                                                * (-691.0 / 360360.0
                                                                                                        + z
                                                                                                                * (1.0
                                                                                                                        / 156.0)))))))
                / x;
    }
}
