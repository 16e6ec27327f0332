package dev.tollgate.topology.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeltaSTest {

    @Test
    void shouldUseGivenDeltaSWhenPresent() {
        // given a published ΔS and orthogonal embeddings
        List<Float> q = List.of(1f, 0f);
        List<Float> r = List.of(0f, 1f);

        // when
        double deltaS = DeltaS.of(0.42, q, r);

        // then
        assertThat(deltaS).isEqualTo(0.42);
        assertThat(DeltaS.of(0.42, null, null)).isEqualTo(0.42);
    }

    @Test
    void shouldComputeFromEmbeddingsWhenGivenIsAbsentOrNotFinite() {
        // given identical embeddings
        List<Float> q = List.of(0.3f, 0.4f, 0.5f);

        // when / then
        assertThat(DeltaS.of(null, q, q)).isCloseTo(0.0, within(1e-12));
        assertThat(DeltaS.of(Double.NaN, q, q)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void shouldBeOneForOrthogonalVectors() {
        // given / when
        double deltaS = DeltaS.of(null, List.of(1f, 0f, 0f), List.of(0f, 2.5f, 0f));

        // then
        assertThat(deltaS).isEqualTo(1.0);
    }

    @Test
    void shouldBeZeroForIdenticalOrParallelVectors() {
        // given / when / then
        assertThat(DeltaS.of(null, List.of(0.1f, -0.7f, 0.2f), List.of(0.1f, -0.7f, 0.2f)))
                .isBetween(0.0, 1e-12);
        assertThat(DeltaS.of(null, List.of(1f, 2f, 3f), List.of(2f, 4f, 6f))).isBetween(0.0, 1e-12);
    }

    @Test
    void shouldBeTwoForOppositeVectors() {
        // given / when
        double deltaS = DeltaS.of(null, List.of(0.3f, -0.4f), List.of(-0.3f, 0.4f));

        // then
        assertThat(deltaS).isBetween(2.0 - 1e-12, 2.0);
    }

    @Test
    void shouldBeOneCosineAwayAtFortyFiveDegrees() {
        // given / when
        double deltaS = DeltaS.of(null, List.of(1f, 0f), List.of(1f, 1f));

        // then
        assertThat(deltaS).isCloseTo(1.0 - Math.sqrt(0.5), within(1e-9));
    }

    @Test
    void shouldBeOneWhenEitherVectorIsZeroMissingOrMismatched() {
        // given
        List<Float> q = List.of(0.3f, 0.4f);

        // when / then
        assertThat(DeltaS.of(null, List.of(0f, 0f), q)).isEqualTo(1.0);
        assertThat(DeltaS.of(null, q, List.of(0f, 0f))).isEqualTo(1.0);
        assertThat(DeltaS.of(null, null, q)).isEqualTo(1.0);
        assertThat(DeltaS.of(null, q, null)).isEqualTo(1.0);
        assertThat(DeltaS.of(null, List.of(), List.of())).isEqualTo(1.0);
        assertThat(DeltaS.of(null, q, List.of(0.3f, 0.4f, 0.5f))).isEqualTo(1.0);
        assertThat(DeltaS.of(null, Arrays.asList(0.3f, null), q)).isEqualTo(1.0);
        assertThat(DeltaS.of(null, List.of(Float.NaN, 0.4f), q)).isEqualTo(1.0);
    }

    @Test
    void shouldComputeArraysLikeLists() {
        // given
        float[] q = {0.12f, -0.5f, 0.33f, 0.9f};
        float[] r = {0.2f, -0.1f, 0.4f, 0.7f};

        // when
        double fromArrays = DeltaS.cosineDistance(q, r);
        double fromLists = DeltaS.of(null, List.of(0.12f, -0.5f, 0.33f, 0.9f), List.of(0.2f, -0.1f, 0.4f, 0.7f));

        // then
        assertThat(fromArrays).isEqualTo(fromLists);
        assertThat(DeltaS.cosineDistance(new float[] {0f}, new float[] {1f})).isEqualTo(1.0);
    }
}
