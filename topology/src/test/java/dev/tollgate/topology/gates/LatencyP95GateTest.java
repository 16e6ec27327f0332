package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of {@link LatencyP95Gate}. The gate is moving from a raw threshold to an anytime-valid
 * confidence sequence, so PASS and FAIL use large samples far from the threshold, where both agree.
 */
class LatencyP95GateTest {
    private final LatencyP95Gate gate = new LatencyP95Gate();

    /** Lognormal latencies around {@code medianMs} (sigma 0.35), fixed seed. */
    private static RevisionEvidence latencies(long seed, int n, double medianMs) {
        SplittableRandom r = new SplittableRandom(seed);
        RevisionEvidence e = new RevisionEvidence();
        for (int i = 0; i < n; i++) {
            double u = 1 - r.nextDouble();
            double g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
            e.traffic.latency.add(medianMs * Math.exp(0.35 * g));
        }
        e.traffic.requests = n;
        return e;
    }

    private static GateInput input(RevisionEvidence baseline, RevisionEvidence canary) {
        return new GateInput(
                GatePolicy.newBuilder().build(), 0, 1, 5.0, false, 0, 60_000, baseline, canary, new RevisionEvidence());
    }

    @Test
    void shouldHaveTheContractIdAndDefaultThreshold() {
        assertThat(gate.id()).isEqualTo("latency-p95");
        assertThat(gate.defaultThreshold()).isEqualTo(0.10);
    }

    @Test
    void shouldBeNoDataWithoutCanaryLatencies() {
        // given baseline latencies only
        GateInput in = input(latencies(1, 10_000, 80), new RevisionEvidence());

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.NODATA);
        assertThat(o.baselineSamples()).isEqualTo(10_000);
        assertThat(o.canarySamples()).isZero();
    }

    @Test
    void shouldBeInconclusiveBelowMinSamples() {
        // given 100 latencies per revision (minSamples 200), same distribution
        GateInput in = input(latencies(1, 100, 80), latencies(2, 100, 80));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.detail()).contains("minSamples 200");
    }

    @Test
    void shouldBeInconclusiveWithoutBaselineLatencies() {
        // given canary latencies only
        GateInput in = input(new RevisionEvidence(), latencies(2, 100_000, 80));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.baselineValue()).isNull();
        assertThat(o.delta()).isNull();
    }

    @Test
    void shouldPassTheSameDistributionOnLargeSamples() {
        // given 100,000 latencies per revision from the same lognormal
        GateInput in = input(latencies(1, 100_000, 80), latencies(2, 100_000, 80));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then p95 of both is about 80 * exp(0.35 * 1.645) = 142.4 ms and the delta is about 0
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.baselineValue()).isCloseTo(142.4, within(3.0));
        assertThat(o.canaryValue()).isCloseTo(142.4, within(3.0));
        assertThat(o.delta()).isCloseTo(0.0, within(0.03));
        assertThat(o.baselineSamples()).isEqualTo(100_000);
        assertThat(o.canarySamples()).isEqualTo(100_000);
    }

    @Test
    void shouldFailACanaryFiftyPercentSlowerOnLargeSamples() {
        // given the canary's latencies are 1.5x the baseline's
        GateInput in = input(latencies(1, 100_000, 80), latencies(2, 100_000, 120));

        // when
        GateOutcome o = gate.evaluate(in, gate.defaultThreshold());

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.delta()).isCloseTo(0.5, within(0.05));
        assertThat(o.detail())
                .startsWith("latency-p95 FAIL")
                .contains("canary p95")
                .contains("baseline");
    }

    @Test
    void shouldPassAFasterCanary() {
        // given the canary is 30 % faster
        GateInput in = input(latencies(1, 100_000, 80), latencies(2, 100_000, 56));

        // when / then
        assertThat(gate.evaluate(in, gate.defaultThreshold()).verdict()).isEqualTo(Verdict.PASS);
    }
}
