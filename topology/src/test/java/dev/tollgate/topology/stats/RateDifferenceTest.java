package dev.tollgate.topology.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RateDifferenceTest {

    @Test
    void shouldCombineArmBoundsAtHalfAlpha() {
        // given two arms
        double alpha = 0.01;
        Interval canary = BernoulliConfidenceSequence.bounds(7, 1_000, alpha / 2);
        Interval baseline = BernoulliConfidenceSequence.bounds(150, 100_000, alpha / 2);

        // when
        Interval difference = RateDifference.bounds(7, 1_000, 150, 100_000, alpha);

        // then
        assertThat(difference.lower()).isEqualTo(canary.lower() - baseline.upper());
        assertThat(difference.upper()).isEqualTo(canary.upper() - baseline.lower());
        assertThat(difference.estimate()).isCloseTo(0.007 - 0.0015, within(1e-15));
        assertThat(difference.alpha()).isEqualTo(alpha);
        assertThat(difference.method()).isEqualTo("rate-diff-cs");
    }

    @Test
    void shouldMatchTheClosedFormOnExtremeCountsUnderAUniformPrior() {
        // given canary 0/9 and baseline 9/9, Beta(1,1), α/2 = 0.025 per arm:
        // U_c = 1 − (0.025/10)^(1/9), L_c = 0, U_b = 1, L_b = (0.025/10)^(1/9)
        double root = Math.pow(0.025 / 10, 1.0 / 9);

        // when
        Interval difference = RateDifference.bounds(0, 9, 9, 9, 0.05, 1, 1);

        // then
        assertThat(difference.lower()).isEqualTo(-1.0);
        assertThat(difference.upper()).isCloseTo(1 - 2 * root, within(1e-12));
        assertThat(difference.estimate()).isEqualTo(-1.0);
    }

    @Test
    void shouldSpanMinusOneToOneWithoutData() {
        // given no trials on either arm
        // when
        Interval difference = RateDifference.bounds(0, 0, 0, 0, 0.05);

        // then
        assertThat(difference.lower()).isEqualTo(-1.0);
        assertThat(difference.upper()).isEqualTo(1.0);
        assertThat(difference.estimate()).isNaN();
    }

    @Test
    void shouldShrinkAroundTheEstimateAsBothArmsGrow() {
        // given a 1 % canary with rates 0.3 % vs 0.2 %
        double previousWidth = Double.POSITIVE_INFINITY;
        for (long canary = 1_000; canary <= 100_000_000L; canary *= 10) {
            long baseline = 99 * canary;

            // when
            Interval difference = RateDifference.bounds(
                    Math.round(0.003 * canary), canary, Math.round(0.002 * baseline), baseline, 0.01);

            // then
            assertThat(difference.contains(difference.estimate())).isTrue();
            assertThat(difference.width()).isLessThan(previousWidth);
            previousWidth = difference.width();
        }
        // and a 0.1 pp regression is eventually resolved: the whole interval lies above the 0.05 pp threshold
        assertThat(RateDifference.bounds(300_000, 100_000_000L, 19_800_000, 9_900_000_000L, 0.01)
                        .lower())
                .isGreaterThan(0.0005);
    }

    @Test
    void shouldCoverTinyRateDifferenceAtAllTimesWithProbabilityOneMinusAlpha() {
        // given canary 0.3 %, baseline 0.2 %, four baseline trials per canary trial
        assertTimeUniformCoverage(0.003, 0.002, 4, 2000, 0x5eed_0003L);
    }

    @Test
    void shouldCoverModerateRateDifferenceAtAllTimesWithProbabilityOneMinusAlpha() {
        // given canary 25 %, baseline 30 %, equal arms
        assertTimeUniformCoverage(0.25, 0.3, 1, 2000, 0x5eed_0004L);
    }

    /**
     * 2,000 pairs of streams (2,000 canary trials each) at α = 0.05. Every step, the event "some arm's
     * martingale reached 2/α" (each arm leaves its α/2 sequence) is tracked with independent incremental
     * martingales; it contains every miss of the difference. At every canary step up to 100 and every 20th after it,
     * {@link RateDifference#bounds} itself is checked against the true difference. Both ever-miss shares
     * must stay below α + 3 standard errors.
     */
    private static void assertTimeUniformCoverage(double pc, double pb, int baselinePerCanary, int length, long seed) {
        int streams = 2000;
        int gridStep = 20;
        double alpha = 0.05;
        double armThreshold = Math.log(2 / alpha);
        double delta = pc - pb;
        SplittableRandom root = new SplittableRandom(seed);
        int armMisses = 0;
        int gridMisses = 0;

        // when
        for (int stream = 0; stream < streams; stream++) {
            SplittableRandom random = root.split();
            MixtureMartingale canary = MixtureMartingale.jeffreys(pc);
            MixtureMartingale baseline = MixtureMartingale.jeffreys(pb);
            boolean armMissed = false;
            boolean gridMissed = false;
            for (int n = 1; n <= length; n++) {
                canary.observe(random.nextDouble() < pc);
                for (int i = 0; i < baselinePerCanary; i++) {
                    baseline.observe(random.nextDouble() < pb);
                }
                armMissed |= canary.log() >= armThreshold || baseline.log() >= armThreshold;
                if (n <= 100 || n % gridStep == 0) {
                    Interval difference = RateDifference.bounds(
                            canary.successes(), canary.trials(), baseline.successes(), baseline.trials(), alpha);
                    gridMissed |= !difference.contains(delta);
                }
            }
            armMisses += armMissed ? 1 : 0;
            gridMisses += gridMissed ? 1 : 0;
        }

        // then
        double armRate = (double) armMisses / streams;
        double gridRate = (double) gridMisses / streams;
        System.out.printf(
                "rate-diff-cs pc=%s pb=%s alpha=%s: some arm ever leaves its alpha/2 CS (every step)"
                        + " %.4f, difference ever missed (n<=100 and every %dth step) %.4f%n",
                pc, pb, alpha, armRate, gridStep, gridRate);
        double limit = alpha + 3 * Math.sqrt(alpha * (1 - alpha) / streams);
        assertThat(gridMisses).isLessThanOrEqualTo(armMisses);
        assertThat(armRate).isLessThanOrEqualTo(limit);
        assertThat(gridRate).isLessThanOrEqualTo(limit);
    }
}
