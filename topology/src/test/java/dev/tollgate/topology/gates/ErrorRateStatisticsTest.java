package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Statistic;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.stats.BernoulliConfidenceSequence;
import dev.tollgate.topology.stats.Interval;
import dev.tollgate.topology.stats.RateDifference;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Statistical behaviour of {@link ErrorRateGate}: an anytime-valid confidence sequence on canary − baseline. */
class ErrorRateStatisticsTest {
    private static final double THRESHOLD = 0.0005;
    private final ErrorRateGate gate = new ErrorRateGate();

    private static RevisionEvidence requests(long requests, long errors) {
        RevisionEvidence e = new RevisionEvidence();
        e.traffic.requests = requests;
        e.traffic.errors5xx = errors;
        return e;
    }

    /** At the 25 % step, where a PASS above the threshold needs its resolution target reached (the CS upper bound). */
    private static GateInput input(GatePolicy policy, RevisionEvidence baseline, RevisionEvidence canary) {
        return new GateInput(policy, 2, 25, 50.0, false, 0, 60_000, baseline, canary, new RevisionEvidence());
    }

    private GateOutcome evaluate(long baselineRequests, long baselineErrors, long canaryRequests, long canaryErrors) {
        return gate.evaluate(
                input(
                        GatePolicy.newBuilder().build(),
                        requests(baselineRequests, baselineErrors),
                        requests(canaryRequests, canaryErrors)),
                THRESHOLD);
    }

