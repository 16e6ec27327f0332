package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Statistic;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.stats.BernoulliConfidenceSequence;
import dev.tollgate.topology.stats.Interval;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Statistical behaviour of {@link ColdStartGate}: an anytime-valid confidence sequence on the canary's share. */
class ColdStartStatisticsTest {
    private static final double THRESHOLD = 0.05;
    private final ColdStartGate gate = new ColdStartGate();

    private static RevisionEvidence afterWarmup(long requests, long coldStarts) {
        RevisionEvidence e = new RevisionEvidence();
        e.traffic.requests = requests;
        e.traffic.coldStarts = coldStarts;
        e.traffic.requestsAfterWarmup = requests;
        e.traffic.coldStartsAfterWarmup = coldStarts;
        return e;
    }

    private GateOutcome evaluate(long requests, long coldStarts) {
        return evaluateAt(1, 5.0, requests, coldStarts);
    }

    private GateOutcome evaluateAt(double percent, Double next, long requests, long coldStarts) {
        return gate.evaluate(
                new GateInput(
                        GatePolicy.newBuilder().build(),
                        0,
                        percent,
                        next,
                        false,
                        0,
                        60_000,
                        afterWarmup(100_000, 1_000),
                        afterWarmup(requests, coldStarts),
                        new RevisionEvidence()),
                THRESHOLD);
    }

