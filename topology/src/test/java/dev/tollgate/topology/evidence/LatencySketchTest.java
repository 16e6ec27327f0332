package dev.tollgate.topology.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link LatencySketch}: accuracy against exact quantiles, mergeability, codec, bounded state. */
class LatencySketchTest {
    private static final double[] LEVELS = {0.5, 0.95, 0.99};
    /** The contract's bound on the relative error of the latency quantiles (design.md, issue 3). */
    private static final double CONTRACT_RELATIVE_ERROR = 0.01;

    /** {@code n} lognormal latencies (median {@code medianMs}, sigma {@code sigma}), fixed seed. */
    private static double[] lognormal(long seed, int n, double medianMs, double sigma) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double u = 1 - r.nextDouble();
            double g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
            v[i] = medianMs * Math.exp(sigma * g);
        }
        return v;
    }

    private static LatencySketch sketch(double[] values) {
        LatencySketch s = new LatencySketch();
        for (double v : values) {
            s.add(v);
        }
        return s;
    }

    /** The exact value of the sketch's rank convention: 0-based rank floor(q (n − 1)) of the sorted values. */
    private static double exact(double[] sorted, double q) {
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }

    private static byte[] encode(LatencySketch s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static LatencySketch decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        LatencySketch s = LatencySketch.readFrom(in);
        assertThat(in.available()).as("trailing bytes").isZero();
        return s;
    }

    private static int buckets(LatencySketch s) throws ReflectiveOperationException {
        Field f = LatencySketch.class.getDeclaredField("counts");
        f.setAccessible(true);
        return ((long[]) f.get(s)).length;
    }

    @Test
    void shouldKeepP50P95AndP99WithinOnePercentOfExactOverAMillionLognormalSamples() {
        // given 1,000,000 lognormal latencies (median 80 ms, sigma 0.6) and the exact order statistics
        double[] values = lognormal(20_260_101L, 1_000_000, 80, 0.6);
        LatencySketch s = sketch(values);
        double[] sorted = values.clone();
        Arrays.sort(sorted);

        // when
        double[] errors = new double[LEVELS.length];
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < LEVELS.length; i++) {
            double x = exact(sorted, LEVELS[i]);
            double v = s.quantile(LEVELS[i]);
            errors[i] = Math.abs(v - x) / x;
            report.append(String.format(
                    Locale.ROOT,
                    "p%s exact %.4f sketch %.4f rel.err %.5f%%; ",
                    Math.round(LEVELS[i] * 100),
                    x,
                    v,
                    errors[i] * 100));
        }
        double max = Arrays.stream(errors).max().orElseThrow();
        String message = "LatencySketch over 1,000,000 lognormal samples: " + report
                + String.format(Locale.ROOT, "max relative error %.5f%%", max * 100);
        System.out.println(message);

        // then every quantile is within the contract's 1 %, and within the sketch's own 0.5 % guarantee
        assertThat(s.count()).isEqualTo(1_000_000);
        assertThat(max).as(message).isLessThanOrEqualTo(CONTRACT_RELATIVE_ERROR);
        assertThat(max).as(message).isLessThanOrEqualTo(LatencySketch.RELATIVE_ACCURACY + 1e-12);
    }

    @Test
    void shouldKeepEveryPercentileWithinTheGuaranteeOnAHeavyTail() {
        // given a heavy-tailed sample (sigma 1.5: from a fraction of a ms to seconds)
        double[] values = lognormal(7, 200_000, 50, 1.5);
        LatencySketch s = sketch(values);
        double[] sorted = values.clone();
        Arrays.sort(sorted);

        // when / then every percentile 1..99 and p99.9 stay within 0.5 %
        for (int p = 1; p <= 100; p++) {
            double q = p == 100 ? 0.999 : p / 100.0;
            double x = exact(sorted, q);
            assertThat(Math.abs(s.quantile(q) - x) / x)
                    .as("relative error at q=%s", q)
                    .isLessThanOrEqualTo(LatencySketch.RELATIVE_ACCURACY + 1e-12);
        }
        assertThat(s.quantile(0)).isEqualTo(sorted[0]);
        assertThat(s.quantile(1)).isEqualTo(sorted[sorted.length - 1]);
        assertThat(s.mean()).isCloseTo(Arrays.stream(values).average().orElseThrow(), within(1e-6));
    }

    @Test
    void shouldMergeTwoSketchesIntoTheSketchOfTheUnion() {
        // given two sketches over very different ranges (so the merge grows the window both ways)
        double[] fast = lognormal(1, 50_000, 5, 0.3);
        double[] slow = lognormal(2, 50_000, 2_000, 0.8);
        LatencySketch a = sketch(fast);
        LatencySketch b = sketch(slow);
        double[] union = new double[fast.length + slow.length];
        System.arraycopy(slow, 0, union, 0, slow.length);
        System.arraycopy(fast, 0, union, slow.length, fast.length);
        LatencySketch expected = sketch(union);

        // when
        LatencySketch ab = a.copy();
        ab.merge(b);
        LatencySketch ba = b.copy();
        ba.merge(a);

        // then both merge orders give the sketch of the union: same buckets, counts and quantiles
        for (LatencySketch merged : new LatencySketch[] {ab, ba}) {
            assertThat(merged.count()).isEqualTo(100_000);
            for (double q = 0; q <= 1.0; q += 0.01) {
                assertThat(merged.quantile(q)).as("q=%s", q).isEqualTo(expected.quantile(q));
            }
            assertThat(merged.countAtOrBelow(100)).isEqualTo(expected.countAtOrBelow(100));
            assertThat(merged.mean()).isCloseTo(expected.mean(), within(1e-9 * expected.mean()));
        }
        assertThat(ab.quantile(0))
                .isEqualTo(Math.min(
                        Arrays.stream(fast).min().orElseThrow(),
                        Arrays.stream(slow).min().orElseThrow()));
        // and the inputs are untouched
        assertThat(a.count()).isEqualTo(50_000);
        assertThat(b.count()).isEqualTo(50_000);
    }

    @Test
    void shouldMergeIntoTheSameStateAsAddingWhenSumsAreExact() {
        // given integer-millisecond latencies, whose sums are exact in doubles whatever the order
        double[] x = new double[20_000];
        double[] y = new double[20_000];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = 1 + r.nextInt(500);
            y[i] = 100 + r.nextInt(50_000);
        }
        double[] union = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, union, x.length, y.length);

        // when
        LatencySketch merged = sketch(x);
        merged.merge(sketch(y));

        // then the merged sketch equals the sketch of the union, also in its encoding
        assertThat(merged).isEqualTo(sketch(union));
        assertThat(merged.hashCode()).isEqualTo(sketch(union).hashCode());
    }

    @Test
    void shouldMergeEmptySketches() {
        // given
        LatencySketch s = sketch(new double[] {10, 20, 30});
        LatencySketch empty = new LatencySketch();

        // when
        s.merge(new LatencySketch());
        empty.merge(s);

        // then
        assertThat(s.count()).isEqualTo(3);
        assertThat(empty).isEqualTo(s);
        assertThat(empty.quantile(0.5)).isEqualTo(s.quantile(0.5));
        assertThat(new LatencySketch().quantile(0.95)).isNaN();
        assertThat(new LatencySketch().mean()).isNaN();
    }

    @Test
    void shouldRoundTripThroughTheCompactCodec() throws IOException {
        // given a sketch with zero, negative and NaN values and a wide range
        LatencySketch s = sketch(lognormal(5, 100_000, 80, 1.0));
        s.add(0);
        s.add(-3);
        s.add(Double.NaN);
        s.add(LatencySketch.MIN_VALUE / 2);

        // when
        byte[] bytes = encode(s);
        LatencySketch back = decode(bytes);

        // then
        assertThat(back).isEqualTo(s);
        assertThat(back.count()).isEqualTo(s.count());
        assertThat(back.mean()).isEqualTo(s.mean());
        for (double q : new double[] {0, 1e-5, 0.01, 0.5, 0.95, 0.99, 0.999, 1}) {
            assertThat(back.quantile(q)).as("q=%s", q).isEqualTo(s.quantile(q));
        }
        assertThat(encode(back)).isEqualTo(bytes);
        // compact: var-long counts over the occupied buckets only, far below 8 bytes per bucket
        assertThat(bytes.length).isLessThan(8 * 1_000);
    }

    @Test
    void shouldRoundTripAnEmptySketchInOneByte() throws IOException {
        // when
        byte[] bytes = encode(new LatencySketch());

        // then
        assertThat(bytes).hasSize(1);
        assertThat(decode(bytes)).isEqualTo(new LatencySketch());
        assertThat(decode(bytes).count()).isZero();
    }

    @Test
    void shouldCountZeroNegativeAndNaNValuesInTheZeroBucket() {
        // given
        LatencySketch s = sketch(new double[] {0, -1, Double.NaN, 1e-4, 10, 20});

        // then
        assertThat(s.count()).isEqualTo(6);
        assertThat(s.quantile(0)).isEqualTo(0.0);
        assertThat(s.quantile(0.5)).isEqualTo(0.0); // rank floor(0.5 * 5) = 2: a zero-bucket value
        assertThat(s.countAtOrBelow(LatencySketch.MIN_VALUE)).isEqualTo(4);
        assertThat(s.quantile(1)).isEqualTo(20.0);
    }

    @Test
    void shouldKeepTheBucketCountBoundedForExtremeRanges() throws ReflectiveOperationException {
        // given values spread geometrically over 22 orders of magnitude (about 5,000 buckets at 0.5 %)
        LatencySketch s = new LatencySketch();
        double[] values = new double[200_000];
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.pow(10, -2 + 22 * r.nextDouble());
            s.add(values[i]);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);

        // when / then the bucket window never exceeds MAX_BUCKETS
        assertThat(buckets(s)).isLessThanOrEqualTo(LatencySketch.MAX_BUCKETS);
        assertThat(s.count()).isEqualTo(values.length);
        // and the lowest buckets collapsed, so the high quantiles stay within the guarantee
        for (double q : new double[] {0.5, 0.95, 0.99, 0.999}) {
            double x = exact(sorted, q);
            assertThat(Math.abs(s.quantile(q) - x) / x)
                    .as("q=%s", q)
                    .isLessThanOrEqualTo(LatencySketch.RELATIVE_ACCURACY + 1e-12);
        }
        assertThat(s.quantile(1)).isEqualTo(sorted[sorted.length - 1]);
    }

    @Test
    void shouldKeepTheBucketCountBoundedWhenExtremesArriveInBothOrders() throws ReflectiveOperationException {
        // given the largest values first, then ever smaller ones, and the reverse
        LatencySketch down = new LatencySketch();
        LatencySketch up = new LatencySketch();
        for (int e = 30; e >= -3; e--) {
            down.add(Math.pow(10, e));
        }
        for (int e = -3; e <= 30; e++) {
            up.add(Math.pow(10, e));
        }

        // when merged with each other and with a sketch on the other side of the range
        LatencySketch both = down.copy();
        both.merge(up);

        // then
        assertThat(buckets(down)).isLessThanOrEqualTo(LatencySketch.MAX_BUCKETS);
        assertThat(buckets(up)).isLessThanOrEqualTo(LatencySketch.MAX_BUCKETS);
        assertThat(buckets(both)).isLessThanOrEqualTo(LatencySketch.MAX_BUCKETS);
        assertThat(both.count()).isEqualTo(68);
        assertThat(both.quantile(1)).isEqualTo(1e30);
        // rank floor(0.99 * 33) = 32 of 0..33: the second largest value, 1e29
        assertThat(Math.abs(up.quantile(0.99) - 1e29) / 1e29).isLessThanOrEqualTo(LatencySketch.RELATIVE_ACCURACY);
        assertThat(Math.abs(down.quantile(0.99) - 1e29) / 1e29).isLessThanOrEqualTo(LatencySketch.RELATIVE_ACCURACY);
    }
}
