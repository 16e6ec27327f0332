package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of {@link ColdStartGate}. The gate is moving from a raw threshold to an anytime-valid
 * confidence sequence, so PASS and FAIL use large samples far from the threshold, where both agree.
 */
class ColdStartGateTest {
    private final ColdStartGate gate = new ColdStartGate();

    private static RevisionEvidence afterWarmup(long requests, long coldStarts) {
        RevisionEvidence e = new RevisionEvidence();
        e.traffic.requests = requests;
        e.traffic.coldStarts = coldStarts;
        e.traffic.requestsAfterWarmup = requests;
        e.traffic.coldStartsAfterWarmup = coldStarts;
        return e;
    }

    private static GateInput input(RevisionEvidence baseline, RevisionEvidence canary) {
        return new GateInput(
                GatePolicy.newBuilder().build(), 0, 1, 5.0, false, 0, 60_000, baseline, canary, new RevisionEvidence());
    }

    @Test
    void shouldHaveTheContractIdAndDefaultThreshold() {
        assertThat(gate.id()).isEqualTo("cold-start");
        assertThat(gate.defaultThreshold()).isEqualTo(0.05);
    }

    @Test
    void shouldBeNoDataWhenAllCanaryRequestsAreInsideTheWarmup() {
        // given canary requests, all cold, but none after the warm-up
        RevisionEvidence canary = new RevisionEvidence();
        canary.traffic.requests = 5_000;
        canary.traffic.coldStarts = 5_000;
        GateInput in = input(afterWarmup(100_000, 0), canary);

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then cold starts inside the warm-up do not count
        assertThat(o.verdict()).isEqualTo(Verdict.NODATA);
        assertThat(o.detail()).contains("10000 ms warm-up");
    }

    @Test
    void shouldBeInconclusiveBelowMinSamples() {
        // given 150 canary requests after warm-up (minSamples 200)
        GateInput in = input(afterWarmup(100_000, 0), afterWarmup(150, 5));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.canarySamples()).isEqualTo(150);
        assertThat(o.detail()).contains("minSamples 200");
    }

    @Test
    void shouldPassOnePercentColdStartsOnLargeSamples() {
        // given 1 % cold starts on 100,000 canary requests after warm-up
        GateInput in = input(afterWarmup(100_000, 0), afterWarmup(100_000, 1_000));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.canaryValue()).isCloseTo(0.01, within(1e-12));
        assertThat(o.baselineValue()).isEqualTo(0.0);
        assertThat(o.canarySamples()).isEqualTo(100_000);
    }

    @Test
    void shouldFailTwentyPercentColdStartsOnLargeSamples() {
        // given 20 % cold starts after warm-up
        GateInput in = input(afterWarmup(100_000, 0), afterWarmup(100_000, 20_000));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.canaryValue()).isCloseTo(0.2, within(1e-12));
        assertThat(o.detail()).startsWith("cold-start FAIL").contains("20.000%").contains("after warm-up");
    }

    @Test
    void shouldJudgeOnlyTheRequestsAfterWarmup() {
        // given 40 % cold starts overall but 1 % after warm-up
        RevisionEvidence canary = afterWarmup(100_000, 1_000);
        canary.traffic.requests = 200_000;
        canary.traffic.coldStarts = 80_000;
        GateInput in = input(afterWarmup(100_000, 0), canary);

        // when / then
        assertThat(gate.evaluate(in, gate.defaultThreshold()).verdict()).isEqualTo(Verdict.PASS);
    }
}
