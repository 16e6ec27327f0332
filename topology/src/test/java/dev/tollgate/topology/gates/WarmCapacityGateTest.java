package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link WarmCapacityGate}. */
class WarmCapacityGateTest {
    private final WarmCapacityGate gate = new WarmCapacityGate();

    private static RevisionEvidence canary(double warm, double expected) {
        RevisionEvidence e = new RevisionEvidence();
        if (!Double.isNaN(warm)) {
            e.gauges.warm(1_000, warm);
        }
        if (!Double.isNaN(expected)) {
            e.gauges.expectedLoad(1_000, expected);
        }
        return e;
    }

    private static GateInput input(double traffic, Double next, RevisionEvidence canary, RevisionEvidence service) {
        return new GateInput(
                GatePolicy.newBuilder().build(),
                1,
                traffic,
                next,
                false,
                0,
                60_000,
                new RevisionEvidence(),
                canary,
                service);
    }

    private static GateInput input(RevisionEvidence canary) {
        return input(5, 25.0, canary, new RevisionEvidence());
    }

    @Test
    void shouldHaveTheContractIdAndHoldWithARemedy() {
        assertThat(gate.id()).isEqualTo("warm-capacity");
        assertThat(gate.defaultThreshold()).isEqualTo(1.0);
        assertThat(gate.holdsOnFail()).isTrue();
        assertThat(gate.remedy()).contains("min instances");
    }

    @Test
    void shouldPassWithMoreWarmInstancesThanExpectedLoad() {
        // given 5 warm canary instances for an expected p50 load of 4
        GateOutcome o = gate.evaluate(input(canary(5, 4)), 1.0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.canaryValue()).isEqualTo(5.0);
        assertThat(o.baselineValue()).isEqualTo(4.0);
        assertThat(o.delta()).isEqualTo(1.0);
    }

    @Test
    void shouldPassExactlyAtTheExpectedLoad() {
        // given warm == expected
        GateOutcome o = gate.evaluate(input(canary(4, 4)), 1.0);

        // then warm >= expected passes
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.statistic().getValue()).isEqualTo(0.0);
    }

    @Test
    void shouldFailOneInstanceShortOfTheExpectedLoad() {
        // given 3 warm instances for an expected load of 4
        GateOutcome o = gate.evaluate(input(canary(3, 4)), 1.0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.delta()).isEqualTo(-1.0);
        assertThat(o.detail())
                .startsWith("warm-capacity FAIL")
                .contains("warm_instances 3")
                .contains("expected_p50_load 4");
    }

    @Test
    void shouldScaleTheExpectedLoadByTheThreshold() {
        // given a policy asking for 1.5x the expected load of 4
        // when / then 6 warm instances are exactly enough and 5.9 are not
        assertThat(gate.evaluate(input(canary(6, 4)), 1.5).verdict()).isEqualTo(Verdict.PASS);
        assertThat(gate.evaluate(input(canary(5.9, 4)), 1.5).verdict()).isEqualTo(Verdict.FAIL);
        assertThat(gate.evaluate(input(canary(5.9, 4)), 1.5).detail()).contains(" x 1.5");
    }

    @Test
    void shouldBeNoDataWithoutWarmInstances() {
        // given an expected load but no warm_instances sample
        GateOutcome o = gate.evaluate(input(canary(Double.NaN, 4)), 1.0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.NODATA);
        assertThat(o.detail()).contains("warm_instances");
    }

    @Test
    void shouldBeNoDataWithoutExpectedLoad() {
        // given warm instances but no expected load anywhere
        GateOutcome o = gate.evaluate(input(canary(5, Double.NaN)), 1.0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.NODATA);
    }

    @Test
    void shouldUseTheServiceLevelExpectedLoadWhenTheCanaryHasNone() {
        // given expected_p50_load published without a revision
        RevisionEvidence service = new RevisionEvidence();
        service.gauges.expectedLoad(1_000, 8);

        // when
        GateOutcome o = gate.evaluate(input(5, 25.0, canary(5, Double.NaN), service), 1.0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.baselineValue()).isEqualTo(8.0);
    }

    @Test
    void shouldPreferTheCanaryExpectedLoadOverTheServiceLevelOne() {
        // given both a canary and a service-level expected load
        RevisionEvidence service = new RevisionEvidence();
        service.gauges.expectedLoad(1_000, 8);

        // when
        GateOutcome o = gate.evaluate(input(5, 25.0, canary(5, 4), service), 1.0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.baselineValue()).isEqualTo(4.0);
    }

    @Test
    void shouldApplyOnlyBeforeAndDuringHeavySteps() {
        RevisionEvidence c = canary(5, 4);
        // 1 % -> 5 %: not yet
        assertThat(gate.appliesTo(input(1, 5.0, c, new RevisionEvidence()))).isFalse();
        // 5 % -> 25 %: exactly at the heavy share
        assertThat(gate.appliesTo(input(5, 25.0, c, new RevisionEvidence()))).isTrue();
        // 25 % and beyond
        assertThat(gate.appliesTo(input(25, 50.0, c, new RevisionEvidence()))).isTrue();
        assertThat(gate.appliesTo(input(100, null, c, new RevisionEvidence()))).isTrue();
        // a last step below 25 %
        assertThat(gate.appliesTo(input(10, null, c, new RevisionEvidence()))).isFalse();
        // just below the heavy share
        assertThat(gate.appliesTo(input(5, 24.9, c, new RevisionEvidence()))).isFalse();
    }
}