    @Test
    void shouldNotFailOnOne5xxAmongTwentyCanaryRequestsAtAOnePercentCanary() {
        // given a 1 % canary: 20 canary requests with one 5xx (raw rate 5 %) against 1,980 baseline requests at 0.2 %
        GateOutcome o = evaluate(1_980, 4, 20, 1);

        // then a raw threshold would roll back (5 % - 0.2 % > 0.05 pp), the sequential gate does not
        assertThat(o.delta()).isGreaterThan(THRESHOLD);
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.statistic().getLowerBound()).isLessThan(THRESHOLD);
        assertThat(o.detail())
                .startsWith("error-rate INCONCLUSIVE")
                .contains("canary 5.000% (1/20)")
                .contains("vs baseline 0.202% (4/1980)")
                .contains("below minSamples 200");
    }

    @Test
    void shouldFailTwoPointsMoreWithThousandsOfSamples() {
        // given 2.2 % on 5,000 canary requests against 0.2 % on 100,000 baseline requests
        GateOutcome o = evaluate(100_000, 200, 5_000, 110);

        // then the whole confidence sequence lies above 0.05 pp
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.statistic().getLowerBound()).isGreaterThan(THRESHOLD);
        assertThat(o.delta()).isCloseTo(0.02, within(1e-12));
        assertThat(o.detail())
                .startsWith("error-rate FAIL: canary 2.200% (110/5000) vs baseline 0.200% (200/100000)")
                .contains("delta +2.000 pp")
                .contains("99% CS [")
                .contains("> threshold +0.050 pp")
                .contains("rate-diff-cs");
    }

    @Test
    void shouldFailAClearRegressionBeforeMinSamples() {
        // given half of 100 canary requests fail: valid at every sample size, so no minimum is needed to fail
        GateOutcome o = evaluate(10_000, 20, 100, 50);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.canarySamples()).isEqualTo(100);
    }

    @Test
    void shouldBeInconclusiveAboveTheThresholdWithoutConfidence() {
        // given enough samples, 0.6 % vs 0.2 % (delta 0.4 pp > 0.05 pp), but only 600 canary requests
        GateOutcome o = evaluate(100_000, 200, 600, 4);

        // then neither PASS (estimate above, resolution target not reached) nor FAIL (not confident)
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.detail()).contains("is not above it yet").contains("target +0.650 pp");
        // and below the 25 % step the same evidence passes: the estimate (0.47 pp) is within the target
        GateOutcome small = gate.evaluate(
                new GateInput(
                        GatePolicy.newBuilder().build(),
                        0,
                        1,
                        5.0,
                        false,
                        0,
                        60_000,
                        requests(100_000, 200),
                        requests(600, 4),
                        new RevisionEvidence()),
                THRESHOLD);
        assertThat(small.verdict()).isEqualTo(Verdict.PASS);
        assertThat(small.detail()).contains("at a step below 25 %, the estimate within the target");
    }

    @Test
    void shouldPassWhenTheEstimateIsWithinTheThresholdAtMinSamples() {
        // given exactly minSamples on both arms and no 5xx on the canary
        GateOutcome o = evaluate(200, 1, 200, 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.detail()).startsWith("error-rate PASS");
    }

    @Test
    void shouldPassAnEstimateExactlyAtTheThreshold() {
        // given 0.25 % vs 0.20 %: delta exactly 0.05 pp (up to floating point)
        GateOutcome o = evaluate(1_000_000, 2_000, 1_000_000, 2_500);

        // then "within" includes the threshold itself
        assertThat(o.delta()).isCloseTo(THRESHOLD, within(1e-15));
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldFailExactlyWhenTheLowerBoundCrossesTheThreshold() {
        // given 2,000 canary requests against 200,000 baseline requests at 0.2 %, for every canary 5xx count
        int firstFail = -1;
        for (int s = 0; s <= 100; s++) {
            GateOutcome o = evaluate(200_000, 400, 2_000, s);
            Interval ci = RateDifference.bounds(s, 2_000, 400, 200_000, 0.01);
            // then the verdict follows the bound: FAIL iff lower > threshold, else PASS iff estimate <= threshold
            Verdict expected = ci.lower() > THRESHOLD
                    ? Verdict.FAIL
                    : (double) s / 2_000 - 0.002 <= THRESHOLD + 1e-12
                                    || ci.upper() <= ErrorRateGate.resolutionTarget(THRESHOLD, 0.002)
                            ? Verdict.PASS
                            : Verdict.INCONCLUSIVE;
            assertThat(o.verdict()).as("s = %d", s).isEqualTo(expected);
            if (expected == Verdict.FAIL && firstFail < 0) {
                firstFail = s;
            }
        }
        // and FAIL starts well above the raw threshold's 6 errors (0.3 %) but below 1.5 %
        assertThat(firstFail).isBetween(7, 30);
        assertThat(evaluate(200_000, 400, 2_000, firstFail - 1).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(evaluate(200_000, 400, 2_000, 5).verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldBeNoDataWithoutCanaryAndInconclusiveWithoutBaseline() {
        assertThat(evaluate(1_000, 2, 0, 0).verdict()).isEqualTo(Verdict.NODATA);
        GateOutcome noBaseline = evaluate(0, 0, 100_000, 5_000);
        assertThat(noBaseline.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(noBaseline.detail()).contains("no baseline requests in the same span");
    }

    @Test
    void shouldBeInconclusiveBelowMinSamplesWhenNotConfidentlyWrong() {
        // given 150 canary requests with no 5xx at all (minSamples 200)
        GateOutcome o = evaluate(100_000, 200, 150, 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.detail()).contains("below minSamples 200");
    }

    @Test
    void shouldCarryTheConfidenceSequenceInTheStatistic() {
        // when
        GateOutcome o = evaluate(100_000, 200, 5_000, 20);

        // then the statistic is the rate-difference sequence at the policy's alpha, with both bounds
        Interval ci = RateDifference.bounds(20, 5_000, 200, 100_000, 0.01);
        Statistic st = o.statistic();
        assertThat(st.getName()).isEqualTo(RateDifference.METHOD);
        assertThat(st.getValue()).isCloseTo(0.004 - 0.002, within(1e-15));
        assertThat(st.getLowerBound()).isEqualTo(ci.lower());
        assertThat(st.getUpperBound()).isEqualTo(ci.upper());
        assertThat(st.getAlpha()).isEqualTo(0.01);
    }

    @Test
    void shouldMatchAClosedFormOnAnExtremeCase() {
        // given a canary with 0/1000 and a baseline with 1000/1000 at alpha/2 = 0.005 per arm (Jeffreys prior):
        // M_n(p) = B(1/2, n + 1/2)/B(1/2, 1/2) / (1 − p)^n, so U_c = 1 − (B(1/2, n + 1/2)/π · 0.005)^(1/n),
        // with B(1/2, n + 1/2)/π = Π_{k=1..n} (k − 1/2)/k computed here as a plain product;
        // by symmetry L_b = 1 − U_c, and L_c = 0, U_b = 1
        int n = 1_000;
        double product = 1;
        for (int k = 1; k <= n; k++) {
            product *= (k - 0.5) / k;
        }
        double upperCanary = 1 - Math.pow(product * 0.005, 1.0 / n);

        // when
        GateOutcome o = evaluate(n, n, n, 0);

        // then
        assertThat(o.statistic().getLowerBound()).isCloseTo(-1.0, within(1e-12));
        assertThat(o.statistic().getUpperBound()).isCloseTo(upperCanary - (1 - upperCanary), within(1e-12));
        assertThat(upperCanary)
                .isCloseTo(BernoulliConfidenceSequence.bounds(0, n, 0.005).upper(), within(1e-13));
    }

    @Test
    void shouldUseThePolicysAlpha() {
        // given a borderline regression: 1 % vs 0.2 % on 1,500 canary requests
        RevisionEvidence baseline = requests(150_000, 300);
        RevisionEvidence canary = requests(1_500, 15);

        // when judged at alpha 0.10 and at alpha 0.0001
        GateOutcome loose =
                gate.evaluate(input(GatePolicy.newBuilder().setAlpha(0.10).build(), baseline, canary), THRESHOLD);
        GateOutcome strict =
                gate.evaluate(input(GatePolicy.newBuilder().setAlpha(0.0001).build(), baseline, canary), THRESHOLD);

        // then the bound and the verdict follow alpha
        assertThat(loose.statistic().getAlpha()).isEqualTo(0.10);
        assertThat(strict.statistic().getAlpha()).isEqualTo(0.0001);
        assertThat(loose.statistic().getLowerBound())
                .isGreaterThan(strict.statistic().getLowerBound());
        assertThat(loose.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(strict.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(loose.detail()).contains("90% CS");
        assertThat(strict.detail()).contains("99.99% CS");
    }

    @Test
    void shouldRarelyFailAnAaCanaryEvaluatedEverySecond() {
        // given 100 A/A streams of a 1 % canary at 2,000 requests/s, both at 0.2 % 5xx, evaluated every second for 10
        // min
        SplittableRandom random = new SplittableRandom(0x7011_6a7eL);
        int streams = 100;
        int failed = 0;
        int failedRaw = 0;
        for (int i = 0; i < streams; i++) {
            RevisionEvidence b = new RevisionEvidence();
            RevisionEvidence c = new RevisionEvidence();
            boolean fail = false;
            boolean raw = false;
            for (int tick = 0; tick < 600 && !fail; tick++) {
                for (int r = 0; r < 2_000; r++) {
                    RevisionEvidence e = random.nextDouble() < 0.01 ? c : b;
                    e.traffic.requests++;
                    if (random.nextDouble() < 0.002) {
                        e.traffic.errors5xx++;
                    }
                }
                GateOutcome o = gate.evaluate(input(GatePolicy.newBuilder().build(), b, c), THRESHOLD);
                fail = o.verdict() == Verdict.FAIL;
                raw |= o.delta() != null && o.delta() > THRESHOLD;
            }
            failed += fail ? 1 : 0;
            failedRaw += raw ? 1 : 0;
        }
        // then the sequential gate stays far below alpha = 1 % (expected 0),
        // while a raw threshold checked every second trips on most streams
        assertThat(failed).isZero();
        assertThat(failedRaw).isGreaterThan(streams / 2);
    }

    @Test
    void shouldDetectOnePercentAgainstPointTwoPercentAtAOnePercentCanary() {
        // given 100 streams of a 1 % canary at 2,000 requests/s, canary 1.0 % vs baseline 0.2 % 5xx
        SplittableRandom random = new SplittableRandom(0xbad_5eedL);
        int detected = 0;
        for (int i = 0; i < 100; i++) {
            RevisionEvidence b = new RevisionEvidence();
            RevisionEvidence c = new RevisionEvidence();
            for (int tick = 0; tick < 600; tick++) {
                for (int r = 0; r < 2_000; r++) {
                    boolean canary = random.nextDouble() < 0.01;
                    RevisionEvidence e = canary ? c : b;
                    e.traffic.requests++;
                    if (random.nextDouble() < (canary ? 0.01 : 0.002)) {
                        e.traffic.errors5xx++;
                    }
                }
                if (gate.evaluate(input(GatePolicy.newBuilder().build(), b, c), THRESHOLD)
                                .verdict()
                        == Verdict.FAIL) {
                    detected++;
                    break;
                }
            }
        }
        // then within 10 minutes (12,000 canary requests) every stream fails
        assertThat(detected).isEqualTo(100);
    }

    @Test
    void shouldSuspectARegressionTheOnePercentStepCannotConfirm() {
        // given the 1 % step at 1 canary request/s after 600 s: 3 5xx among 600 canary requests (0.5 %) against
        // 0.1 % on 60,000 baseline requests: delta +0.4 pp, beyond the target 0.05 + 3 x 0.1 = 0.35 pp
        GateOutcome o = gate.evaluate(
                new GateInput(
                        GatePolicy.newBuilder().build(),
                        0,
                        1,
                        5.0,
                        false,
                        0,
                        600_000,
                        requests(60_000, 60),
                        requests(600, 3),
                        new RevisionEvidence()),
                THRESHOLD);

        // then the confidence sequence cannot confirm it, and the outcome says the evidence points at it
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.statistic().getLowerBound()).isLessThanOrEqualTo(THRESHOLD);
        assertThat(o.suspected()).isTrue();
        assertThat(o.detail()).contains("target +0.350 pp").contains("suspected regression");
    }

    @Test
    void shouldSuspectFromTheTwentyFivePercentStepOnlyAnEstimateNearerTheTargetThanTheThreshold() {
        // given 600 canary requests at the 25 % step against 0.2 % (target 0.65 pp, midpoint 0.35 pp):
        // 4 5xx (+0.467 pp) and 2 5xx (+0.133 pp), neither confident nor resolved
        GateOutcome nearTarget = evaluate(100_000, 200, 600, 4);
        GateOutcome nearThreshold = evaluate(100_000, 200, 600, 2);

        // then both are inconclusive, only the first is a suspected regression
        assertThat(nearTarget.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(nearTarget.suspected()).isTrue();
        assertThat(nearThreshold.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(nearThreshold.suspected()).isFalse();
        assertThat(nearThreshold.detail()).doesNotContain("suspected");
        // and below minSamples nothing is suspected (one 5xx among 20 canary requests)
        assertThat(evaluate(1_980, 4, 20, 1).suspected()).isFalse();
    }
}
