package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Statistic;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.stats.BernoulliConfidenceSequence;
import dev.tollgate.topology.stats.Interval;
import org.junit.jupiter.api.Test;

/** Statistical behaviour of {@link DedupeGate}: an anytime-valid confidence sequence on the dedupe hit share. */
class DedupeStatisticsTest {
    private static final double THRESHOLD = 0.999;
    private final DedupeGate gate = new DedupeGate();

    private GateOutcome evaluate(long duplicates, long deduped) {
        RevisionEvidence canary = new RevisionEvidence();
        canary.requests = 100_000;
        canary.postDuplicates = duplicates;
        canary.postDuplicatesDeduped = deduped;
        RevisionEvidence baseline = new RevisionEvidence();
        baseline.requests = 100_000;
        return gate.evaluate(new GateInput(GatePolicy.newBuilder().build(), 0, 1, 5.0, false, 0, 60_000, baseline,
                canary, new RevisionEvidence()), THRESHOLD);
    }

    @Test
    void shouldNotFailOnOneMissAmongFewDuplicates() {
        // given one of 20 duplicates executed again (raw share 0.95 < 0.999)
        GateOutcome o = evaluate(20, 19);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.statistic().getUpperBound()).isGreaterThanOrEqualTo(THRESHOLD);
        assertThat(o.detail()).startsWith("dedupe INCONCLUSIVE: canary deduped 19/20 duplicate POSTs")
                .contains("below minSamples 200");
    }

    @Test
    void shouldBeInconclusiveOnOneMissAboveMinSamples() {
        // given one miss in 300 duplicates: below 0.999, but not confidently
        GateOutcome o = evaluate(300, 299);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.detail()).contains("is not below it yet");
    }

    @Test
    void shouldFailWhenTheUpperBoundIsBelowTheThreshold() {
        // given 2 % misses among 5,000 duplicates
        GateOutcome o = evaluate(5_000, 4_900);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.statistic().getUpperBound()).isLessThan(THRESHOLD);
        assertThat(o.detail()).startsWith("dedupe FAIL: canary deduped 4900/5000").contains("< threshold 0.9990");
    }

    @Test
    void shouldFailAClearRegressionBeforeMinSamples() {
        // given half of 20 duplicates executed again
        assertThat(evaluate(20, 10).verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void shouldPassAtTheThresholdAndWithEveryDuplicateDeduped() {
        assertThat(evaluate(1_000, 999).verdict()).isEqualTo(Verdict.PASS);   // exactly 0.999
        assertThat(evaluate(5, 5).verdict()).isEqualTo(Verdict.PASS);         // nothing wrong to see
        assertThat(evaluate(0, 0).verdict()).isEqualTo(Verdict.PASS);         // no duplicates
        assertThat(evaluate(199, 198).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void shouldFailExactlyWhenTheUpperBoundCrossesTheThreshold() {
        int firstFail = -1;
        for (int misses = 0; misses <= 100; misses++) {
            Interval ci = BernoulliConfidenceSequence.bounds(10_000 - misses, 10_000, 0.01);
            Verdict expected = ci.upper() < THRESHOLD ? Verdict.FAIL
                    : misses <= 10 ? Verdict.PASS : Verdict.INCONCLUSIVE;
            assertThat(evaluate(10_000, 10_000 - misses).verdict()).as("misses = %d", misses).isEqualTo(expected);
            if (expected == Verdict.FAIL && firstFail < 0) {
                firstFail = misses;
            }
        }
        assertThat(firstFail).isBetween(15, 40);
    }

    @Test
    void shouldBeNoDataWithoutCanaryRequests() {
        RevisionEvidence none = new RevisionEvidence();
        GateOutcome o = gate.evaluate(new GateInput(GatePolicy.newBuilder().build(), 0, 1, 5.0, false, 0, 60_000,
                new RevisionEvidence(), none, new RevisionEvidence()), THRESHOLD);
        assertThat(o.verdict()).isEqualTo(Verdict.NODATA);
    }

    @Test
    void shouldMatchTheClosedFormWhenNoDuplicateIsDeduped() {
        // given 0 of n = 8 duplicates deduped: upper bound 1 − (α · Π_{k=1..n} (k − 1/2)/k)^(1/n) by symmetry
        int n = 8;
        double product = 1;
        for (int k = 1; k <= n; k++) {
            product *= (k - 0.5) / k;
        }
        double upper = 1 - Math.pow(0.01 * product, 1.0 / n);

        // when
        GateOutcome o = evaluate(n, 0);

        // then
        Statistic st = o.statistic();
        assertThat(st.getName()).isEqualTo(BernoulliConfidenceSequence.METHOD);
        assertThat(st.getLowerBound()).isEqualTo(0.0);
        assertThat(st.getUpperBound()).isCloseTo(upper, within(1e-12));
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
    }
}
