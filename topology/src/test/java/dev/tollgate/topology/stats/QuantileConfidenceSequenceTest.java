package dev.tollgate.topology.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class QuantileConfidenceSequenceTest {

    private static final double Z_95 = 1.6448536269514722;

    /** Values 1, 2, …, n: the order statistic of rank r is r itself. */
    private static ExactRankedSample ranks(int n) {
        return ExactRankedSample.of(
                LongStream.rangeClosed(1, n).asDoubleStream().toArray());
    }

    @Test
    void shouldReturnZeroToInfinityWithoutData() {
        // given an empty sample
        // when
        Interval interval = QuantileConfidenceSequence.bounds(ExactRankedSample.of(), 0.95, 0.05);

        // then
        assertThat(interval.lower()).isEqualTo(0.0);
        assertThat(interval.upper()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(interval.estimate()).isNaN();
        assertThat(interval.method()).isEqualTo("quantile-cs");
    }

    @Test
    void shouldMatchHandComputedRanksForOneObservation() {
        // given n = 1, q = 0.95, Jeffreys: M_1(q; 0) = [b/(a+b)]/(1−q) = 10, M_1(q; 1) = [a/(a+b)]/q ≈ 0.53
        ExactRankedSample one = ExactRankedSample.of(42.0);

        // when α = 0.2 (1/α = 5 ≤ 10): K_1 = {1}, so the lower bound is X_(1) and there is no upper one
        Interval strict = QuantileConfidenceSequence.bounds(one, 0.95, 0.2);
        // when α = 0.05 (1/α = 20 > 10): K_1 = {0, 1}, no order statistic bounds the quantile
        Interval loose = QuantileConfidenceSequence.bounds(one, 0.95, 0.05);

        // then
        assertThat(strict.lower()).isEqualTo(42.0);
        assertThat(strict.upper()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(loose.lower()).isEqualTo(0.0);
        assertThat(loose.upper()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(loose.estimate()).isEqualTo(42.0);
    }

    @Test
    void shouldMatchHandComputedRanksForTwoObservations() {
        // given n = 2, q = ½, Jeffreys: M_2(½; k) = 4·B(½+k, 5/2−k)/π, i.e. 4·(3π/8)/π = 1.5 for k = 0, 2
        // and 4·(π/8)/π = 0.5 for k = 1
        ExactRankedSample two = ExactRankedSample.of(3.0, 7.0);

        // when 1/α = 1/0.7 < 1.5: K_2 = {1}, so [X_(1), X_(2)]
        Interval tight = QuantileConfidenceSequence.bounds(two, 0.5, 0.7);
        // when 1/α = 2 > 1.5: K_2 = {0, 1, 2}
        Interval wide = QuantileConfidenceSequence.bounds(two, 0.5, 0.5);

        // then
        assertThat(tight.lower()).isEqualTo(3.0);
        assertThat(tight.upper()).isEqualTo(7.0);
        assertThat(wide.lower()).isEqualTo(0.0);
        assertThat(wide.upper()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void shouldFindTheSameRankRangeAsABruteForceScan() {
        // given small n, several levels and error budgets
        for (double q : new double[] {0.05, 0.5, 0.95, 0.99}) {
            for (double alpha : new double[] {0.05, 0.01}) {
                double threshold = Math.log(1 / alpha);
                for (long n = 1; n <= 120; n++) {
                    long kMin = Long.MAX_VALUE;
                    long kMax = Long.MIN_VALUE;
                    for (long k = 0; k <= n; k++) {
                        if (BernoulliConfidenceSequence.logMartingale(k, n, q, 0.5, 0.5) < threshold) {
                            kMin = Math.min(kMin, k);
                            kMax = Math.max(kMax, k);
                        }
                    }

                    // when
                    long[] bounds = QuantileConfidenceSequence.rankBounds(n, q, alpha, 0.5, 0.5);

                    // then
                    assertThat(bounds).as("n=%d q=%s alpha=%s", n, q, alpha).containsExactly(kMin, kMax + 1);
                }
            }
        }
    }

    @Test
    void shouldStopAtTheEdgesOfTheRankRangeForLargeSamples() {
        // given large n
        double threshold = Math.log(1 / 0.01);
        for (long n : new long[] {1_000, 123_457, 10_000_000, 5_000_000_000L}) {
            // when
            long[] bounds = QuantileConfidenceSequence.rankBounds(n, 0.95, 0.01, 0.5, 0.5);
            long kMin = bounds[0];
            long kMax = bounds[1] - 1;

            // then k_min and k_max are inside, their outer neighbours outside
            assertThat(BernoulliConfidenceSequence.logMartingale(kMin, n, 0.95, 0.5, 0.5))
                    .isLessThan(threshold);
            assertThat(BernoulliConfidenceSequence.logMartingale(kMin - 1, n, 0.95, 0.5, 0.5))
                    .isGreaterThanOrEqualTo(threshold);
            assertThat(BernoulliConfidenceSequence.logMartingale(kMax, n, 0.95, 0.5, 0.5))
                    .isLessThan(threshold);
            assertThat(BernoulliConfidenceSequence.logMartingale(kMax + 1, n, 0.95, 0.5, 0.5))
                    .isGreaterThanOrEqualTo(threshold);
            assertThat((double) kMin / n).isLessThan(0.95);
            assertThat((double) kMax / n).isGreaterThan(0.95);
        }
    }

    @Test
    void shouldReadTheOrderStatisticsAtExactlyTheComputedRanks() {
        // given samples 1..n, where a value is its own rank (checks the level ↔ rank mapping under rounding)
        for (int n : new int[] {2, 3, 10, 99, 100, 1000, 4096, 12345, 100_003}) {
            ExactRankedSample sample = ranks(n);
            for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
                long[] expected = QuantileConfidenceSequence.rankBounds(n, q, 0.01, 0.5, 0.5);

                // when
                Interval interval = QuantileConfidenceSequence.bounds(sample, q, 0.01);

                // then
                assertThat(interval.lower()).as("n=%d q=%s", n, q).isEqualTo(expected[0] == 0 ? 0.0 : expected[0]);
                assertThat(interval.upper())
                        .as("n=%d q=%s", n, q)
                        .isEqualTo(expected[1] > n ? Double.POSITIVE_INFINITY : expected[1]);
                assertThat(interval.contains(interval.estimate())).isTrue();
            }
        }
    }

    @Test
    void shouldWidenForTheSketchError() {
        // given an exact sample and sketches that err by the full 1 % upwards or downwards
        ExactRankedSample exact = ranks(5000);
        Interval reference = QuantileConfidenceSequence.bounds(exact, 0.95, 0.01);

        // when
        Interval high = QuantileConfidenceSequence.bounds(DistortedRankedSample.scaled(exact, 0.01, 1.01), 0.95, 0.01);
        Interval low = QuantileConfidenceSequence.bounds(DistortedRankedSample.scaled(exact, 0.01, 0.99), 0.95, 0.01);

        // then v/(1+r) ≤ x ≤ v/(1−r) recovers the exact order statistics at worst
        assertThat(high.lower()).isEqualTo(reference.lower());
        assertThat(high.upper()).isEqualTo(reference.upper() * 1.01 / 0.99);
        assertThat(low.lower()).isEqualTo(reference.lower() * 0.99 / 1.01);
        assertThat(low.upper()).isEqualTo(reference.upper());
        assertThat(high.upper()).isGreaterThan(reference.upper() * 1.01); // wider than the naive ×(1+r)
    }

    @Test
    void shouldNarrowInLevelAsTheSampleGrows() {
        // given the same level and error budget
        double previous = Double.POSITIVE_INFINITY;
        for (long n = 100; n <= 100_000_000L; n *= 10) {
            // when
            long[] bounds = QuantileConfidenceSequence.rankBounds(n, 0.95, 0.01, 0.5, 0.5);
            double levelWidth = (double) (bounds[1] - bounds[0]) / n;

            // then
            assertThat(levelWidth).isLessThan(previous);
            previous = levelWidth;
        }
        assertThat(previous).isLessThan(0.001);
    }

    @Test
    void shouldRejectInvalidLevels() {
        assertThatThrownBy(() -> QuantileConfidenceSequence.bounds(ranks(3), 1.0, 0.05))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuantileConfidenceSequence.bounds(ranks(3), 0.0, 0.05))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuantileConfidenceSequence.bounds(ranks(3), 0.5, 1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCoverTheLognormalP95AtAllTimesWithProbabilityOneMinusAlpha() {
        assertTimeUniformCoverage(0.95, Z_95, 0x5eed_0005L);
    }

    @Test
    void shouldCoverTheLognormalMedianAtAllTimesWithProbabilityOneMinusAlpha() {
        assertTimeUniformCoverage(0.5, 0.0, 0x5eed_0006L);
    }

    /**
     * 2,000 streams of 5,000 lognormal(0, 1) values at α = 0.05; the true q-quantile is e^{z_q}. For a
     * continuous F, the exact-sample interval misses ξ_q exactly when the count C_n = #{X_i ≤ ξ_q} leaves
     * K_n, i.e. when the Bernoulli(q) mixture martingale of the indicators reaches 1/α; that is checked at
     * every step with an independent incremental martingale. {@link QuantileConfidenceSequence#bounds} is
     * evaluated on a geometric grid of sample sizes (every size up to 10, then ratio 1.2; to keep sorting
     * cheap), on the exact sample and on a DDSketch-style log-bucket view with 1 % relative accuracy; the
     * exact result must agree with the martingale, and the sketch interval must contain the exact one.
     */
    private static void assertTimeUniformCoverage(double q, double zq, long seed) {
        // given
        int streams = 2000;
        int length = 5000;
        double alpha = 0.05;
        double threshold = Math.log(1 / alpha);
        double truth = Math.exp(zq);
        int[] grid = GrowingSample.geometricGrid(1, 1.2, length);
        SplittableRandom root = new SplittableRandom(seed);
        int everyStepMisses = 0;
        int gridMisses = 0;
        int sketchMisses = 0;
        int disagreements = 0;

        // when
        for (int stream = 0; stream < streams; stream++) {
            SplittableRandom random = root.split();
            GrowingSample sample = new GrowingSample(length);
            MixtureMartingale martingale = MixtureMartingale.jeffreys(q);
            boolean missedStep = false;
            boolean missedGrid = false;
            boolean missedSketch = false;
            int next = 0;
            for (int n = 1; n <= length; n++) {
                double x = Math.exp(random.nextGaussian());
                sample.add(x);
                martingale.observe(x <= truth);
                missedStep |= martingale.log() >= threshold;
                if (n == grid[next]) {
                    next++;
                    ExactRankedSample exact = sample.snapshot();
                    Interval interval = QuantileConfidenceSequence.bounds(exact, q, alpha);
                    Interval sketched =
                            QuantileConfidenceSequence.bounds(DistortedRankedSample.logBuckets(exact, 0.01), q, alpha);
                    boolean outside = !interval.contains(truth);
                    missedGrid |= outside;
                    missedSketch |= !sketched.contains(truth);
                    if (outside != (martingale.log() >= threshold)
                            || sketched.lower() > interval.lower()
                            || sketched.upper() < interval.upper()) {
                        disagreements++;
                    }
                }
            }
            everyStepMisses += missedStep ? 1 : 0;
            gridMisses += missedGrid ? 1 : 0;
            sketchMisses += missedSketch ? 1 : 0;
        }

        // then
        double everyStepRate = (double) everyStepMisses / streams;
        System.out.printf(
                "quantile-cs q=%s alpha=%s: ever-miss every step %.4f, on the grid (%d sizes) exact %.4f,"
                        + " 1%% log-bucket sketch %.4f%n",
                q, alpha, everyStepRate, grid.length, (double) gridMisses / streams, (double) sketchMisses / streams);
        double limit = alpha + 3 * Math.sqrt(alpha * (1 - alpha) / streams);
        assertThat(disagreements).isZero();
        assertThat(sketchMisses).isLessThanOrEqualTo(gridMisses);
        assertThat(gridMisses).isLessThanOrEqualTo(everyStepMisses);
        assertThat(everyStepRate).isLessThanOrEqualTo(limit);
    }
}
