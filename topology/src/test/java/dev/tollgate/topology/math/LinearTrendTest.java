package dev.tollgate.topology.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearTrendTest {

    private static final double T0 = 1.7e9;
    private static final double ALPHA = 0.01;

    private static LinearTrend noisy(long seed, double slope, double noiseSd, int points) {
        Random random = new Random(seed);
        LinearTrend trend = new LinearTrend();
        for (int i = 0; i < points; i++) {
            trend.add(T0 + i, 500.0 + slope * i + noiseSd * random.nextGaussian());
        }
        return trend;
    }

    @Test
    void shouldFitPerfectLineAtEpochSecondTimestampsExactly() {
        // given y = 250 + 3.5 ms/s at epoch-second timestamps
        LinearTrend trend = new LinearTrend();
        for (int i = 0; i < 600; i++) {
            trend.add(T0 + i, 250.0 + 3.5 * i);
        }

        // when / then
        assertThat(trend.count()).isEqualTo(600);
        assertThat(trend.slope()).isCloseTo(3.5, within(1e-9));
        assertThat(trend.slopeStandardError()).isCloseTo(0.0, within(1e-9));
        assertThat(trend.meanTime()).isCloseTo(T0 + 299.5, within(1e-6));
        assertThat(trend.meanValue()).isCloseTo(250.0 + 3.5 * 299.5, within(1e-9));
        assertThat(trend.slopeLowerBound(ALPHA)).isCloseTo(3.5, within(1e-6));
        assertThat(trend.growing(ALPHA, 3.0)).isTrue();
        assertThat(trend.growing(ALPHA, 4.0)).isFalse();
    }

    @Test
    void shouldMatchTwoPassLeastSquares() {
        // given a noisy series at irregular timestamps
        Random random = new Random(7);
        int points = 200;
        double[] t = new double[points];
        double[] y = new double[points];
        LinearTrend trend = new LinearTrend();
        for (int i = 0; i < points; i++) {
            t[i] = T0 + 3.0 * i + random.nextDouble();
            y[i] = 1_000.0 - 2.0 * i + 30.0 * random.nextGaussian();
            trend.add(t[i], y[i]);
        }

        // when: the reference fit, two passes on times relative to T0
        double meanT = Arrays.stream(t).map(v -> v - T0).average().orElseThrow();
        double meanY = Arrays.stream(y).average().orElseThrow();
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < points; i++) {
            sxx += (t[i] - T0 - meanT) * (t[i] - T0 - meanT);
            sxy += (t[i] - T0 - meanT) * (y[i] - meanY);
        }
        double slope = sxy / sxx;
        double ssr = 0;
        for (int i = 0; i < points; i++) {
            double residual = y[i] - meanY - slope * (t[i] - T0 - meanT);
            ssr += residual * residual;
        }
        double se = Math.sqrt(ssr / (points - 2) / sxx);

        // then
        assertThat(trend.slope()).isCloseTo(slope, within(1e-9));
        assertThat(trend.slopeStandardError()).isCloseTo(se, within(1e-9));
        double q = Distributions.studentTQuantile(1 - ALPHA, points - 2);
        assertThat(trend.slopeUpperBound(ALPHA)).isCloseTo(slope + q * se, within(1e-9));
        assertThat(trend.slopeLowerBound(ALPHA)).isCloseTo(slope - q * se, within(1e-9));
    }

    @Test
    void shouldMergeTwoHalvesLikeOnePass() {
        // given one pass and two halves with different time origins
        Random random = new Random(11);
        LinearTrend whole = new LinearTrend();
        LinearTrend first = new LinearTrend();
        LinearTrend second = new LinearTrend();
        for (int i = 0; i < 300; i++) {
            double t = T0 + i;
            double y = 800.0 + 1.5 * i + 40.0 * random.nextGaussian();
            whole.add(t, y);
            (i % 3 == 0 || i > 200 ? second : first).add(t, y);
        }

        // when
        LinearTrend merged = first.copy().merge(second);
        LinearTrend mergedOtherWay = second.copy().merge(first);

        // then
        for (LinearTrend m : new LinearTrend[] {merged, mergedOtherWay}) {
            assertThat(m.count()).isEqualTo(whole.count());
            assertThat(m.slope()).isCloseTo(whole.slope(), within(1e-9));
            assertThat(m.slopeStandardError()).isCloseTo(whole.slopeStandardError(), within(1e-9));
            assertThat(m.meanTime()).isCloseTo(whole.meanTime(), within(1e-6));
            assertThat(m.meanValue()).isCloseTo(whole.meanValue(), within(1e-9));
            assertThat(m.slopeLowerBound(ALPHA)).isCloseTo(whole.slopeLowerBound(ALPHA), within(1e-9));
        }
    }

    @Test
    void shouldMergeWithEmptyTrends() {
        // given
        LinearTrend trend = noisy(3, 1.0, 5.0, 20);
        double slope = trend.slope();

        // when
        LinearTrend intoEmpty = new LinearTrend().merge(trend);
        trend.merge(new LinearTrend());

        // then
        assertThat(intoEmpty.slope()).isEqualTo(slope);
        assertThat(trend.slope()).isEqualTo(slope);
        assertThat(intoEmpty.count()).isEqualTo(20);
    }

    @Test
    void shouldNotFlagNoisyFlatSeriesAsGrowing() {
        // given a flat queue age with 50 ms of noise, one sample per second for two minutes
        LinearTrend trend = noisy(42, 0.0, 50.0, 120);

        // when / then
        assertThat(trend.growing(ALPHA, 0.0)).isFalse();
        assertThat(trend.slopeLowerBound(ALPHA)).isLessThan(0.0);
        assertThat(trend.slopeUpperBound(ALPHA)).isGreaterThan(0.0);
    }

    @Test
    void shouldFlagSteadilyGrowingSeriesAsGrowing() {
        // given a queue age growing 10 ms/s under 50 ms of noise
        LinearTrend trend = noisy(42, 10.0, 50.0, 120);

        // when / then
        assertThat(trend.slope()).isCloseTo(10.0, within(4 * trend.slopeStandardError()));
        assertThat(trend.growing(ALPHA, 1.0)).isTrue();
        assertThat(trend.growing(ALPHA, 20.0)).isFalse();
    }

    @Test
    void shouldHaveNoBoundWithFewerThanThreePoints() {
        // given two points
        LinearTrend trend = new LinearTrend();
        trend.add(T0, 100.0);
        trend.add(T0 + 1, 200.0);

        // when / then
        assertThat(trend.slope()).isCloseTo(100.0, within(1e-9));
        assertThat(trend.slopeStandardError()).isNaN();
        assertThat(trend.slopeLowerBound(ALPHA)).isNaN();
        assertThat(trend.growing(ALPHA, 0.0)).isFalse();
        assertThat(new LinearTrend().slope()).isNaN();
    }

    @Test
    void shouldHaveNoSlopeWhenAllPointsShareOneTime() {
        // given three points at the same second
        LinearTrend trend = new LinearTrend();
        trend.add(T0, 1.0);
        trend.add(T0, 2.0);
        trend.add(T0, 3.0);

        // when / then
        assertThat(trend.slope()).isNaN();
        assertThat(trend.growing(ALPHA, 0.0)).isFalse();
    }

    @Test
    void shouldIgnoreNonFinitePointsAndRejectInvalidAlpha() {
        // given
        LinearTrend trend = noisy(5, 2.0, 1.0, 10);

        // when
        boolean accepted = trend.add(Double.NaN, 1.0) | trend.add(T0, Double.POSITIVE_INFINITY);

        // then
        assertThat(accepted).isFalse();
        assertThat(trend.count()).isEqualTo(10);
        assertThatThrownBy(() -> trend.slopeLowerBound(0.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> trend.slopeUpperBound(1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRoundTripThroughBinaryCodec() throws IOException {
        // given
        LinearTrend trend = noisy(9, 4.0, 20.0, 50);

        // when
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        trend.writeTo(new DataOutputStream(bytes));
        LinearTrend read = LinearTrend.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        LinearTrend fromArray = LinearTrendBytes.fromBytes(LinearTrendBytes.toBytes(trend));

        // then
        assertThat(bytes.toByteArray()).hasSize(57).isEqualTo(LinearTrendBytes.toBytes(trend));
        for (LinearTrend copy : new LinearTrend[] {read, fromArray}) {
            assertThat(copy.count()).isEqualTo(trend.count());
            assertThat(copy.slope()).isEqualTo(trend.slope());
            assertThat(copy.slopeStandardError()).isEqualTo(trend.slopeStandardError());
            assertThat(copy.meanTime()).isEqualTo(trend.meanTime());
            assertThat(copy.meanValue()).isEqualTo(trend.meanValue());
            assertThat(LinearTrendBytes.toBytes(copy)).isEqualTo(LinearTrendBytes.toBytes(trend));
        }
        assertThat(LinearTrendBytes.toBytes(new LinearTrend())).hasSize(9);
        assertThat(LinearTrendBytes.fromBytes(LinearTrendBytes.toBytes(new LinearTrend()))
                        .isEmpty())
                .isTrue();
    }

    @Test
    void shouldRejectCorruptBinaryForm() {
        // given
        byte[] good = LinearTrendBytes.toBytes(noisy(9, 4.0, 20.0, 5));
        byte[] truncated = Arrays.copyOf(good, good.length - 1);
        byte[] badVersion = good.clone();
        badVersion[0] = 9;

        // when / then
        assertThatThrownBy(() -> LinearTrendBytes.fromBytes(truncated)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinearTrendBytes.fromBytes(badVersion)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinearTrendBytes.fromBytes(Arrays.copyOf(good, good.length + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinearTrend.readFrom(new DataInputStream(new ByteArrayInputStream(badVersion))))
                .isInstanceOf(IOException.class);
    }

    @Test
    void shouldCopyIndependently() {
        // given
        LinearTrend trend = noisy(1, 1.0, 1.0, 10);
        LinearTrend copy = trend.copy();

        // when
        copy.add(T0 + 100, 1e6);

        // then
        assertThat(trend.count()).isEqualTo(10);
        assertThat(copy.count()).isEqualTo(11);
        assertThat(copy.slope()).isNotEqualTo(trend.slope());
    }
}
