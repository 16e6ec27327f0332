package dev.tollgate.topology.math;

/**
 * Quantiles and distribution functions needed by the gate statistics, implemented with the JDK only.
 *
 * <ul>
 *   <li>{@link #normalQuantile(double)}: Wichura's algorithm AS 241 (PPND16), relative error below
 *       {@code 1e-15} over {@code (0, 1)}.</li>
 *   <li>{@link #studentTCdf(double, int)}: the exact finite series for integer degrees of freedom
 *       (Abramowitz and Stegun 26.7.3 and 26.7.4), absolute error below {@code 1e-13}; the cost is
 *       linear in the degrees of freedom.</li>
 *   <li>{@link #studentTQuantile(double, int)}: closed forms for 1 and 2 degrees of freedom; for
 *       3 to {@value #CORNISH_FISHER_MIN_DOF} - 1 degrees of freedom a Cornish-Fisher start refined by a
 *       safeguarded Newton iteration on the exact CDF; from {@value #CORNISH_FISHER_MIN_DOF} degrees of
 *       freedom the four-term Cornish-Fisher expansion alone (as in Hill 1970). Checked against SciPy:
 *       relative error below {@code 1e-10} for {@code 1e-6 <= p <= 1 - 1e-6} and below {@code 1e-7} for
 *       {@code 1e-9 <= p <= 1 - 1e-9}, for every degree of freedom; the gates need about {@code 1e-4}.
 *       Further out the error grows (about {@code 1e-5} at {@code p = 1e-12}) because the tail
 *       probability is then carried next to 1 in double precision.</li>
 * </ul>
 *
 * <p>All methods are allocation-free and thread-safe.
 */
public final class Distributions {

    /** From this many degrees of freedom the Cornish-Fisher expansion is used without refinement. */
    public static final int CORNISH_FISHER_MIN_DOF = 1000;

    private static final int MAX_NEWTON_STEPS = 100;

    private Distributions() {}

