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
        canary.traffic.requests = 100_000;
        canary.dedupe.postDuplicates = duplicates;
        canary.dedupe.postDuplicatesDeduped = deduped;
        RevisionEvidence baseline = new RevisionEvidence();
        baseline.traffic.requests = 100_000;
        return gate.evaluate(
                new GateInput(
                        GatePolicy.newBuilder().build(),
                        0,
                        1,
                        5.0,
                        false,
                        0,
                        60_000,
                        baseline,
                        canary,
                        new RevisionEvidence()),
                THRESHOLD);
    }

    @Test
    void shouldNotFailOnOneMissAmongFewDuplicates() {
        // given one of 20 duplicates executed again (raw share 0.95 < 0.999)
        GateOutcome o = evaluate(20, 19);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.statistic().getUpperBound()).isGreaterThanOrEqualTo(THRESHOLD);
        assertThat(o.detail())
                .startsWith("dedupe INCONCLUSIVE: canary deduped 19/20 duplicate POSTs")
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
        assertThat(o.detail())
                .startsWith("dedupe FAIL: canary deduped 4900/5000")
                .contains("< threshold 0.9990");
    }

    @Test
    void shouldFailAClearRegressionBeforeMinSamples() {
        // given half of 20 duplicates executed again
        assertThat(evaluate(20, 10).verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void shouldPassAtTheThresholdAndWithEveryDuplicateDeduped() {
        assertThat(evaluate(1_000, 999).verdict()).isEqualTo(Verdict.PASS); // exactly 0.999
        assertThat(evaluate(5, 5).verdict()).isEqualTo(Verdict.PASS); // nothing wrong to see
        assertThat(evaluate(0, 0).verdict()).isEqualTo(Verdict.PASS); // no duplicates
        assertThat(evaluate(199, 198).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void shouldFailExactlyWhenTheExecutedDuplicatesExceedTheBudget() {
        // given 10,000 duplicate deliveries: the budget at 0.999 is 10 executed duplicates
        for (int misses = 0; misses <= 100; misses++) {
            // when
            GateOutcome o = evaluate(10_000, 10_000 - misses);

            // then up to 10 misses the share is >= 0.999 and passes; from 11 it fails on the budget
            assertThat(o.verdict()).as("misses = %d", misses).isEqualTo(misses <= 10 ? Verdict.PASS : Verdict.FAIL);
        }
        assertThat(evaluate(10_000, 9_989).detail())
                .contains("11 duplicate POSTs executed again, over the budget of 10 for 10000 duplicate deliveries");
    }

    @Test
    void shouldFailOnTheBudgetBeforeTheConfidenceSequenceIsConfident() {
        // given 11 misses in 10,000: over the budget, but the 99 % CS still reaches above 0.999
        Interval ci = BernoulliConfidenceSequence.bounds(9_989, 10_000, 0.01);
        assertThat(ci.upper()).isGreaterThan(THRESHOLD);

        // when
        GateOutcome o = evaluate(10_000, 9_989);

        // then the verdict is the budget's, and the result still carries the CS bounds
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.statistic().getUpperBound()).isCloseTo(ci.upper(), within(1e-15));
        assertThat(o.statistic().getLowerBound()).isCloseTo(ci.lower(), within(1e-15));
    }

    @Test
    void shouldJudgeEarlyMissesAgainstTheFirstThousandDeliveries() {
        // given two misses among the first 7 duplicates: the first 1,000 can reach at most 998/1000
        GateOutcome two = evaluate(7, 5);
        // and one miss among the first 300: still within a budget of 1 per 1,000
        GateOutcome one = evaluate(300, 299);

        // then
        assertThat(two.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(two.detail())
                .contains("2 duplicate POSTs executed again, over the budget of 1 in the first 1000"
                        + " duplicate deliveries (share there at most 0.9980 < threshold 0.9990 whatever follows)");
        assertThat(one.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void shouldSizeTheBudgetFromTheThreshold() {
        assertThat(DedupeGate.budgetWindow(0.999)).isEqualTo(1_000);
        assertThat(DedupeGate.budgetWindow(0.99)).isEqualTo(100);
        assertThat(DedupeGate.budgetWindow(0.995)).isEqualTo(200);
        assertThat(DedupeGate.budgetWindow(0.9993)).isEqualTo(1_429);
        assertThat(DedupeGate.budgetWindow(1.0)).isEqualTo(1);
        assertThat(DedupeGate.allowedMisses(0.999, 1_000)).isEqualTo(1);
        assertThat(DedupeGate.allowedMisses(0.999, 1_999)).isEqualTo(1);
        assertThat(DedupeGate.allowedMisses(0.999, 2_000)).isEqualTo(2);
        assertThat(DedupeGate.allowedMisses(0.99, 300)).isEqualTo(3);
        assertThat(DedupeGate.allowedMisses(1.0, 1_000_000)).isZero();
        assertThat(DedupeGate.allowedMisses(0.0, 50)).isEqualTo(50);
    }

    @Test
    void shouldFailOnTheConfidenceSequenceWithinTheBudget() {
        // given the first and only duplicate delivery executed again: within the budget of 1 per 1,000
        GateOutcome o = evaluate(1, 0);

        // then the 99 % CS alone is confident the share is below 0.999: its upper bound is 1 − 0.01 · 1/2
        assertThat(o.statistic().getUpperBound()).isCloseTo(0.995, within(1e-12));
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.detail()).contains("upper bound 0.9950 < threshold 0.9990");
    }

    @Test
    void shouldBeNoDataWithoutCanaryRequests() {
        RevisionEvidence none = new RevisionEvidence();
        GateOutcome o = gate.evaluate(
                new GateInput(
                        GatePolicy.newBuilder().build(),
                        0,
                        1,
                        5.0,
                        false,
                        0,
                        60_000,
                        new RevisionEvidence(),
                        none,
                        new RevisionEvidence()),
                THRESHOLD);
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
