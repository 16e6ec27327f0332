package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link SchemaPinsGate}. */
class SchemaPinsGateTest {
    private final SchemaPinsGate gate = new SchemaPinsGate();

    private static RevisionEvidence requests(long requests, long mismatches, String example) {
        RevisionEvidence e = new RevisionEvidence();
        e.traffic.requests = requests;
        e.pins.mismatches = mismatches;
        e.pins.mismatchExample = example;
        return e;
    }

    private static GateInput input(RevisionEvidence baseline, RevisionEvidence canary) {
        return new GateInput(
                GatePolicy.newBuilder().build(), 0, 1, 5.0, false, 0, 60_000, baseline, canary, new RevisionEvidence());
    }

    @Test
    void shouldHaveTheContractIdAndHoldWithTheRemedy() {
        assertThat(gate.id()).isEqualTo("schema-pins");
        assertThat(gate.defaultThreshold()).isZero();
        assertThat(gate.holdsOnFail()).isTrue();
        assertThat(gate.remedy())
                .contains("bump SCHEMA_REV")
                .contains("re-index")
                .contains("translation layer");
    }

    @Test
    void shouldBeNoDataWithoutAnyRequests() {
        // when
        GateOutcome o = gate.evaluate(input(requests(0, 0, null), requests(0, 0, null)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.NODATA);
    }

    @Test
    void shouldPassWithoutMismatches() {
        // when
        GateOutcome o = gate.evaluate(input(requests(9_900, 0, null), requests(100, 0, null)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.canarySamples()).isEqualTo(10_000);
        assertThat(o.baselineSamples()).isEqualTo(9_900);
    }

    @Test
    void shouldFailOnASingleCanaryMismatchNamingIt() {
        // given one canary request carrying schemaRev 8 where the canary serves 7
        GateOutcome o = gate.evaluate(
                input(requests(9_900, 0, null), requests(100, 1, "schemaRev 8 != served 7 on canary rev-2")), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.delta()).isEqualTo(1.0);
        assertThat(o.detail())
                .startsWith("schema-pins FAIL: 1 ")
                .contains("(e.g. schemaRev 8 != served 7 on canary rev-2)");
    }

    @Test
    void shouldCountBaselineMismatchesToo() {
        // given a mismatch on the baseline only
        GateOutcome o = gate.evaluate(
                input(requests(9_900, 2, "indexHash b != served a on baseline rev-1"), requests(100, 0, null)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.baselineValue()).isEqualTo(2.0);
        assertThat(o.detail()).contains("indexHash b != served a");
    }

    @Test
    void shouldPassExactlyAtTheThresholdAndFailAboveIt() {
        // given a tolerance of 2 mismatches
        GateInput atThreshold = input(requests(9_900, 1, "x"), requests(100, 1, "y"));
        GateInput above = input(requests(9_900, 1, "x"), requests(100, 2, "y"));

        // when / then
        assertThat(gate.evaluate(atThreshold, 2).verdict()).isEqualTo(Verdict.PASS);
        assertThat(gate.evaluate(atThreshold, 2).detail()).doesNotContain("e.g.");
        assertThat(gate.evaluate(above, 2).verdict()).isEqualTo(Verdict.FAIL);
    }
}
