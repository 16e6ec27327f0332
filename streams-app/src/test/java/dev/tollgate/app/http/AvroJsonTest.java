package dev.tollgate.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.schemas.avro.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

    @Test
    void shouldRenderNullableFieldsAsPlainValuesNotUnionWrappers() {
        // given
        GateResult r = Fixtures.result("error-rate", Verdict.FAIL);

        // when
        JsonNode json = AvroJson.toJson(r);

        // then
        assertThat(json.get("baselineValue").isDouble()).isTrue();
        assertThat(json.get("baselineValue").asDouble()).isEqualTo(0.001);
        assertThat(json.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(json.get("statistic").get("name").asText()).isEqualTo("threshold");
        assertThat(json.get("statistic").get("lowerBound").isNull()).isTrue();
        assertThat(json.get("baselineSamples").asLong()).isEqualTo(5000L);
    }

    @Test
    void shouldRenderAbsentNullableFieldsAsNull() {
        // given
        GateResult r = Fixtures.result("error-rate", Verdict.NODATA);

        // when
        JsonNode json = AvroJson.toJson(r);

        // then
        assertThat(json.has("canaryValue")).isTrue();
        assertThat(json.get("canaryValue").isNull()).isTrue();
    }

    @Test
    void shouldRenderNestedArraysOfRecordsWithContractFieldNames() {
        // given
        RolloutStatus s = Fixtures.status(
                "ROLLED_BACK",
                List.of(Fixtures.result("error-rate", Verdict.FAIL)),
                List.of(Fixtures.decision(Action.ROLLBACK, 0, Fixtures.STEP_START + 6000, "error-rate")));

        // when
        JsonNode json = AvroJson.toJson(s);

        // then
        assertThat(json.get("phase").asText()).isEqualTo("STARTED");
        assertThat(json.get("latestResults").get(0).get("gate").asText()).isEqualTo("error-rate");
        JsonNode d = json.get("decisions").get(0);
        assertThat(d.get("action").asText()).isEqualTo("ROLLBACK");
        assertThat(d.get("nextTrafficPercent").asDouble()).isEqualTo(0.0);
        assertThat(d.get("failingGates").get(0).asText()).isEqualTo("error-rate");
        assertThat(d.get("batchPolicy").asText()).isEqualTo("PAUSE_HEAVY");
    }

    @Test
    void shouldRenderMapsAsObjectsAndNonFiniteDoublesAsNull() {
        // given
        MetricSample m = MetricSample.newBuilder()
                .setService("s")
                .setTimestamp(1L)
                .setName("queue_age_ms")
                .setValue(Double.NaN)
                .setLabels(Map.of("partition", "3"))
                .build();

        // when
        JsonNode json = AvroJson.toJson(m);

        // then
        assertThat(json.get("labels").get("partition").asText()).isEqualTo("3");
        assertThat(json.get("value").isNull()).isTrue();
        assertThat(json.get("releaseId").isNull()).isTrue();
    }

    @Test
    void shouldRenderNullableArraysOfFloats() {
        // given
        ProbeResult p = ProbeResult.newBuilder()
                .setService("s")
                .setReleaseId("r")
                .setRevision("v")
                .setTimestamp(1L)
                .setProbeSet("k10")
                .setQuestionId("q1")
                .setQuestionEmbedding(List.of(0.5f, 1.0f))
                .setTrajectory(List.of(0.3, 0.2))
                .build();

        // when
        JsonNode json = AvroJson.toJson(p);

        // then
        assertThat(json.get("questionEmbedding").get(1).asDouble()).isEqualTo(1.0);
        assertThat(json.get("retrievedEmbedding").isNull()).isTrue();
        assertThat(json.get("trajectory").size()).isEqualTo(2);
    }
}
