package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.math.LinearTrend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of {@link QueueAgeGate}: FAIL only when the one-sided (1 − alpha) lower confidence bound of
 * the least-squares slope of queue_age_ms (ms per second) is above the threshold.
 */
class QueueAgeGateTest {
    private static final double T0 = 1_767_000_000.0; // epoch seconds
    private final QueueAgeGate gate = new QueueAgeGate();
    private final SplittableRandom random = new SplittableRandom(42);

    /** {@code n} per-second samples of {@code start + slope * t} plus gaussian noise of sd {@code noise}. */
    private LinearTrend series(int n, double start, double slope, double noise) {
        LinearTrend t = new LinearTrend();
        for (int i = 0; i < n; i++) {
            double u = 1 - random.nextDouble();
            double g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
            t.add(T0 + i, start + slope * i + noise * g);
        }
        return t;
    }

    private static GateInput input(RevisionEvidence service) {
        return new GateInput(
                GatePolicy.newBuilder().build(),
                0,
                1,
                5.0,
                false,
                0,
                60_000,
                new RevisionEvidence(),
                new RevisionEvidence(),
                service);
    }

    private static RevisionEvidence partitions(LinearTrend... trends) {
        RevisionEvidence e = new RevisionEvidence();
        for (int i = 0; i < trends.length; i++) {
            e.queues.age.put(String.valueOf(i), trends[i]);
        }
        return e;
    }

    @Test
    void shouldHaveTheContractIdAndDefaultThreshold() {
        assertThat(gate.id()).isEqualTo("queue-age");
        assertThat(gate.defaultThreshold()).isZero();
        assertThat(gate.remedy()).contains("pause heavy batch");
    }

    @Test
    void shouldBeNoDataWithoutQueueAgeSamples() {
        assertThat(gate.evaluate(input(new RevisionEvidence()), 0).verdict()).isEqualTo(Verdict.NODATA);
    }

    @Test
    void shouldBeInconclusiveBelowTenSamplesEvenWhenRising() {
        // given 9 samples rising 100 ms/s
        GateOutcome o = gate.evaluate(input(partitions(series(QueueAgeGate.MIN_POINTS - 1, 500, 100, 0))), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.canarySamples()).isEqualTo(9);
        assertThat(o.canaryValue()).isNull();
        assertThat(o.detail()).contains("fewer than 10 samples");
    }

    @Test
    void shouldBeInconclusiveWhileOnePartitionHasTooFewSamples() {
        // given a flat partition with 60 samples and another with 5
        GateOutcome o = gate.evaluate(input(partitions(series(60, 500, 0, 20), series(5, 500, 0, 20))), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.canarySamples()).isEqualTo(65);
    }

    @Test
    void shouldPassAFlatNoisyAge() {
        // given a minute of age around 500 ms with 50 ms noise
        GateOutcome o = gate.evaluate(input(partitions(series(60, 500, 0, 50))), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.canaryValue()).isCloseTo(0.0, within(3.0));
        assertThat(o.statistic().getName()).isEqualTo("ols-slope-t-bound");
        assertThat(o.statistic().getLowerBound()).isLessThanOrEqualTo(0.0);
        assertThat(o.statistic().getAlpha()).isEqualTo(0.01);
    }

    @Test
    void shouldPassAShrinkingBacklog() {
        assertThat(gate.evaluate(input(partitions(series(60, 5_000, -20, 50))), 0)
                        .verdict())
                .isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldFailAnAgeRisingTenMsPerSecond() {
        // given a minute of age rising 10 ms/s with 50 ms noise
        GateOutcome o = gate.evaluate(input(partitions(series(60, 500, 10, 50))), 0);

        // then the slope is reported in ms per second
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.canaryValue()).isCloseTo(10.0, within(2.0));
        assertThat(o.statistic().getLowerBound()).isGreaterThan(0.0);
        assertThat(o.statistic().getUpperBound()).isGreaterThan(o.canaryValue());
        assertThat(o.detail()).startsWith("queue-age FAIL: partition 0 slope");
    }

    @Test
    void shouldNameTheGrowingPartition() {
        // given three partitions, the middle one growing
        GateOutcome o = gate.evaluate(
                input(partitions(series(60, 500, 0, 20), series(60, 500, 10, 20), series(60, 500, 0, 20))), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.detail()).contains("partition 1 slope").endsWith("3 partitions");
        assertThat(o.canarySamples()).isEqualTo(180);
    }

    @Test
    void shouldFailAGrowingPartitionEvenWhileAnotherHasTooFewSamples() {
        // when
        GateOutcome o = gate.evaluate(input(partitions(series(60, 500, 10, 20), series(3, 500, 0, 20))), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void shouldPassAConstantAgeExactlyAtTheZeroThreshold() {
        // given a perfectly flat age: slope 0, standard error 0, lower bound exactly 0
        GateOutcome o = gate.evaluate(input(partitions(series(20, 500, 0, 0))), 0);

        // then a lower bound equal to the threshold is not growing
        assertThat(o.statistic().getLowerBound()).isEqualTo(0.0);
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldPassASlopeExactlyAtAPolicyThresholdAndFailAboveIt() {
        // given a noiseless line of exactly 4 ms/s (lower bound == slope == 4)
        LinearTrend exact = series(20, 500, 4, 0);
        assertThat(exact.slope()).isEqualTo(4.0);

        // when / then it passes a tolerance of 4 ms/s and fails one of 3.99
        assertThat(gate.evaluate(input(partitions(exact)), 4).verdict()).isEqualTo(Verdict.PASS);
        assertThat(gate.evaluate(input(partitions(exact)), 3.99).verdict()).isEqualTo(Verdict.FAIL);
    }
}
