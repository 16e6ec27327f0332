package dev.tollgate.topology.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BernoulliConfidenceSequenceTest {

    private static final double REL = 1e-9;

    private static void assertRelativelyClose(double actual, double expected) {
        assertThat(actual).isCloseTo(expected, within(REL * Math.abs(expected)));
    }

    /** An independent root finder: plain bisection in p on ln M_n(p) − ln(1/α), with ln Γ sums. */
    private static double bisect(long s, long n, double a, double b, double alpha, double from, double to) {
        double lnPrior = SpecialFunctions.lnGamma(a) + SpecialFunctions.lnGamma(b) - SpecialFunctions.lnGamma(a + b);
        double lnMixture = SpecialFunctions.lnGamma(a + s)
                + SpecialFunctions.lnGamma(b + n - s)
                - SpecialFunctions.lnGamma(a + b + n)
                - lnPrior;
        double threshold = Math.log(1 / alpha);
        double inside = to; // the MLE side
        double outside = from;
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (inside + outside);
            double logM = lnMixture - s * Math.log(mid) - (n - s) * Math.log1p(-mid);
            if (logM < threshold) {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        return 0.5 * (inside + outside);
    }

    @Test
    void shouldReturnTheUnitIntervalWithoutData() {
        // given no trials
        // when
        Interval interval = BernoulliConfidenceSequence.bounds(0, 0, 0.05);

        // then
        assertThat(interval.lower()).isEqualTo(0.0);
        assertThat(interval.upper()).isEqualTo(1.0);
        assertThat(interval.estimate()).isNaN();
        assertThat(interval.method()).isEqualTo("beta-binomial-cs");
        assertThat(interval.alpha()).isEqualTo(0.05);
    }

    @Test
    void shouldMatchTheClosedFormUpperBoundWithoutSuccessesUnderAUniformPrior() {
        // given s = 0 and Beta(1,1): B(1, n+1) = 1/(n+1), so M_n(p) = 1 / ((n+1)(1−p)^n);
        // M_n(p) = 1/α  ⇔  (1−p)^n = α/(n+1)  ⇔  p = 1 − (α/(n+1))^(1/n), and M_n grows with p
        for (double alpha : new double[] {0.05, 0.01, 0.001}) {
            for (long n : new long[] {1, 2, 10, 1000, 1_000_000, 10_000_000_000L}) {
                double expected = -Math.expm1(Math.log(alpha / (n + 1.0)) / n);

                // when
                Interval interval = BernoulliConfidenceSequence.bounds(0, n, alpha, 1, 1);

                // then
                assertThat(interval.lower()).isEqualTo(0.0);
                assertRelativelyClose(interval.upper(), expected);
                // and mirrored: s = n gives lower = (α/(n+1))^(1/n), upper 1
                Interval mirrored = BernoulliConfidenceSequence.bounds(n, n, alpha, 1, 1);
                assertRelativelyClose(mirrored.lower(), Math.exp(Math.log(alpha / (n + 1.0)) / n));
                assertThat(mirrored.upper()).isEqualTo(1.0);
            }
        }
    }

    @Test
    void shouldMatchTheClosedFormUpperBoundWithoutSuccessesUnderJeffreysPrior() {
        // given s = 0 and Beta(½,½): B(½, n+½)/B(½,½) = C(2n,n)/4ⁿ = Π_{k≤n} (2k−1)/(2k) =: r_n,
        // so M_n(p) = r_n/(1−p)^n and the upper bound is 1 − (α·r_n)^(1/n)
        double alpha = 0.01;
        double logR = 0.0;
        for (long n = 1; n <= 5000; n++) {
            logR += Math.log((2.0 * n - 1) / (2.0 * n));
            if (n % 97 != 1) {
                continue;
            }
            double expected = -Math.expm1((Math.log(alpha) + logR) / n);

            // when
            Interval interval = BernoulliConfidenceSequence.bounds(0, n, alpha);

            // then
            assertRelativelyClose(interval.upper(), expected);
        }
    }

    @Test
    void shouldMatchExactTwoSidedBoundsOnTinySamples() {
        // given n = 1, s = 1, Beta(1,1): M_1(p) = B(2,1)/p = 1/(2p) → lower = α/2
        double alpha = 0.05;
        Interval one = BernoulliConfidenceSequence.bounds(1, 1, alpha, 1, 1);
        assertRelativelyClose(one.lower(), alpha / 2);
        assertThat(one.upper()).isEqualTo(1.0);

        // given n = 2, s = 1, Beta(1,1): B(2,2) = 1/6, M_2(p) = 1/(6p(1−p)) → p(1−p) = α/6
        // when
        Interval two = BernoulliConfidenceSequence.bounds(1, 2, alpha, 1, 1);

        // then both roots of the quadratic
        double root = Math.sqrt(1 - 4 * alpha / 6);
        assertRelativelyClose(two.lower(), (1 - root) / 2);
        assertRelativelyClose(two.upper(), (1 + root) / 2);
        assertThat(two.estimate()).isEqualTo(0.5);

        // given n = 3, s = 1, Beta(1,1): B(2,3) = 1/12, M_3(p) = 1/(12p(1−p)²) → 12p(1−p)² = α
        Interval three = BernoulliConfidenceSequence.bounds(1, 3, alpha, 1, 1);
        assertThat(12 * three.lower() * Math.pow(1 - three.lower(), 2)).isCloseTo(alpha, within(alpha * 1e-12));
        assertThat(12 * three.upper() * Math.pow(1 - three.upper(), 2)).isCloseTo(alpha, within(alpha * 1e-12));
        assertThat(three.lower()).isLessThan(1.0 / 3);
        assertThat(three.upper()).isBetween(1.0 / 3, 1.0);
    }

    @Test
    void shouldAgreeWithIndependentBisection() {
        // given a spread of counts and priors
        long[][] cases = {
            {1, 10},
            {3, 10},
            {7, 10},
            {1, 5000},
            {10, 5000},
            {2500, 5000},
            {4999, 5000},
            {37, 123_456},
            {200, 100_000},
            {99_000, 100_000}
        };
        double[][] priors = {{0.5, 0.5}, {1, 1}, {0.5, 50}, {2, 3}};
        for (long[] c : cases) {
            for (double[] prior : priors) {
                long s = c[0];
                long n = c[1];
                double mle = (double) s / n;

                // when
                Interval interval = BernoulliConfidenceSequence.bounds(s, n, 0.01, prior[0], prior[1]);

                // then
                assertRelativelyClose(interval.lower(), bisect(s, n, prior[0], prior[1], 0.01, 0.0, mle));
                assertRelativelyClose(interval.upper(), bisect(s, n, prior[0], prior[1], 0.01, 1.0, mle));
            }
        }
    }

    @Test
    void shouldBeSymmetricUnderSwappingSuccessesAndFailures() {
        // given (s, n, a, b) and its mirror (n − s, n, b, a)
        for (long s : new long[] {0, 1, 5, 50, 95, 99, 100}) {
            // when
            Interval direct = BernoulliConfidenceSequence.bounds(s, 100, 0.05, 0.5, 2);
            Interval mirror = BernoulliConfidenceSequence.bounds(100 - s, 100, 0.05, 2, 0.5);

            // then
            assertThat(direct.lower()).isCloseTo(1 - mirror.upper(), within(1e-12));
            assertThat(direct.upper()).isCloseTo(1 - mirror.lower(), within(1e-12));
        }
    }

    @Test
    void shouldPlaceTheBoundsOnTheLevelSetOfTheMartingale() {
        // given large counts (n up to 10^12) where cancellation would hurt a naive ln B
        long[][] cases = {{3, 1_000_000_000L}, {1_000_000, 1_000_000_000L}, {1_000_000_000L, 1_000_000_000_000L}};
        double threshold = Math.log(1 / 0.01);
        for (long[] c : cases) {
            // when
            Interval interval = BernoulliConfidenceSequence.bounds(c[0], c[1], 0.01);

            // then the bounds solve ln M_n(p) = ln(1/α) and bracket the MLE
            assertThat(BernoulliConfidenceSequence.logMartingale(c[0], c[1], interval.lower(), 0.5, 0.5))
                    .isCloseTo(threshold, within(1e-6));
            assertThat(BernoulliConfidenceSequence.logMartingale(c[0], c[1], interval.upper(), 0.5, 0.5))
                    .isCloseTo(threshold, within(1e-6));
            assertThat(interval.lower()).isLessThan(interval.estimate());
            assertThat(interval.upper()).isGreaterThan(interval.estimate());
        }
    }

    @Test
    void shouldShrinkAroundTheMleAsTrialsGrowAtAFixedRate() {
        // given a fixed observed rate of 0.2 % and 30 %
        for (double rate : new double[] {0.002, 0.3}) {
            double previousWidth = Double.POSITIVE_INFINITY;
            for (long n = 1000; n <= 1_000_000_000L; n *= 10) {
                long s = Math.round(rate * n);

                // when
                Interval interval = BernoulliConfidenceSequence.bounds(s, n, 0.01);

                // then
                assertThat(interval.contains(interval.estimate())).isTrue();
                assertThat(interval.lower()).isLessThan(interval.estimate());
                assertThat(interval.width()).isLessThan(previousWidth);
                previousWidth = interval.width();
            }
        }
    }

    @Test
    void shouldWidenForSmallerAlphaAndMoveWithSuccesses() {
        // given n = 2000
        Interval loose = BernoulliConfidenceSequence.bounds(10, 2000, 0.1);
        Interval strict = BernoulliConfidenceSequence.bounds(10, 2000, 0.001);

        // then a smaller α nests a wider interval
        assertThat(strict.lower()).isLessThan(loose.lower());
        assertThat(strict.upper()).isGreaterThan(loose.upper());

        // and both bounds increase with the number of successes
        double previousLower = -1;
        double previousUpper = -1;
        for (long s = 0; s <= 2000; s += 50) {
            Interval interval = BernoulliConfidenceSequence.bounds(s, 2000, 0.01);
            assertThat(interval.lower()).isGreaterThanOrEqualTo(previousLower);
            assertThat(interval.upper()).isGreaterThan(previousUpper);
            previousLower = interval.lower();
            previousUpper = interval.upper();
        }
    }

    @Test
    void shouldRejectInvalidArguments() {
        assertThatThrownBy(() -> BernoulliConfidenceSequence.bounds(3, 2, 0.05))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BernoulliConfidenceSequence.bounds(-1, 2, 0.05))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BernoulliConfidenceSequence.bounds(1, 2, 0.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BernoulliConfidenceSequence.bounds(1, 2, 1.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BernoulliConfidenceSequence.bounds(1, 2, 0.05, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCoverATinyRateAtAllTimesWithProbabilityOneMinusAlpha() {
        assertTimeUniformCoverage(0.002, 0x5eed_0001L);
    }

    @Test
    void shouldCoverAModerateRateAtAllTimesWithProbabilityOneMinusAlpha() {
        assertTimeUniformCoverage(0.3, 0x5eed_0002L);
    }

    /**
     * 2,000 streams of 5,000 Bernoulli(p) trials at α = 0.05. At every step the true p is checked against the
     * sequence through the test's own incremental martingale (p ∉ C_n ⇔ M_n(p) ≥ 1/α, C_n being that
     * sublevel set); at every step up to 100 and every 50th step after it, the interval from {@code bounds}
     * is checked too (most misses happen early), and must agree with the
     * martingale. The share of streams that ever miss must stay below α + 3 standard errors.
     */
    private static void assertTimeUniformCoverage(double p, long seed) {
        // given
        int streams = 2000;
        int length = 5000;
        int gridStep = 50;
        double alpha = 0.05;
        double a = BernoulliConfidenceSequence.JEFFREYS;
        double b = BernoulliConfidenceSequence.JEFFREYS;
        double threshold = Math.log(1 / alpha);
        double lnP = Math.log(p);
        double ln1mP = Math.log1p(-p);
        SplittableRandom root = new SplittableRandom(seed);
        int everyStepMisses = 0;
        int gridMisses = 0;
        int disagreements = 0;

        // when
        for (int stream = 0; stream < streams; stream++) {
            SplittableRandom random = root.split();
            long s = 0;
            double logM = 0.0;
            boolean missedStep = false;
            boolean missedGrid = false;
            for (int n = 1; n <= length; n++) {
                boolean success = random.nextDouble() < p;
                // mixture predictive probability of the outcome over its probability under p
                logM += success
                        ? Math.log((a + s) / (a + b + n - 1)) - lnP
                        : Math.log((b + (n - 1 - s)) / (a + b + n - 1)) - ln1mP;
                if (success) {
                    s++;
                }
                missedStep |= logM >= threshold;
                if (n <= 100 || n % gridStep == 0) {
                    Interval interval = BernoulliConfidenceSequence.bounds(s, n, alpha);
                    boolean outside = !interval.contains(p);
                    missedGrid |= outside;
                    double classLogM = BernoulliConfidenceSequence.logMartingale(s, n, p, a, b);
                    if (Math.abs(classLogM - logM) > 1e-9 * Math.max(1, Math.abs(logM))
                            || outside != (logM >= threshold)) {
                        disagreements++;
                    }
                }
            }
            everyStepMisses += missedStep ? 1 : 0;
            gridMisses += missedGrid ? 1 : 0;
        }

        // then
        double everyStepRate = (double) everyStepMisses / streams;
        double gridRate = (double) gridMisses / streams;
        System.out.printf(
                "beta-binomial-cs p=%s alpha=%s: ever-miss every step (martingale) %.4f,"
                        + " bounds() at n<=100 and every %dth step %.4f%n",
                p, alpha, everyStepRate, gridStep, gridRate);
        double limit = alpha + 3 * Math.sqrt(alpha * (1 - alpha) / streams);
        assertThat(disagreements).isZero();
        assertThat(gridMisses).isLessThanOrEqualTo(everyStepMisses);
        assertThat(everyStepRate).isLessThanOrEqualTo(limit);
    }
}
