package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link StreamDrainGate}: only streams CUT on the old (baseline) revision count. */
class StreamDrainGateTest {
    private final StreamDrainGate gate = new StreamDrainGate();

    private static RevisionEvidence requests(long requests, long cutOld) {
        RevisionEvidence e = new RevisionEvidence();
        e.traffic.requests = requests;
        e.traffic.streamsCut = cutOld;
        e.traffic.streamsCutOld = cutOld;
        return e;
    }

    private static GateInput input(boolean draining, RevisionEvidence baseline, RevisionEvidence canary) {
        return new GateInput(
                GatePolicy.newBuilder().build(),
                4,
                100,
                null,
                draining,
                0,
                60_000,
                baseline,
                canary,
                new RevisionEvidence());
    }

    @Test
    void shouldHaveTheContractIdAndRollBackWithTheRemedy() {
        assertThat(gate.id()).isEqualTo("stream-drain");
        assertThat(gate.defaultThreshold()).isZero();
        assertThat(gate.holdsOnFail()).isFalse();
        assertThat(gate.remedy()).contains("connection draining");
    }

    @Test
    void shouldBeNoDataWithoutRequestsWhileDraining() {
        // when
        GateOutcome o = gate.evaluate(input(true, requests(0, 0), requests(0, 0)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.NODATA);
        assertThat(o.detail()).contains("while draining");
    }

    @Test
    void shouldBeNoDataWithoutRequestsWhileTrafficShifts() {
        assertThat(gate.evaluate(input(false, requests(0, 0), requests(0, 0)), 0)
                        .verdict())
                .isEqualTo(Verdict.NODATA);
    }

    @Test
    void shouldPassWhenTheOldRevisionFinishesEveryStream() {
        // when
        GateOutcome o = gate.evaluate(input(true, requests(1_000, 0), requests(9_000, 0)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.canarySamples()).isEqualTo(1_000);
    }

    @Test
    void shouldFailOnAStreamCutOnTheOldRevisionWhileDraining() {
        // when
        GateOutcome o = gate.evaluate(input(true, requests(1_000, 1), requests(9_000, 0)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.baselineValue()).isEqualTo(1.0);
        assertThat(o.detail()).startsWith("stream-drain FAIL: 1 streams CUT on the old revision while draining");
    }

    @Test
    void shouldFailOnAStreamCutOnTheOldRevisionWhileTrafficShifts() {
        // when
        GateOutcome o = gate.evaluate(input(false, requests(1_000, 3), requests(9_000, 0)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.detail()).contains("while traffic shifts");
    }

    @Test
    void shouldIgnoreStreamsCutOnTheNewRevision() {
        // given the canary (new revision) cut streams, which is not the router draining the old one
        RevisionEvidence canary = requests(9_000, 0);
        canary.traffic.streamsCut = 50;

        // when / then
        assertThat(gate.evaluate(input(true, requests(1_000, 0), canary), 0).verdict())
                .isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldPassExactlyAtTheThresholdAndFailAboveIt() {
        assertThat(gate.evaluate(input(true, requests(1_000, 2), requests(9_000, 0)), 2)
                        .verdict())
                .isEqualTo(Verdict.PASS);
        assertThat(gate.evaluate(input(true, requests(1_000, 3), requests(9_000, 0)), 2)
                        .verdict())
                .isEqualTo(Verdict.FAIL);
    }
}
