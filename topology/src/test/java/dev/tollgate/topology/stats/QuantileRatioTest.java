package dev.tollgate.topology.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class QuantileRatioTest {

    private static ExactRankedSample ranks(int n, double scale) {
        return ExactRankedSample.of(
                LongStream.rangeClosed(1, n).mapToDouble(r -> r * scale).toArray());
    }

    @Test
    void shouldDivideArmBoundsAtHalfAlpha() {
        // given two arms
        ExactRankedSample canary = ranks(2000, 1.1);
        ExactRankedSample baseline = ranks(50_000, 1.0);
        Interval c = QuantileConfidenceSequence.bounds(canary, 0.95, 0.005);
        Interval b = QuantileConfidenceSequence.bounds(baseline, 0.95, 0.005);

        // when
        Interval ratio = QuantileRatio.bounds(canary, baseline, 0.95, 0.01);

        // then
        assertThat(ratio.lower()).isEqualTo(c.lower() / b.upper());
        assertThat(ratio.upper()).isEqualTo(c.upper() / b.lower());
        assertThat(ratio.estimate()).isEqualTo(c.estimate() / b.estimate());
        assertThat(ratio.contains(ratio.estimate())).isTrue();
        assertThat(ratio.method()).isEqualTo("quantile-ratio-cs");
    }

    @Test
    void shouldBeUnboundedAboveWhenTheBaselineLowerBoundIsZero() {
        // given a single baseline value: M_1(0.95; 0) = 10 < 2/α = 200, so K_1 = {0, 1} and L_b = 0, U_b = ∞
        ExactRankedSample canary = ranks(2000, 1.0);
        ExactRankedSample baseline = ranks(1, 1.0);

        // when
        Interval ratio = QuantileRatio.bounds(canary, baseline, 0.95, 0.01);

        // then
        assertThat(ratio.lower()).isEqualTo(0.0);
        assertThat(ratio.upper()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void shouldBeZeroToInfinityWithoutData() {
        // given empty samples
        // when
        Interval ratio = QuantileRatio.bounds(ExactRankedSample.of(), ExactRankedSample.of(), 0.95, 0.01);

        // then
        assertThat(ratio.lower()).isEqualTo(0.0);
        assertThat(ratio.upper()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(ratio.estimate()).isNaN();
    }

    @Test
    void shouldShrinkAroundTheTrueRatioAsBothArmsGrow() {
        // given quantile-spaced lognormal samples (canary 20 % slower) of growing size, baseline 10× the canary
        double previousWidth = Double.POSITIVE_INFINITY;
        for (int canarySize : new int[] {1_000, 10_000, 50_000}) {
            ExactRankedSample canary = quantileSpaced(canarySize, Math.log(1.2));
            ExactRankedSample baseline = quantileSpaced(canarySize * 10, 0.0);

            // when
            Interval ratio = QuantileRatio.bounds(canary, baseline, 0.95, 0.01);

            // then
            assertThat(ratio.contains(1.2)).isTrue();
            assertThat(ratio.contains(ratio.estimate())).isTrue();
            assertThat(ratio.width()).isLessThan(previousWidth);
            previousWidth = ratio.width();
        }
        assertThat(previousWidth).isLessThan(0.15);
    }

    /** n values e^{μ + Φ⁻¹((i − ½)/n)}, via the test's own inverse normal (bisection on erfc-free Φ). */
    private static ExactRankedSample quantileSpaced(int n, double mu) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = Math.exp(mu + inverseNormal((i + 0.5) / n));
        }
        return ExactRankedSample.of(values);
    }

    private static double inverseNormal(double p) {
        double lo = -10;
        double hi = 10;
        for (int i = 0; i < 60; i++) {
            double mid = 0.5 * (lo + hi);
            if (normalCdf(mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** Φ by the Zelen–Severo / Abramowitz–Stegun 26.2.17 approximation (|error| < 7.5e-8): enough here. */
    private static double normalCdf(double x) {
        double t = 1 / (1 + 0.2316419 * Math.abs(x));
        double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        double tail = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) * poly;
        return x >= 0 ? 1 - tail : tail;
    }

    /**
     * 2,000 pairs of streams at α = 0.05: canary lognormal(0.1, 0.6) and baseline lognormal(0, 0.6), so every
     * quantile ratio is e^{0.1}; two baseline values per canary value, canary up to 2,000. Every step, the
     * event "some arm's Bernoulli(q) martingale reached 2/α" (which contains every miss of the ratio) is
     * tracked; {@link QuantileRatio#bounds} itself is checked on a geometric grid of canary sizes
     * (every size up to 5, then ratio 1.25).
     */
    @Test
    void shouldCoverTheP95RatioAtAllTimesWithProbabilityOneMinusAlpha() {
        // given
        int streams = 2000;
        int length = 2000;
        int baselinePerCanary = 2;
        double q = 0.95;
        double z = 1.6448536269514722;
        double sigma = 0.6;
        double alpha = 0.05;
        double armThreshold = Math.log(2 / alpha);
        double canaryTruth = Math.exp(0.1 + sigma * z);
        double baselineTruth = Math.exp(sigma * z);
        double ratioTruth = Math.exp(0.1);
        int[] grid = GrowingSample.geometricGrid(1, 1.25, length);
        SplittableRandom root = new SplittableRandom(0x5eed_0007L);
        int armMisses = 0;
        int gridMisses = 0;

        // when
        for (int stream = 0; stream < streams; stream++) {
            SplittableRandom random = root.split();
            GrowingSample canary = new GrowingSample(length);
            GrowingSample baseline = new GrowingSample(length * baselinePerCanary);
            MixtureMartingale canaryMartingale = MixtureMartingale.jeffreys(q);
            MixtureMartingale baselineMartingale = MixtureMartingale.jeffreys(q);
            boolean armMissed = false;
            boolean gridMissed = false;
            int next = 0;
            for (int n = 1; n <= length; n++) {
                double x = Math.exp(0.1 + sigma * random.nextGaussian());
                canary.add(x);
                canaryMartingale.observe(x <= canaryTruth);
                for (int i = 0; i < baselinePerCanary; i++) {
                    double y = Math.exp(sigma * random.nextGaussian());
                    baseline.add(y);
                    baselineMartingale.observe(y <= baselineTruth);
                }
                armMissed |= canaryMartingale.log() >= armThreshold || baselineMartingale.log() >= armThreshold;
                if (n == grid[next]) {
                    next++;
                    Interval ratio = QuantileRatio.bounds(canary.snapshot(), baseline.snapshot(), q, alpha);
                    gridMissed |= !ratio.contains(ratioTruth);
                }
            }
            armMisses += armMissed ? 1 : 0;
            gridMisses += gridMissed ? 1 : 0;
        }

        // then
        double armRate = (double) armMisses / streams;
        double gridRate = (double) gridMisses / streams;
        System.out.printf(
                "quantile-ratio-cs q=%s alpha=%s: some arm ever leaves its alpha/2 CS (every step) %.4f,"
                        + " ratio ever missed on the grid (%d sizes) %.4f%n",
                q, alpha, armRate, grid.length, gridRate);
        double limit = alpha + 3 * Math.sqrt(alpha * (1 - alpha) / streams);
        assertThat(gridMisses).isLessThanOrEqualTo(armMisses);
        assertThat(armRate).isLessThanOrEqualTo(limit);
        assertThat(gridRate).isLessThanOrEqualTo(limit);
    }
}
