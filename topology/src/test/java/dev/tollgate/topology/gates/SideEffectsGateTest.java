package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link SideEffectsGate}. */
class SideEffectsGateTest {
    private final SideEffectsGate gate = new SideEffectsGate();

    private static RevisionEvidence effects(long requests, long effects, long duplicates, String example) {
        RevisionEvidence e = new RevisionEvidence();
        e.traffic.requests = requests;
        e.dedupe.sideEffects = effects;
        e.dedupe.sideEffectDuplicates = duplicates;
        e.dedupe.sideEffectExample = example;
        return e;
    }

    private static GateInput input(RevisionEvidence baseline, RevisionEvidence canary) {
        return new GateInput(
                GatePolicy.newBuilder().build(), 0, 1, 5.0, false, 0, 60_000, baseline, canary, new RevisionEvidence());
    }

    @Test
    void shouldHaveTheContractIdAndRollBackWithTheRemedy() {
        assertThat(gate.id()).isEqualTo("side-effects");
        assertThat(gate.defaultThreshold()).isZero();
        assertThat(gate.holdsOnFail()).isFalse();
        assertThat(gate.remedy()).contains("sha256(source_id + event_rev + index_hash)");
    }

    @Test
    void shouldBeNoDataWithoutRequestsOrSideEffects() {
        assertThat(gate.evaluate(input(effects(0, 0, 0, null), effects(0, 0, 0, null)), 0)
                        .verdict())
                .isEqualTo(Verdict.NODATA);
    }

    @Test
    void shouldJudgeSideEffectsOfAServiceWithoutRequests() {
        // given a worker that only executes jobs: side effects but no HTTP requests
        GateOutcome o = gate.evaluate(input(effects(0, 90, 0, null), effects(0, 10, 0, null)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.canarySamples()).isEqualTo(100);
    }

    @Test
    void shouldPassWithoutDuplicates() {
        GateOutcome o = gate.evaluate(input(effects(9_900, 900, 0, null), effects(100, 100, 0, null)), 0);
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.detail()).startsWith("side-effects PASS: 0 duplicate side effects of 1000");
    }

    @Test
    void shouldFailOnOneDuplicateNamingKeyKindAndRevisions() {
        // given the canary executed a key the baseline had executed
        String example = "key abc kind webhook executed by rev-1 and rev-2";
        GateOutcome o = gate.evaluate(input(effects(9_900, 900, 0, null), effects(100, 100, 1, example)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.delta()).isEqualTo(1.0);
        assertThat(o.detail())
                .startsWith("side-effects FAIL: 1 duplicate side effects of 1000")
                .contains(example);
    }

    @Test
    void shouldFailOnADuplicateOnTheBaseline() {
        // given a duplicate executed by the baseline alone
        GateOutcome o = gate.evaluate(
                input(effects(9_900, 900, 1, "key k kind job executed by rev-1 and rev-1"), effects(100, 100, 0, null)),
                0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.baselineValue()).isEqualTo(1.0);
        assertThat(o.detail()).contains("kind job");
    }

    @Test
    void shouldPassExactlyAtTheThresholdAndFailAboveIt() {
        assertThat(gate.evaluate(input(effects(9_900, 900, 1, "a"), effects(100, 100, 1, "b")), 2)
                        .verdict())
                .isEqualTo(Verdict.PASS);
        assertThat(gate.evaluate(input(effects(9_900, 900, 1, "a"), effects(100, 100, 2, "b")), 2)
                        .verdict())
                .isEqualTo(Verdict.FAIL);
    }
}
