package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Statistic;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.LatencySketch;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.stats.Interval;
import dev.tollgate.topology.stats.QuantileConfidenceSequence;
import dev.tollgate.topology.stats.QuantileRatio;
import dev.tollgate.topology.stats.RankedSample;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Statistical behaviour of {@link LatencyP95Gate}: an anytime-valid confidence sequence on p95c / p95b. */
class LatencyP95StatisticsTest {
    private static final double THRESHOLD = 0.10;
    private static final double SIGMA = 0.5;
    private final LatencyP95Gate gate = new LatencyP95Gate();

    /** An exact sample with the RankedSample rank convention (order statistic of rank 1 + floor(level (n − 1))). */
    private record Exact(double[] sorted) implements RankedSample {
        static Exact of(double[] values) {
            double[] copy = values.clone();
            Arrays.sort(copy);
            return new Exact(copy);
        }

        @Override
        public long count() {
            return sorted.length;
        }

        @Override
        public double quantile(double level) {
            int i = (int) Math.floor(level * (sorted.length - 1));
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }

        @Override
        public double relativeAccuracy() {
            return 0;
        }
    }

    private static double[] lognormal(SplittableRandom r, int n, double medianMs) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = medianMs * Math.exp(SIGMA * r.nextGaussian());
        }
        return v;
    }

    private static RevisionEvidence evidence(double... latencies) {
        RevisionEvidence e = new RevisionEvidence();
        for (double x : latencies) {
            e.traffic.latency.add(x);
        }
        e.traffic.requests = latencies.length;
        return e;
    }

    /** At the 25 % step, where a PASS above the threshold needs its resolution target reached (the upper bound). */
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
    void shouldNotFailOnTwoSlowRequestsAmongTwentyCanaryRequests() {
        // given a 1 % canary: 20 canary latencies of which 2 are very slow, against 2,000 baseline latencies
        SplittableRandom r = new SplittableRandom(1);
        double[] canary = lognormal(r, 20, 80);
        canary[0] = 2_000;
        canary[1] = 3_000;
        GateOutcome o = gate.evaluate(input(evidence(lognormal(r, 2_000, 80)), evidence(canary)), THRESHOLD);

        // then the raw p95 ratio is far above 1.10 but the sequence cannot exclude 1.10 from 20 samples
        assertThat(o.delta()).isGreaterThan(1.0);
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.statistic().getLowerBound()).isLessThanOrEqualTo(THRESHOLD);
        assertThat(o.statistic().getUpperBound()).isNull(); // +inf: no order statistic above p95 yet
        assertThat(o.detail())
                .startsWith("latency-p95 INCONCLUSIVE: canary p95")
                .contains("below minSamples 200")
                .contains("+inf]");
    }

    @Test
    void shouldFailTwentyFivePercentSlowerWithThousandsOfSamples() {
        // given the canary's latencies are 1.25x the baseline's, 5,000 vs 100,000 samples
        SplittableRandom r = new SplittableRandom(2);
        GateOutcome o = gate.evaluate(
                input(evidence(lognormal(r, 100_000, 80)), evidence(lognormal(r, 5_000, 100))), THRESHOLD);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.delta()).isCloseTo(0.25, within(0.06));
        assertThat(o.statistic().getLowerBound()).isGreaterThan(THRESHOLD);
        assertThat(o.detail())
                .startsWith("latency-p95 FAIL: canary p95")
                .contains("vs baseline")
                .contains("> threshold +10.0%")
                .contains("quantile-ratio-cs")
                .contains("sketch error 0.5%");
    }

    @Test
    void shouldBeInconclusiveAboveTheThresholdWithoutConfidence() {
        // given 15 % slower on 300 samples: above the threshold but not confidently
        SplittableRandom r = new SplittableRandom(3);
        GateOutcome o =
                gate.evaluate(input(evidence(lognormal(r, 100_000, 80)), evidence(lognormal(r, 300, 92))), THRESHOLD);

        // then
        assertThat(o.delta()).isGreaterThan(THRESHOLD);
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.detail()).contains("is not above it yet");
    }

    @Test
    void shouldPassTheSameDistributionAtMinSamples() {
        // given 200 samples per revision from nearly the same values
        SplittableRandom r = new SplittableRandom(4);
        double[] base = lognormal(r, 200, 80);
        double[] canary = base.clone();
        for (int i = 0; i < canary.length; i++) {
            canary[i] *= 1.01;
        }
        GateOutcome o = gate.evaluate(input(evidence(base), evidence(canary)), THRESHOLD);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.delta()).isCloseTo(0.01, within(0.015));
    }

    @Test
    void shouldBeNoDataWithoutCanaryAndInconclusiveWithoutABaselineOrBelowMinSamples() {
        SplittableRandom r = new SplittableRandom(5);
        assertThat(gate.evaluate(input(evidence(lognormal(r, 100, 80)), evidence()), THRESHOLD)
                        .verdict())
                .isEqualTo(Verdict.NODATA);
        GateOutcome noBaseline = gate.evaluate(input(evidence(), evidence(lognormal(r, 10_000, 80))), THRESHOLD);
        assertThat(noBaseline.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(noBaseline.delta()).isNull();
        GateOutcome zeroBaseline =
                gate.evaluate(input(evidence(new double[500]), evidence(lognormal(r, 500, 80))), THRESHOLD);
        assertThat(zeroBaseline.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(zeroBaseline.detail()).contains("zero p95");
        GateOutcome few =
                gate.evaluate(input(evidence(lognormal(r, 10_000, 80)), evidence(lognormal(r, 199, 80))), THRESHOLD);
        assertThat(few.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(few.detail()).contains("below minSamples 200");
    }

    @Test
    void shouldFollowTheRatioBoundForEveryCanaryScale() {
        // given 3,000 canary latencies scaled by 1.00 .. 1.60 against 60,000 baseline latencies
        SplittableRandom r = new SplittableRandom(6);
        RevisionEvidence baseline = evidence(lognormal(r, 60_000, 80));
        double[] unit = lognormal(r, 3_000, 80);
        boolean sawPass = false;
        boolean sawInconclusive = false;
        boolean sawFail = false;
        for (int step = 0; step <= 60; step++) {
            double scale = 1 + step / 100.0;
            double[] c = unit.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] *= scale;
            }
            RevisionEvidence canary = evidence(c);
            GateOutcome o = gate.evaluate(input(baseline, canary), THRESHOLD);
            Interval ratio = QuantileRatio.bounds(canary.traffic.latency, baseline.traffic.latency, 0.95, 0.01);
            double rel = canary.traffic.latency.quantile(0.95) / baseline.traffic.latency.quantile(0.95) - 1;
            // then FAIL iff the lower ratio bound is above 1.10, else PASS iff the estimate is within 10 % or the upper
            // bound within +25 % (the resolution target at 25 %)
            Verdict expected = ratio.lower() > 1 + THRESHOLD
                    ? Verdict.FAIL
                    : rel <= THRESHOLD + 1e-12 || ratio.upper() - 1 <= 2.5 * THRESHOLD
                            ? Verdict.PASS
                            : Verdict.INCONCLUSIVE;
            assertThat(o.verdict()).as("scale %s", scale).isEqualTo(expected);
            assertThat(o.delta()).isCloseTo(rel, within(1e-12));
            sawPass |= expected == Verdict.PASS;
            sawInconclusive |= expected == Verdict.INCONCLUSIVE;
            sawFail |= expected == Verdict.FAIL;
        }
        // and the sweep crosses all three regions
        assertThat(sawPass && sawInconclusive && sawFail).isTrue();
    }

    @Test
    void shouldCarryTheRatioSequenceAsARelativeDeltaInTheStatistic() {
        SplittableRandom r = new SplittableRandom(7);
        RevisionEvidence baseline = evidence(lognormal(r, 50_000, 80));
        RevisionEvidence canary = evidence(lognormal(r, 5_000, 84));

        // when
        GateOutcome o = gate.evaluate(input(baseline, canary), THRESHOLD);

        // then value and bounds are ratio − 1, on the same scale as delta and threshold
        Interval ratio = QuantileRatio.bounds(canary.traffic.latency, baseline.traffic.latency, 0.95, 0.01);
        Statistic st = o.statistic();
        assertThat(st.getName()).isEqualTo(QuantileRatio.METHOD);
        assertThat(st.getValue()).isCloseTo(o.delta(), within(1e-12));
        assertThat(st.getLowerBound()).isCloseTo(ratio.lower() - 1, within(1e-12));
        assertThat(st.getUpperBound()).isCloseTo(ratio.upper() - 1, within(1e-12));
        assertThat(st.getAlpha()).isEqualTo(0.01);
        assertThat(st.getLowerBound()).isLessThan(st.getValue());
        assertThat(st.getUpperBound()).isGreaterThan(st.getValue());
    }

    @Test
    void shouldBoundTheExactQuantileDespiteTheSketchError() {
        // given latencies kept both exactly and in the 0.5 %-relative-error sketch the gate reads
        SplittableRandom r = new SplittableRandom(8);
        for (int n : new int[] {1, 5, 20, 57, 200, 1_000, 4_321, 20_000}) {
            double[] values = lognormal(r, n, 80);
            LatencySketch sketch = new LatencySketch();
            for (double v : values) {
                sketch.add(v);
            }
            Exact exact = Exact.of(values);

            // when the quantile sequence is read from the sketch and from the exact order statistics
            Interval fromSketch = QuantileConfidenceSequence.bounds(sketch, 0.95, 0.005);
            Interval fromExact = QuantileConfidenceSequence.bounds(exact, 0.95, 0.005);

            // then the sketch's interval contains the exact one (the widening by 1/(1 ± r) covers the sketch error)
            assertThat(fromSketch.lower()).as("lower, n = %d", n).isLessThanOrEqualTo(fromExact.lower());
            assertThat(fromSketch.upper()).as("upper, n = %d", n).isGreaterThanOrEqualTo(fromExact.upper());
            // and it is wider by no more than the sketch's error on each side (2r + rounding)
            double r2 = 2.02 * LatencySketch.RELATIVE_ACCURACY;
            assertThat(fromSketch.lower()).isGreaterThanOrEqualTo(fromExact.lower() * (1 - r2));
            if (Double.isFinite(fromExact.upper())) {
                assertThat(fromSketch.upper()).isLessThanOrEqualTo(fromExact.upper() * (1 + r2));
            }
        }
    }

    @Test
    void shouldRarelyFailAnAaCanaryAndAlwaysCatchTwentyFivePercentEvaluatedEverySecond() {
        // given 40 streams per case of a 1 % canary at 2,000 requests/s, lognormal latencies, judged every second
        SplittableRandom random = new SplittableRandom(0x1a7e_9c95L);
        int aaFailed = 0;
        int regressionCaught = 0;
        int streams = 40;
        for (int i = 0; i < 2 * streams; i++) {
            boolean regression = i >= streams;
            RevisionEvidence b = new RevisionEvidence();
            RevisionEvidence c = new RevisionEvidence();
            boolean failed = false;
            for (int tick = 0; tick < 300 && !failed; tick++) {
                for (int k = 0; k < 2_000; k++) {
                    boolean canary = random.nextDouble() < 0.01;
                    RevisionEvidence e = canary ? c : b;
                    e.traffic.requests++;
                    e.traffic.latency.add((canary && regression ? 100 : 80) * Math.exp(SIGMA * random.nextGaussian()));
                }
                failed = gate.evaluate(input(b, c), THRESHOLD).verdict() == Verdict.FAIL;
            }
            if (regression) {
                regressionCaught += failed ? 1 : 0;
            } else {
                aaFailed += failed ? 1 : 0;
            }
        }
        // then no A/A stream fails and every +25 % stream fails within 5 minutes (6,000 canary requests)
        assertThat(aaFailed).isZero();
        assertThat(regressionCaught).isEqualTo(streams);
    }
}
