package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link StickyRoutingGate}. */
class StickyRoutingGateTest {
    private final StickyRoutingGate gate = new StickyRoutingGate();

    private static RevisionEvidence pinned(long requests, long pinned, long misrouted) {
        RevisionEvidence e = new RevisionEvidence();
        e.traffic.requests = requests;
        e.pins.pinnedRequests = pinned;
        e.pins.misrouted = misrouted;
        return e;
    }

    private static GateInput input(RevisionEvidence baseline, RevisionEvidence canary) {
        return new GateInput(
                GatePolicy.newBuilder().build(), 0, 1, 5.0, false, 0, 60_000, baseline, canary, new RevisionEvidence());
    }

    @Test
    void shouldHaveTheContractIdAndHoldWithTheRemedy() {
        assertThat(gate.id()).isEqualTo("sticky-routing");
        assertThat(gate.defaultThreshold()).isZero();
        assertThat(gate.holdsOnFail()).isTrue();
        assertThat(gate.remedy()).contains("cookie pinning").contains("X-Release");
    }

    @Test
    void shouldBeNoDataWithoutAnyRequests() {
        assertThat(gate.evaluate(input(pinned(0, 0, 0), pinned(0, 0, 0)), 0).verdict())
                .isEqualTo(Verdict.NODATA);
    }

    @Test
    void shouldPassWhenEveryPinnedRequestHitsItsRevision() {
        // given 500 pinned requests, all served by the pinned revision
        GateOutcome o = gate.evaluate(input(pinned(9_900, 400, 0), pinned(100, 100, 0)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.canarySamples()).isEqualTo(500);
    }

    @Test
    void shouldPassWithoutPinnedRequests() {
        // given traffic without any pin
        assertThat(gate.evaluate(input(pinned(9_900, 0, 0), pinned(100, 0, 0)), 0)
                        .verdict())
                .isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldFailWhenACanaryPinnedRequestIsServedByTheBaseline() {
        // given one request pinned to the canary served by the baseline
        GateOutcome o = gate.evaluate(input(pinned(9_900, 400, 1), pinned(100, 100, 0)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.baselineValue()).isEqualTo(1.0);
        assertThat(o.detail()).startsWith("sticky-routing FAIL: 1 pinned requests served by the other revision of 500");
    }

    @Test
    void shouldFailWhenABaselinePinnedRequestIsServedByTheCanary() {
        // given one request pinned to the baseline served by the canary
        GateOutcome o = gate.evaluate(input(pinned(9_900, 400, 0), pinned(100, 100, 1)), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.delta()).isEqualTo(1.0);
    }

    @Test
    void shouldPassExactlyAtTheThresholdAndFailAboveIt() {
        assertThat(gate.evaluate(input(pinned(9_900, 400, 2), pinned(100, 100, 1)), 3)
                        .verdict())
                .isEqualTo(Verdict.PASS);
        assertThat(gate.evaluate(input(pinned(9_900, 400, 2), pinned(100, 100, 2)), 3)
                        .verdict())
                .isEqualTo(Verdict.FAIL);
    }
}