    /**
     * Quantile of the standard normal distribution (Wichura, AS 241, PPND16).
     *
     * @param p probability in {@code [0, 1]}
     * @return {@code z} with {@code P(Z <= z) = p}; {@code -Infinity} for 0, {@code +Infinity} for 1
     * @throws IllegalArgumentException when {@code p} is outside {@code [0, 1]} or NaN
     */
    public static double normalQuantile(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be in [0, 1]: " + p);
        }
        if (p == 0.0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        double q = p - 0.5;
        if (Math.abs(q) <= 0.425) {
            double r = 0.180625 - q * q;
            return q
                    * (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4)
                                                                                                    * r
                                                                                            + 4.5921953931549871457e+4)
                                                                                    * r
                                                                            + 1.3731693765509461125e+4)
                                                                    * r
                                                            + 1.9715909503065514427e+3)
                                                    * r
                                            + 1.3314166789178437745e+2)
                                    * r
                            + 3.3871328727963666080e+0)
                    / (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4)
                                                                                                    * r
                                                                                            + 2.1213794301586595867e+4)
                                                                                    * r
                                                                            + 5.3941960214247511077e+3)
                                                                    * r
                                                            + 6.8718700749205790830e+2)
                                                    * r
                                            + 4.2313330701600911252e+1)
                                    * r
                            + 1.0);
        }
        double r = q < 0 ? p : 1.0 - p;
        r = Math.sqrt(-Math.log(r));
        double z;
        if (r <= 5.0) {
            r -= 1.6;
            z = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r
                                                                                            + 1.27045825245236838258e+0)
                                                                                    * r
                                                                            + 3.64784832476320460504e+0)
                                                                    * r
                                                            + 5.76949722146069140550e+0)
                                                    * r
                                            + 4.63033784615654529590e+0)
                                    * r
                            + 1.42343711074968357734e+0)
                    / (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2)
                                                                                                    * r
                                                                                            + 1.48103976427480074590e-1)
                                                                                    * r
                                                                            + 6.89767334985100004550e-1)
                                                                    * r
                                                            + 1.67638483018380384940e+0)
                                                    * r
                                            + 2.05319162663775882187e+0)
                                    * r
                            + 1.0);
        } else {
            r -= 5.0;
            z = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r
                                                                                            + 2.65321895265761230930e-2)
                                                                                    * r
                                                                            + 2.96560571828504891230e-1)
                                                                    * r
                                                            + 1.78482653991729133580e+0)
                                                    * r
                                            + 5.46378491116411436990e+0)
                                    * r
                            + 6.65790464350110377720e+0)
                    / (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r
                                                                                                            + 1.84631831751005468180e-5)
                                                                                                    * r
                                                                                            + 7.86869131145613259100e-4)
                                                                                    * r
                                                                            + 1.48753612908506148525e-2)
                                                                    * r
                                                            + 1.36929880922735805310e-1)
                                                    * r
                                            + 5.99832206555887937690e-1)
                                    * r
                            + 1.0);
        }
        return q < 0 ? -z : z;
    }

    /**
     * Cumulative distribution function of Student's t with integer degrees of freedom, from the exact
     * finite series (Abramowitz and Stegun 26.7.3, 26.7.4). The cost is linear in {@code dof}.
     *
     * @param t the point, any double ({@code ±Infinity} allowed)
     * @param dof degrees of freedom, at least 1
     * @return {@code P(T <= t)}
     * @throws IllegalArgumentException when {@code dof < 1} or {@code t} is NaN
     */
    public static double studentTCdf(double t, int dof) {
        requireDof(dof);
        if (Double.isNaN(t)) {
            throw new IllegalArgumentException("t is NaN");
        }
        if (t == Double.POSITIVE_INFINITY) {
            return 1.0;
        }
        if (t == Double.NEGATIVE_INFINITY) {
            return 0.0;
        }
        double a = twoSidedCentral(Math.abs(t), dof);
        return t >= 0 ? 0.5 + 0.5 * a : 0.5 - 0.5 * a;
    }

    /**
     * Quantile of Student's t distribution with integer degrees of freedom.
     *
     * @param p probability in {@code [0, 1]}
     * @param dof degrees of freedom, at least 1
     * @return {@code t} with {@code P(T <= t) = p}; {@code ±Infinity} at 0 and 1
     * @throws IllegalArgumentException when {@code p} is outside {@code [0, 1]} or {@code dof < 1}
     */
    public static double studentTQuantile(double p, int dof) {
        requireDof(dof);
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be in [0, 1]: " + p);
        }
        if (p == 0.0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        if (p == 0.5) {
            return 0.0;
        }
        if (p < 0.5) {
            return -upperQuantile(1.0 - p, p, dof);
        }
        return upperQuantile(p, 1.0 - p, dof);
    }

    /** Quantile for {@code p > 0.5}; {@code tail = 1 - p} is passed separately to keep its precision. */
    private static double upperQuantile(double p, double tail, int dof) {
        if (dof == 1) {
            return Math.tan(Math.PI * (0.5 - tail));
        }
        if (dof == 2) {
            double centered = 1.0 - 2.0 * tail; // 2p - 1
            return centered / Math.sqrt(2.0 * tail * (1.0 - tail));
        }
        double z = normalQuantile(p);
        double t = cornishFisher(z, dof);
        if (dof >= CORNISH_FISHER_MIN_DOF) {
            return t;
        }
        // Safeguarded Newton on A(t) = P(|T| <= t) = 1 - 2 * tail, bracketed in [lo, hi].
        double target = 1.0 - 2.0 * tail;
        double lo = 0.0;
        double hi = Math.max(2.0 * t, 1.0);
        while (twoSidedCentral(hi, dof) < target && hi < 1e300) {
            lo = hi;
            hi *= 2.0;
        }
        if (!(t > lo && t < hi)) {
            t = 0.5 * (lo + hi);
        }
        double densityConstant = densityConstant(dof);
        for (int i = 0; i < MAX_NEWTON_STEPS; i++) {
            double f = twoSidedCentral(t, dof) - target;
            if (f == 0.0) {
                return t;
            }
            if (f < 0) {
                lo = t;
            } else {
                hi = t;
            }
            double derivative = 2.0 * densityConstant * Math.pow(1.0 + t * t / dof, -0.5 * (dof + 1));
            double next = t - f / derivative;
            if (!(next > lo && next < hi)) {
                next = 0.5 * (lo + hi);
            }
            if (Math.abs(next - t) <= 1e-13 * Math.max(1.0, Math.abs(t))) {
                return next;
            }
            t = next;
        }
        return t;
    }

    /** Four-term Cornish-Fisher expansion of the t quantile around the normal quantile {@code z}. */
    private static double cornishFisher(double z, int dof) {
        double z2 = z * z;
        double g1 = (z2 + 1.0) * z / 4.0;
        double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
        double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
        double g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
        double v = dof;
        return z + (g1 + (g2 + (g3 + g4 / v) / v) / v) / v;
    }

    /** {@code P(|T| <= t)} for {@code t >= 0}, Abramowitz and Stegun 26.7.3 / 26.7.4. */
    private static double twoSidedCentral(double t, int dof) {
        if (t == Double.POSITIVE_INFINITY) {
            return 1.0;
        }
        double theta = Math.atan(t / Math.sqrt(dof));
        double sin = Math.sin(theta);
        double cos = Math.cos(theta);
        double cos2 = cos * cos;
        if ((dof & 1) == 1) {
            if (dof == 1) {
                return 2.0 * theta / Math.PI;
            }
            // (2/pi) [theta + sin (cos + 2/3 cos^3 + ... + (2*4*..*(dof-3))/(1*3*..*(dof-2)) cos^(dof-2))]
            double term = cos;
            double sum = term;
            for (int k = 3; k <= dof - 2; k += 2) {
                term *= cos2 * (k - 1) / k;
                sum += term;
            }
            return Math.min(1.0, 2.0 / Math.PI * (theta + sin * sum));
        }
        // sin [1 + 1/2 cos^2 + (1*3)/(2*4) cos^4 + ... + (1*3*..*(dof-3))/(2*4*..*(dof-2)) cos^(dof-2)]
        double term = 1.0;
        double sum = term;
        for (int k = 2; k <= dof - 2; k += 2) {
            term *= cos2 * (k - 1) / k;
            sum += term;
        }
        return Math.min(1.0, sin * sum);
    }

    /** {@code Gamma((dof + 1) / 2) / (sqrt(dof * pi) * Gamma(dof / 2))}, by the two-step recurrence. */
    private static double densityConstant(int dof) {
        // ratio(v) = Gamma((v + 1) / 2) / Gamma(v / 2); ratio(1) = 1 / sqrt(pi), ratio(2) = sqrt(pi) / 2,
        // ratio(v + 2) = ratio(v) * (v + 1) / v.
        double ratio;
        int v;
        if ((dof & 1) == 1) {
            ratio = 1.0 / Math.sqrt(Math.PI);
            v = 1;
        } else {
            ratio = Math.sqrt(Math.PI) / 2.0;
            v = 2;
        }
        while (v < dof) {
            ratio *= (v + 1.0) / v;
            v += 2;
        }
        return ratio / Math.sqrt(dof * Math.PI);
    }

    private static void requireDof(int dof) {
        if (dof < 1) {
            throw new IllegalArgumentException("degrees of freedom must be >= 1: " + dof);
        }
    }
}
