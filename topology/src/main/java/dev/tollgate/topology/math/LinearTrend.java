package dev.tollgate.topology.math;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Mergeable least-squares fit of {@code y} over {@code t} (for the {@code queue-age} gate: {@code t} in
 * epoch seconds, {@code y} = {@code queue_age_ms}, so the slope is in ms per second).
 *
 * <p>Numerics: the state is the count, a time origin (the first {@code t} seen), the means of
 * {@code t - origin} and {@code y}, and the centred co-moments {@code Sxx = Σ(t - t̄)²},
 * {@code Sxy = Σ(t - t̄)(y - ȳ)}, {@code Syy = Σ(y - ȳ)²}, updated Welford-style per point and merged
 * with the pairwise formulas of Chan, Golub and LeVeque (the other side's mean is first shifted onto
 * this side's origin). Raw sums would cancel catastrophically: at {@code t ≈ 1.7e9} each {@code t²} is
 * about {@code 2.9e18} (one ulp is 512), while {@code Sxx} of a minute of per-second samples is about
 * {@code 18000}. In this form a perfect line comes out exact to rounding.
 *
 * <p>Statistics (classical OLS, residuals assumed independent):
 * {@code slope = Sxy / Sxx}; {@code SE = sqrt(SSR / (n - 2) / Sxx)} with
 * {@code SSR = Syy - Sxy² / Sxx}; one-sided {@code (1 - alpha)} bounds
 * {@code slope ± t(1 - alpha, n - 2) · SE} with Student's t quantile from
 * {@link Distributions#studentTQuantile(double, int)}. Queue-age samples are autocorrelated, which makes
 * the SE optimistic; the gate's tolerance absorbs part of that.
 *
 * <p>Gate rule ({@link #growing(double, double)}): the backlog grows beyond noise, and the
 * {@code queue-age} gate FAILs, only when the one-sided {@code (1 - alpha)} lower confidence bound of the
 * slope is above {@code 0 + toleranceMsPerSec}. With fewer than 3 points, or all points at one time,
 * there is no bound and {@code growing} is false: the gate must check {@link #count()} against its
 * minimum sample size and say INCONCLUSIVE rather than PASS.
 *
 * <p>Non-finite points are ignored. Not thread-safe (one instance per aggregate); {@link #add} does not
 * allocate. Binary form ({@link #writeTo}, big-endian): a version byte ({@value #FORMAT_VERSION}), the
 * count as a long, then, when the count is positive, six doubles: origin, mean of {@code t - origin},
 * mean of {@code y}, {@code Sxx}, {@code Sxy}, {@code Syy} (9 or 57 bytes).
 */
public final class LinearTrend {

    /** Version byte of the binary form. */
    public static final byte FORMAT_VERSION = 1;

    private long n;
    private double origin;
    private double meanT;
    private double meanY;
    private double sxx;
    private double sxy;
    private double syy;

    /** An empty trend. */
    public LinearTrend() {}

    /**
     * Adds one point.
     *
     * @param t time, e.g. epoch seconds
     * @param y value, e.g. queue age in ms
     * @return false (and nothing changes) when {@code t} or {@code y} is not finite
     */
    public boolean add(double t, double y) {
        if (!Double.isFinite(t) || !Double.isFinite(y)) {
            return false;
        }
        if (n == 0) {
            origin = t;
        }
        n++;
        double x = t - origin;
        double dx = x - meanT;
        double dy = y - meanY;
        meanT += dx / n;
        meanY += dy / n;
        sxx += dx * (x - meanT);
        sxy += dx * (y - meanY);
        syy += dy * (y - meanY);
        return true;
    }

    /**
     * Merges another trend into this one; the result equals one pass over both sets of points (to
     * rounding). {@code other} is not changed; merging a trend into itself doubles every point.
     *
     * @param other the other trend, not null
     * @return this trend
     */
    public LinearTrend merge(LinearTrend other) {
        long nb = other.n;
        if (nb == 0) {
            return this;
        }
        double bOrigin = other.origin;
        double bMeanT = other.meanT;
        double bMeanY = other.meanY;
        double bSxx = other.sxx;
        double bSxy = other.sxy;
        double bSyy = other.syy;
        if (n == 0) {
            n = nb;
            origin = bOrigin;
            meanT = bMeanT;
            meanY = bMeanY;
            sxx = bSxx;
            sxy = bSxy;
            syy = bSyy;
            return this;
        }
        long na = n;
        long total = na + nb;
        double shiftedMeanT = bMeanT + (bOrigin - origin);
        double dt = shiftedMeanT - meanT;
        double dy = bMeanY - meanY;
        double weight = (double) na * (double) nb / (double) total;
        double fraction = (double) nb / (double) total;
        meanT += dt * fraction;
        meanY += dy * fraction;
        sxx += bSxx + dt * dt * weight;
        sxy += bSxy + dt * dy * weight;
        syy += bSyy + dy * dy * weight;
        n = total;
        return this;
    }

    /**
     * Number of points added (and merged).
     *
     * @return the count
     */
    public long count() {
        return n;
    }

    /**
     * Whether no point was added.
     *
     * @return true when {@link #count()} is 0
     */
    public boolean isEmpty() {
        return n == 0;
    }

    /**
     * Mean time of the points.
     *
     * @return the mean of {@code t}, NaN when empty
     */
    public double meanTime() {
        return n == 0 ? Double.NaN : origin + meanT;
    }

    /**
     * Mean value of the points.
     *
     * @return the mean of {@code y}, NaN when empty
     */
    public double meanValue() {
        return n == 0 ? Double.NaN : meanY;
    }

    /**
     * Least-squares slope {@code Sxy / Sxx} (ms per second for queue age).
     *
     * @return the slope, NaN with fewer than 2 points or when all points share one time
     */
    public double slope() {
        if (n < 2 || !(sxx > 0.0)) {
            return Double.NaN;
        }
        return sxy / sxx;
    }

    /**
     * Classical OLS standard error of the slope: {@code sqrt(SSR / (n - 2) / Sxx)}.
     *
     * @return the standard error, NaN with fewer than 3 points or when all points share one time
     */
    public double slopeStandardError() {
        if (n < 3 || !(sxx > 0.0)) {
            return Double.NaN;
        }
        double ssr = Math.max(0.0, syy - sxy * sxy / sxx);
        return Math.sqrt(ssr / (n - 2) / sxx);
    }

    /**
     * One-sided {@code (1 - alpha)} upper confidence bound of the slope:
     * {@code slope + t(1 - alpha, n - 2) · SE}.
     *
     * @param alpha error probability in {@code (0, 1)}, e.g. 0.01
     * @return the bound, NaN with fewer than 3 points or when all points share one time
     */
    public double slopeUpperBound(double alpha) {
        return slope() + margin(alpha);
    }

    /**
     * One-sided {@code (1 - alpha)} lower confidence bound of the slope:
     * {@code slope - t(1 - alpha, n - 2) · SE}.
     *
     * @param alpha error probability in {@code (0, 1)}, e.g. 0.01
     * @return the bound, NaN with fewer than 3 points or when all points share one time
     */
    public double slopeLowerBound(double alpha) {
        return slope() - margin(alpha);
    }

    /**
     * Whether the value grows beyond noise: the one-sided {@code (1 - alpha)} lower bound of the slope
     * is above {@code toleranceMsPerSec}. This is the {@code queue-age} FAIL rule.
     *
     * @param alpha error probability in {@code (0, 1)}, e.g. the policy's alpha
     * @param toleranceMsPerSec slope tolerated as flat, at least 0 in practice
     * @return true when growing; false when not, or when there is no bound (fewer than 3 points)
     */
    public boolean growing(double alpha, double toleranceMsPerSec) {
        return slopeLowerBound(alpha) > toleranceMsPerSec;
    }

    private double margin(double alpha) {
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
        }
        double se = slopeStandardError();
        if (Double.isNaN(se)) {
            return Double.NaN;
        }
        if (se == 0.0) {
            return 0.0;
        }
        long dof = n - 2;
        int intDof = dof > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) dof;
        return Distributions.studentTQuantile(1.0 - alpha, intDof) * se;
    }

    /**
     * An independent copy.
     *
     * @return a new trend with the same state
     */
    public LinearTrend copy() {
        return new LinearTrend().merge(this);
    }

    /**
     * Writes the binary form (see the class documentation).
     *
     * @param out the sink
     * @throws IOException from the sink
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(n);
        if (n > 0) {
            out.writeDouble(origin);
            out.writeDouble(meanT);
            out.writeDouble(meanY);
            out.writeDouble(sxx);
            out.writeDouble(sxy);
            out.writeDouble(syy);
        }
    }

    /**
     * Reads the binary form written by {@link #writeTo(DataOutput)}.
     *
     * @param in the source
     * @return the trend
     * @throws IOException from the source, or when the version or count is invalid
     */
    public static LinearTrend readFrom(DataInput in) throws IOException {
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IOException("unknown LinearTrend format version " + version);
        }
        long count = in.readLong();
        if (count < 0) {
            throw new IOException("negative LinearTrend count " + count);
        }
        LinearTrend trend = new LinearTrend();
        if (count > 0) {
            trend.n = count;
            trend.origin = in.readDouble();
            trend.meanT = in.readDouble();
            trend.meanY = in.readDouble();
            trend.sxx = in.readDouble();
            trend.sxy = in.readDouble();
            trend.syy = in.readDouble();
        }
        return trend;
    }

    @Override
    public String toString() {
        return "LinearTrend{n=" + n + ", slope=" + slope() + ", se=" + slopeStandardError() + ", meanTime=" + meanTime()
                + ", meanValue=" + meanValue() + "}";
    }
}