    @Test
    void shouldNotFailOnOneColdStartAmongFiveRequests() {
        // given one cold start among the first 5 canary requests after warm-up (raw share 20 %)
        GateOutcome o = evaluate(5, 1);

        // then
        assertThat(o.canaryValue()).isEqualTo(0.2);
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.detail())
                .startsWith("cold-start INCONCLUSIVE: canary cold starts 20.000% (1/5) after warm-up")
                .contains("below minSamples 200");
    }

    @Test
    void shouldFailTwelvePercentWithThousandsOfSamples() {
        // given 12 % cold starts on 2,000 canary requests after warm-up
        GateOutcome o = evaluate(2_000, 240);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.statistic().getLowerBound()).isGreaterThan(THRESHOLD);
        assertThat(o.detail())
                .startsWith("cold-start FAIL: canary cold starts 12.000% (240/2000) after warm-up")
                .contains("> threshold 5.000%")
                .contains("beta-binomial-cs");
    }

    @Test
    void shouldFailAClearRegressionBeforeMinSamples() {
        // given 60 of 100 canary requests cold
        assertThat(evaluate(100, 60).verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void shouldPassWithinTheThresholdOrOnceItsResolutionIsReached() {
        // within the threshold: PASS once minSamples are in
        assertThat(evaluate(1_000, 50).verdict()).isEqualTo(Verdict.PASS); // 5.0 %
        assertThat(evaluate(200, 10).verdict()).isEqualTo(Verdict.PASS); // at minSamples
        assertThat(evaluate(199, 0).verdict()).isEqualTo(Verdict.INCONCLUSIVE); // below minSamples
        // below the 25 % step, above the threshold but not confidently: the estimate within the 10 % target passes
        assertThat(evaluate(200, 12).verdict()).isEqualTo(Verdict.PASS); // 6 %
        assertThat(BernoulliConfidenceSequence.bounds(22, 200, 0.01).lower()).isLessThanOrEqualTo(THRESHOLD);
        assertThat(evaluate(200, 22).verdict()).isEqualTo(Verdict.INCONCLUSIVE); // 11 %: above the target
        // from the 25 % step on, the upper bound must be within the target: INCONCLUSIVE until it is ...
        GateOutcome early = evaluateAt(25, 50.0, 200, 12);
        assertThat(BernoulliConfidenceSequence.bounds(12, 200, 0.01).upper()).isGreaterThan(2 * THRESHOLD);
        assertThat(early.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(early.detail()).contains("target 10.000%");
        // ... and PASS once it is: the PASS states what it excluded
        GateOutcome late = evaluateAt(25, 50.0, 1_000, 51); // 5.1 %, upper bound below 10 %
        assertThat(late.verdict()).isEqualTo(Verdict.PASS);
        assertThat(late.detail()).contains("resolution reached: shares above").contains("excluded");
    }

    @Test
    void shouldFailExactlyWhenTheLowerBoundCrossesTheThreshold() {
        int firstFail = -1;
        for (int s = 0; s <= 200; s++) {
            Interval ci = BernoulliConfidenceSequence.bounds(s, 1_000, 0.01);
            Verdict expected = ci.lower() > THRESHOLD
                    ? Verdict.FAIL
                    : s <= 100 ? Verdict.PASS : Verdict.INCONCLUSIVE; // a 1 % step: estimate within the 10 % target
            assertThat(evaluate(1_000, s).verdict()).as("s = %d", s).isEqualTo(expected);
            if (expected == Verdict.FAIL && firstFail < 0) {
                firstFail = s;
            }
        }
        assertThat(firstFail).isBetween(60, 110);
    }

    @Test
    void shouldBeNoDataWithoutCanaryRequestsAfterWarmup() {
        RevisionEvidence inWarmup = new RevisionEvidence();
        inWarmup.traffic.requests = 1_000;
        inWarmup.traffic.coldStarts = 1_000;
        GateOutcome o = gate.evaluate(
                new GateInput(
                        GatePolicy.newBuilder().build(),
                        0,
                        1,
                        5.0,
                        false,
                        0,
                        5_000,
                        afterWarmup(0, 0),
                        inWarmup,
                        new RevisionEvidence()),
                THRESHOLD);
        assertThat(o.verdict()).isEqualTo(Verdict.NODATA);
    }

    @Test
    void shouldMatchTheClosedFormWhenEveryRequestIsCold() {
        // given all of n = 10 canary requests cold: M_n(p) = B(n + 1/2, 1/2)/π / p^n, so the lower bound is
        // (α · Π_{k=1..n} (k − 1/2)/k)^(1/n), computed here as a plain product (independent of lnBeta)
        int n = 10;
        double product = 1;
        for (int k = 1; k <= n; k++) {
            product *= (k - 0.5) / k;
        }
        double lower = Math.pow(0.01 * product, 1.0 / n);

        // when
        GateOutcome o = evaluate(n, n);

        // then
        Statistic st = o.statistic();
        assertThat(st.getName()).isEqualTo(BernoulliConfidenceSequence.METHOD);
        assertThat(st.getValue()).isEqualTo(1.0);
        assertThat(st.getLowerBound()).isCloseTo(lower, within(1e-12));
        assertThat(st.getUpperBound()).isEqualTo(1.0);
        assertThat(st.getAlpha()).isEqualTo(0.01);
        // (0.01 · 0.176197)^(1/10) = 0.5304: ten cold requests in a row already prove more than 5 %
        assertThat(lower).isCloseTo(0.5304, within(1e-4));
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void shouldRarelyFailOnePercentAndAlwaysCatchTwelvePercentEvaluatedEverySecond() {
        // given 200 streams per case of 20 canary requests/s (a 1 % canary at 2,000 requests/s), judged every second
        SplittableRandom random = new SplittableRandom(0xc01d_57a7L);
        int aaFailed = 0;
        int caught = 0;
        for (int i = 0; i < 400; i++) {
            double p = i < 200 ? 0.01 : 0.12;
            long n = 0;
            long cold = 0;
            boolean failed = false;
            for (int tick = 0; tick < 600 && !failed; tick++) {
                for (int k = 0; k < 20; k++) {
                    n++;
                    cold += random.nextDouble() < p ? 1 : 0;
                }
                failed = evaluate(n, cold).verdict() == Verdict.FAIL;
            }
            if (i < 200) {
                aaFailed += failed ? 1 : 0;
            } else {
                caught += failed ? 1 : 0;
            }
        }
        assertThat(aaFailed).isZero();
        assertThat(caught).isEqualTo(200);
    }

    @Test
    void shouldSuspectARegressionOnlyWhenTheShareIsNearerTheTargetThanTheThreshold() {
        // given 200 canary requests after warm-up at the 25 % step: 8 % and 7 % cold starts (threshold 5 %,
        // target 10 %, midpoint 7.5 %), neither confidently above the threshold
        GateOutcome nearTarget = evaluateAt(25, 50.0, 200, 16);
        GateOutcome nearThreshold = evaluateAt(25, 50.0, 200, 14);

        // then both are inconclusive, only the first is a suspected regression
        assertThat(nearTarget.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(nearTarget.suspected()).isTrue();
        assertThat(nearTarget.detail()).contains("suspected regression");
        assertThat(nearThreshold.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(nearThreshold.suspected()).isFalse();
        assertThat(nearThreshold.detail()).doesNotContain("suspected");
        // and below minSamples nothing is suspected, however high the share
        GateOutcome few = evaluate(5, 1);
        assertThat(few.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(few.suspected()).isFalse();
    }
}
