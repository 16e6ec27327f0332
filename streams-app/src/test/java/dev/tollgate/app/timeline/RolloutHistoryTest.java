package dev.tollgate.app.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.BatchPolicy;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.schemas.avro.Statistic;
import dev.tollgate.schemas.avro.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutHistoryTest {
    private static final long T0 = 1_767_225_600_000L;

    static GateResult result(String service, String release, int step, String gate, long t, Double lower) {
        return GateResult.newBuilder()
                .setService(service)
                .setReleaseId(release)
                .setStepIndex(step)
                .setTrafficPercent(step == 0 ? 1.0 : 5.0)
                .setGate(gate)
                .setVerdict(Verdict.PASS)
                .setDelta(0.0001)
                .setThreshold(0.0005)
                .setStatistic(Statistic.newBuilder()
                        .setName("rate-diff-cs")
                        .setValue(0.0002)
                        .setLowerBound(lower)
                        .setUpperBound(0.0004)
                        .build())
                .setWindowStart(t - 5_000)
                .setWindowEnd(t)
                .setEvaluatedAt(t)
                .build();
    }

    static GateDecision decision(String service, String release, int step, Action action, long t) {
        return GateDecision.newBuilder()
                .setDecisionId("d-" + step)
                .setService(service)
                .setReleaseId(release)
                .setStepIndex(step)
                .setTrafficPercent(1.0)
                .setAction(action)
                .setFailingGates(action == Action.ROLLBACK ? List.of("error-rate") : List.of())
                .setReasons(List.of("error-rate PASS: delta within 0.05 pp"))
                .setBatchPolicy(BatchPolicy.PAUSE_HEAVY)
                .setDecidedAt(t)
                .build();
    }

    static RevisionMinuteStats minute(String release, String revision, long start, long requests) {
        return RevisionMinuteStats.newBuilder()
                .setService("checkout")
                .setRevision(revision)
                .setReleaseId(release)
                .setWindowStart(start)
                .setWindowEnd(start + 60_000)
                .setRequests(requests)
                .setErrors5xx(1)
                .setP95LatencyMs(80.0)
                .build();
    }

    @Test
    void shouldKeepTheStepsThePerGateSeriesTheDecisionsAndTheMinutesOfARelease() {
        // given
        RolloutHistory history = new RolloutHistory();

        // when
        history.accept(result("checkout", "rel-1", 0, "error-rate", T0 + 10_000, 0.0));
        history.accept(result("checkout", "rel-1", 0, "latency-p95", T0 + 10_000, null));
        history.accept(decision("checkout", "rel-1", 0, Action.PROMOTE, T0 + 30_000));
        history.accept(result("checkout", "rel-1", 1, "error-rate", T0 + 40_000, -0.0001));
        history.accept(minute("rel-1", "rev-2", T0, 120));
        history.accept(minute(null, "rev-2", T0, 7)); // no release: cannot be placed

        // then
        JsonNode rel = history.toJson("checkout").orElseThrow().path("releases").get(0);
        assertThat(rel.path("releaseId").asText()).isEqualTo("rel-1");
        assertThat(rel.path("from").asLong()).isEqualTo(T0);
        assertThat(rel.path("to").asLong()).isEqualTo(T0 + 60_000);
        assertThat(rel.path("steps").toString())
                .isEqualTo("[{\"stepIndex\":0,\"trafficPercent\":1.0,\"from\":" + (T0 + 5_000) + ",\"to\":"
                        + (T0 + 30_000) + "},{\"stepIndex\":1,\"trafficPercent\":5.0,\"from\":" + (T0 + 35_000)
                        + ",\"to\":" + (T0 + 40_000) + "}]");
        assertThat(rel.path("gates").findValuesAsText("gate")).containsExactly("error-rate", "latency-p95");
        JsonNode errorRate = rel.path("gates").get(0);
        assertThat(errorRate.path("threshold").asDouble()).isEqualTo(0.0005);
        assertThat(errorRate.path("points").toString())
                .isEqualTo("[[" + (T0 + 10_000) + ",2.0E-4,0.0,4.0E-4,5.0E-4,\"PASS\",false],[" + (T0 + 40_000)
                        + ",2.0E-4,-1.0E-4,4.0E-4,5.0E-4,\"PASS\",false]]");
        assertThat(rel.path("gates").get(1).path("points").get(0).get(2).isNull())
                .isTrue();
        JsonNode d = rel.path("decisions").get(0);
        assertThat(d.path("action").asText()).isEqualTo("PROMOTE");
        assertThat(d.path("reasons").get(0).asText()).isEqualTo("error-rate PASS: delta within 0.05 pp");
        assertThat(rel.path("minutes").toString())
                .isEqualTo("[{\"revision\":\"rev-2\",\"points\":[[" + T0 + "," + (T0 + 60_000) + ",120,1,80.0]]}]");
        assertThat(history.index().get(0).path("lastAction").asText()).isEqualTo("PROMOTE");
        assertThat(history.index().get(0).path("stepIndex").asInt()).isEqualTo(1);
    }

    @Test
    void shouldThinAFullSeriesToEverySecondPointKeepingItsWholeSpan() {
        // given a history of at most 4 points per series
        RolloutHistory history = new RolloutHistory(new RolloutHistory.Limits(10, 10, 4));

        // when 5 results arrive
        for (int i = 0; i < 5; i++) {
            history.accept(result("checkout", "rel-1", 0, "error-rate", T0 + i * 1_000L, 0.0));
        }

        // then the first, third and the newest are kept
        JsonNode points = history.toJson("checkout")
                .orElseThrow()
                .path("releases")
                .get(0)
                .path("gates")
                .get(0)
                .path("points");
        List<Long> times = new ArrayList<>();
        points.forEach(p -> times.add(p.get(0).asLong()));
        assertThat(times).containsExactly(T0, T0 + 2_000, T0 + 4_000);
    }

    @Test
    void shouldDropTheOldestReleaseAndTheLeastRecentlyUpdatedService() {
        // given at most 2 services and 2 releases each
        RolloutHistory history = new RolloutHistory(new RolloutHistory.Limits(2, 2, 10));

        // when
        history.accept(result("a", "a-1", 0, "error-rate", T0, 0.0));
        history.accept(result("a", "a-2", 0, "error-rate", T0 + 1, 0.0));
        history.accept(result("b", "b-1", 0, "error-rate", T0 + 2, 0.0));
        history.accept(result("a", "a-3", 0, "error-rate", T0 + 3, 0.0));
        history.accept(result("c", "c-1", 0, "error-rate", T0 + 4, 0.0));

        // then b (least recently updated) is gone, and a keeps its two newest releases, newest first
        assertThat(history.services()).containsExactly("a", "c");
        assertThat(history.toJson("a").orElseThrow().path("releases").findValuesAsText("releaseId"))
                .containsExactly("a-3", "a-2");
        assertThat(history.toJson("b")).isEmpty();
    }
}
