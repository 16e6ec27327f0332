package dev.tollgate.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.Verdict;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TollgateMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(100_000L), ZoneOffset.UTC);
    private final TollgateMetrics metrics = new TollgateMetrics(registry, clock);

    private static GateResult result(String gate, Verdict v) {
        return GateResult.newBuilder()
                .setService("s")
                .setReleaseId("r")
                .setStepIndex(0)
                .setTrafficPercent(1)
                .setGate(gate)
                .setVerdict(v)
                .setThreshold(0)
                .setWindowStart(0)
                .setWindowEnd(1)
                .setEvaluatedAt(1)
                .build();
    }

    private static GateDecision decision(Action a, long at) {
        return GateDecision.newBuilder()
                .setDecisionId("d")
                .setService("s")
                .setReleaseId("r")
                .setStepIndex(0)
                .setTrafficPercent(1)
                .setAction(a)
                .setDecidedAt(at)
                .build();
    }

    @Test
    void shouldExposeTollgateMetersInPrometheusText() {
        // given
        metrics.onEvent("RequestLog");
        metrics.onEvent("RequestLog");
        metrics.onEvent("RolloutEvent");
        metrics.onLateEvent("RequestLog", "checkout");
        metrics.onLateMerged("SideEffect", "checkout");
        metrics.onGateResult(result("error-rate", Verdict.FAIL));
        metrics.onDecision(decision(Action.ROLLBACK, 90_000L));
        metrics.onDeadLetter(DlqListener.STAGE_DESERIALIZATION, "tollgate.requests");

        // when
        String text = registry.scrape();

        // then
        assertThat(text)
                .contains("tollgate_events_in_total{type=\"RequestLog\"} 2.0")
                .contains("tollgate_events_in_total{type=\"RolloutEvent\"} 1.0")
                .contains("tollgate_events_late_total{service=\"checkout\",type=\"RequestLog\"} 1.0")
                .contains("tollgate_events_late_merged_total{service=\"checkout\",type=\"SideEffect\"} 1.0")
                .contains("tollgate_gate_verdicts_total{gate=\"error-rate\",verdict=\"FAIL\"} 1.0")
                .contains("tollgate_decisions_total{action=\"ROLLBACK\"} 1.0")
                .contains("tollgate_dlq_total{stage=\"deserialization\"} 1.0")
                .contains("tollgate_dlq_total{stage=\"processing\"} 0.0")
                .contains("tollgate_evaluation_lag_seconds 10.0");
    }

    @Test
    void shouldTrackTheNewestDecisionForLag() {
        // given
        metrics.onDecision(decision(Action.PROMOTE, 95_000L));
        metrics.onDecision(decision(Action.HOLD, 50_000L));

        // when / then
        assertThat(metrics.evaluationLagSeconds()).isEqualTo(5.0);
    }

    @Test
    void shouldReportNaNLagBeforeAnyDecision() {
        assertThat(metrics.evaluationLagSeconds()).isNaN();
    }
}
