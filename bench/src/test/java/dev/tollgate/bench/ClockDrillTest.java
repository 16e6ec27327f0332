package dev.tollgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClockDrillTest {
    @Test
    void shouldSumACounterBySeriesAndIgnoreOtherMetricsWithTheSamePrefix() {
        // given a Prometheus exposition with the late counter, its help lines and a longer name sharing its prefix
        String exposition = """
                # HELP tollgate_events_late_total Events dropped
                # TYPE tollgate_events_late_total counter
                tollgate_events_late_total{service="a",type="RequestLog"} 12.0
                tollgate_events_late_total{service="b",type="SideEffect"} 3.0
                tollgate_events_late_merged_total{service="a",type="RequestLog"} 7.0
                tollgate_events_in_total{type="RequestLog"} 100.0
                """;

        // when the late counter is read
        Map<String, Long> late = ClockDrill.sum(exposition, "tollgate_events_late_total");

        // then each series is there once and the merged counter is not counted
        assertThat(late)
                .containsExactly(
                        Map.entry("{service=\"a\",type=\"RequestLog\"}", 12L),
                        Map.entry("{service=\"b\",type=\"SideEffect\"}", 3L));
    }
}
