package dev.tollgate.topology.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MeanAccumulatorTest {

    @Test
    void shouldComputeMeanAndSampleVariance() {
        // given 2, 4, 4, 4, 5, 5, 7, 9: mean 5, M2 = 32
        MeanAccumulator acc = new MeanAccumulator();
        for (double x : new double[] {2, 4, 4, 4, 5, 5, 7, 9}) {
            acc.add(x);
        }

        // when / then
        assertThat(acc.count()).isEqualTo(8);
        assertThat(acc.mean()).isCloseTo(5.0, within(1e-12));
        assertThat(acc.sum()).isCloseTo(40.0, within(1e-12));
        assertThat(acc.variance()).isCloseTo(32.0 / 7.0, within(1e-12));
        assertThat(acc.standardError()).isCloseTo(Math.sqrt(32.0 / 7.0 / 8.0), within(1e-12));
    }

    @Test
    void shouldMergeLikeOnePass() {
        // given
        Random random = new Random(5);
        MeanAccumulator whole = new MeanAccumulator();
        MeanAccumulator left = new MeanAccumulator();
        MeanAccumulator right = new MeanAccumulator();
        for (int i = 0; i < 500; i++) {
            double x = 0.3 + 0.05 * random.nextGaussian() + (i < 100 ? 0.2 : 0.0);
            whole.add(x);
            (i % 2 == 0 ? left : right).add(x);
        }

        // when
        MeanAccumulator merged = left.copy().merge(right);

        // then
        assertThat(merged.count()).isEqualTo(500);
        assertThat(merged.mean()).isCloseTo(whole.mean(), within(1e-12));
        assertThat(merged.variance()).isCloseTo(whole.variance(), within(1e-12));
        assertThat(new MeanAccumulator().merge(whole).mean()).isEqualTo(whole.mean());
        assertThat(left.count()).isEqualTo(250);
    }

    @Test
    void shouldReportEmptyAndSingleValueStatesAsNaN() {
        // given
        MeanAccumulator empty = new MeanAccumulator();
        MeanAccumulator one = new MeanAccumulator();
        one.add(0.4);

        // when / then
        assertThat(empty.mean()).isNaN();
        assertThat(empty.sum()).isZero();
        assertThat(one.mean()).isEqualTo(0.4);
        assertThat(one.variance()).isNaN();
        assertThat(one.add(Double.NaN)).isFalse();
        assertThat(one.count()).isEqualTo(1);
    }

    @Test
    void shouldRoundTripThroughBinaryCodec() throws IOException {
        // given
        MeanAccumulator acc = new MeanAccumulator();
        acc.add(0.1);
        acc.add(0.25);
        acc.add(0.4);

        // when
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        acc.writeTo(new DataOutputStream(bytes));
        MeanAccumulator read = MeanAccumulator.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        // then
        assertThat(bytes.toByteArray()).hasSize(25).isEqualTo(acc.toBytes());
        assertThat(read.count()).isEqualTo(3);
        assertThat(read.mean()).isEqualTo(acc.mean());
        assertThat(read.variance()).isEqualTo(acc.variance());
        assertThat(MeanAccumulator.fromBytes(acc.toBytes()).toBytes()).isEqualTo(acc.toBytes());
        assertThat(MeanAccumulator.fromBytes(new MeanAccumulator().toBytes()).isEmpty()).isTrue();
        assertThatThrownBy(() -> MeanAccumulator.fromBytes(new byte[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
