package dev.tollgate.topology.stats;

import java.util.function.DoubleUnaryOperator;

/**
 * Test double for a relative-error sketch: answers like an exact sample, then applies a distortion that
 * must stay within the declared relative accuracy (e.g. a log-bucket quantizer, or a worst-case factor).
 */
final class DistortedRankedSample implements RankedSample {

    private final RankedSample exact;
    private final double relativeAccuracy;
    private final DoubleUnaryOperator distortion;

    DistortedRankedSample(RankedSample exact, double relativeAccuracy, DoubleUnaryOperator distortion) {
        this.exact = exact;
        this.relativeAccuracy = relativeAccuracy;
        this.distortion = distortion;
    }

    /** Every answer multiplied by {@code factor} (relative error {@code |factor − 1|}). */
    static DistortedRankedSample scaled(RankedSample exact, double relativeAccuracy, double factor) {
        return new DistortedRankedSample(exact, relativeAccuracy, v -> v * factor);
    }

    /**
     * DDSketch's log-bucket quantizer with relative accuracy {@code r}: {@code γ = (1+r)/(1−r)}, bucket
     * {@code i = ⌈log_γ x⌉} covering {@code (γ^(i−1), γ^i]}, representative {@code 2γ^i/(γ+1)}.
     */
    static DistortedRankedSample logBuckets(RankedSample exact, double r) {
        double gamma = (1 + r) / (1 - r);
        double lnGamma = Math.log(gamma);
        return new DistortedRankedSample(exact, r, v -> {
            double i = Math.ceil(Math.log(v) / lnGamma);
            return 2 * Math.exp(i * lnGamma) / (gamma + 1);
        });
    }

    @Override
    public long count() {
        return exact.count();
    }

    @Override
    public double quantile(double level) {
        return distortion.applyAsDouble(exact.quantile(level));
    }

    @Override
    public double relativeAccuracy() {
        return relativeAccuracy;
    }
}
