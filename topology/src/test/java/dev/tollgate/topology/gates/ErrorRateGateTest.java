package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of {@link ErrorRateGate}. The gate is moving from a raw threshold to an anytime-valid
 * confidence sequence, so PASS and FAIL use large samples far from the threshold, where both agree.
 */
class ErrorRateGateTest {
    private final ErrorRateGate gate = new ErrorRateGate();

    private static RevisionEvidence requests(long requests, long errors) {
        RevisionEvidence e = new RevisionEvidence();
        e.traffic.requests = requests;
        e.traffic.errors5xx = errors;
        return e;
    }

    private static GateInput input(RevisionEvidence baseline, RevisionEvidence canary) {
        return new GateInput(
                GatePolicy.newBuilder().build(),
                2,
                25,
                50.0,
                false,
                0,
                60_000,
                baseline,
                canary,
                new RevisionEvidence());
    }

    @Test
    void shouldHaveTheContractIdAndDefaultThreshold() {
        // then
        assertThat(gate.id()).isEqualTo("error-rate");
        assertThat(gate.defaultThreshold()).isEqualTo(0.0005);
        assertThat(gate.holdsOnFail()).isFalse();
    }

    @Test
    void shouldBeNoDataWithoutCanaryRequests() {
        // given baseline traffic only
        GateInput in = input(requests(100_000, 100), requests(0, 0));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.NODATA);
        assertThat(o.canarySamples()).isZero();
        assertThat(o.baselineSamples()).isEqualTo(100_000);
        assertThat(o.canaryValue()).isNull();
        assertThat(o.detail()).startsWith("error-rate NODATA");
    }

    @Test
    void shouldBeInconclusiveBelowMinSamples() {
        // given 199 canary requests (minSamples 200) with an undecided rate
        GateInput in = input(requests(100_000, 100), requests(199, 1));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.canarySamples()).isEqualTo(199);
        assertThat(o.detail()).contains("minSamples 200");
    }

    @Test
    void shouldBeInconclusiveWhenTheBaselineIsBelowMinSamples() {
        // given plenty of canary requests but only 150 baseline requests
        GateInput in = input(requests(150, 0), requests(100_000, 100));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.baselineSamples()).isEqualTo(150);
    }

    @Test
    void shouldBeInconclusiveWithoutBaselineRequests() {
        // given canary requests only: there is nothing to compare with
        GateInput in = input(requests(0, 0), requests(100_000, 100));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.baselineValue()).isNull();
        assertThat(o.delta()).isNull();
    }

    @Test
    void shouldPassEqualRatesOnLargeSamples() {
        // given 0.1 % 5xx on both revisions over a million requests each
        GateInput in = input(requests(1_000_000, 1_000), requests(1_000_000, 1_000));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.baselineValue()).isEqualTo(0.001);
        assertThat(o.canaryValue()).isEqualTo(0.001);
        assertThat(o.delta()).isEqualTo(0.0);
        assertThat(o.threshold()).isEqualTo(0.0005);
        assertThat(o.baselineSamples()).isEqualTo(1_000_000);
        assertThat(o.canarySamples()).isEqualTo(1_000_000);
        assertThat(o.statistic()).isNotNull();
    }

    @Test
    void shouldPassWithoutAny5xxOnLargeSamples() {
        // given no 5xx at all
        GateInput in = input(requests(1_000_000, 0), requests(1_000_000, 0));

        // when / then
        assertThat(gate.evaluate(in, gate.defaultThreshold()).verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldFailTwoPointsMore5xxOnLargeSamples() {
        // given 2.1 % on the canary against 0.1 % on the baseline
        GateInput in = input(requests(100_000, 100), requests(100_000, 2_100));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then the result names both rates and the delta
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.baselineValue()).isCloseTo(0.001, within(1e-12));
        assertThat(o.canaryValue()).isCloseTo(0.021, within(1e-12));
        assertThat(o.delta()).isCloseTo(0.02, within(1e-12));
        assertThat(o.detail()).startsWith("error-rate FAIL").contains("2.100%").contains("0.100%");
    }

    @Test
    void shouldPassALowerCanaryRate() {
        // given the canary is better than the baseline
        GateInput in = input(requests(100_000, 2_000), requests(100_000, 100));

        // when / then
        assertThat(gate.evaluate(in, gate.defaultThreshold()).verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldHonourAPolicyThreshold() {
        // given +2 pp on the canary and a tolerance of 5 pp
        GateInput in = input(requests(1_000_000, 1_000), requests(1_000_000, 21_000));

        // when
        GateOutcome o = gate.evaluate(in, 0.05);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.threshold()).isEqualTo(0.05);
    }
}
