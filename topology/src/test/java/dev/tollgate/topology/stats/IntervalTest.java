package dev.tollgate.topology.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IntervalTest {

    @Test
    void shouldAnswerContainmentAndThresholdQuestions() {
        // given
        Interval interval = new Interval(0.5, 0.2, 0.8, 0.05, "test");

        // when / then
        assertThat(interval.contains(0.2)).isTrue();
        assertThat(interval.contains(0.81)).isFalse();
        assertThat(interval.isAbove(0.1)).isTrue();
        assertThat(interval.isAbove(0.2)).isFalse();
        assertThat(interval.isBelow(0.9)).isTrue();
        assertThat(interval.width()).isEqualTo(0.8 - 0.2);
    }

    @Test
    void shouldRejectInvertedBoundsAndInvalidAlpha() {
        assertThatThrownBy(() -> new Interval(0, 1, 0, 0.05, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Interval(0, Double.NaN, 0, 0.05, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Interval(0, 0, 1, 0, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Interval(0, 0, 1, 0.05, null)).isInstanceOf(NullPointerException.class);
    }
}
