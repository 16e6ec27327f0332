package dev.tollgate.app.http;

import static dev.tollgate.app.http.Fixtures.STEP_START;
import static dev.tollgate.app.http.Fixtures.decision;
import static dev.tollgate.app.http.Fixtures.result;
import static dev.tollgate.app.http.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.app.http.HttpApi.Request;
import dev.tollgate.app.http.HttpApi.Response;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.schemas.avro.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpApiTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Fixtures.MapSource source = new Fixtures.MapSource();
    private final AtomicReference<String> state = new AtomicReference<>("RUNNING");
    private final HttpApi api = new HttpApi(source, state::get, () -> "# TYPE tollgate_dlq_total counter\n");

    private static JsonNode json(Response r) throws Exception {
        assertThat(r.contentType()).startsWith("application/json");
        return MAPPER.readTree(r.body());
    }

    private static RolloutStatus promoted() {
        return status(
                "AWAITING_STEP",
                List.of(result("error-rate", Verdict.PASS)),
                List.of(decision(Action.PROMOTE, 0, STEP_START + 6000)));
    }

    private static RolloutStatus rolledBack() {
        return status(
                "ROLLED_BACK",
                List.of(result("error-rate", Verdict.FAIL)),
                List.of(decision(Action.ROLLBACK, 0, STEP_START + 6000, "error-rate")));
    }

    private Response flagger(String path, String body) {
        return api.handle(new Request(
                "POST",
                path,
                Request.parseQuery(path.contains("?") ? path.substring(path.indexOf('?') + 1) : ""),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    private Response flagger(String path, Map<String, String> query, String body) {
        return api.handle(new Request("POST", path, query, body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldAnswer404JsonForUnknownService() throws Exception {
        // given
        source.put(promoted());

        // when
        Response r = api.handle(Request.of("GET", "/api/rollouts/payments"));

        // then
        assertThat(r.status()).isEqualTo(404);
        assertThat(json(r).get("error").asText()).isEqualTo("unknown service: payments");
        assertThat(json(r).get("status").asInt()).isEqualTo(404);
        assertThat(api.handle(Request.of("GET", "/api/argo/payments")).status()).isEqualTo(404);
        assertThat(flagger("/api/flagger/payments", "{}").status()).isEqualTo(404);
    }

    @Test
    void shouldAnswer404JsonForUnknownPath() throws Exception {
        // when
        Response r = api.handle(Request.of("GET", "/api/nothing/here"));

        // then
        assertThat(r.status()).isEqualTo(404);
        assertThat(json(r).get("error").asText()).contains("no such endpoint");
    }

    @Test
    void shouldAnswer405ForWrongMethod() throws Exception {
        // when
        Response r = api.handle(Request.of("POST", "/api/rollouts"));

        // then
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.headers()).containsEntry("Allow", "GET");
        assertThat(json(r).get("status").asInt()).isEqualTo(405);
    }

    @Test
    void shouldServeOneAndAllRollouts() throws Exception {
        // given
        source.put(promoted());
        source.put(RolloutStatus.newBuilder(rolledBack()).setService("search").build());

        // when
        Response one = api.handle(Request.of("GET", "/api/rollouts/checkout"));
        Response all = api.handle(Request.of("GET", "/api/rollouts/"));

        // then
        assertThat(one.status()).isEqualTo(200);
        assertThat(json(one).get("releaseId").asText()).isEqualTo("rel-1");
        assertThat(json(one).get("decisions").get(0).get("action").asText()).isEqualTo("PROMOTE");
        assertThat(json(all).size()).isEqualTo(2);
        assertThat(json(all).get(1).get("service").asText()).isEqualTo("search");
    }

    @Test
    void shouldDecodeServiceNamesInPaths() throws Exception {
        // given
        source.put(RolloutStatus.newBuilder(promoted()).setService("team a/x").build());

        // when
        Response r = api.handle(Request.of("GET", "/api/rollouts/team%20a%2Fx"));

        // then
        assertThat(r.status()).isEqualTo(200);
        assertThat(json(r).get("service").asText()).isEqualTo("team a/x");
    }

    @Test
    void shouldAnswer503WhileTheStoreIsUnavailable() throws Exception {
        // given
        source.unavailable = true;

        // when
        Response r = api.handle(Request.of("GET", "/api/rollouts/checkout"));

        // then
        assertThat(r.status()).isEqualTo(503);
        assertThat(json(r).get("error").asText()).contains("REBALANCING");
        assertThat(api.handle(Request.of("GET", "/api/argo/checkout")).status()).isEqualTo(503);
    }

    @Test
    void shouldMapArgoPassAndFail() throws Exception {
        // given
        source.put(promoted());

        // when
        JsonNode pass = json(api.handle(Request.of("GET", "/api/argo/checkout")));
        source.put(rolledBack());
        JsonNode fail = json(api.handle(Request.of("GET", "/api/argo/checkout")));

        // then
        assertThat(pass.get("pass").asBoolean()).isTrue();
        assertThat(pass.get("status").asText()).isEqualTo("PASS");
        assertThat(pass.get("gates").get("error-rate").asText()).isEqualTo("PASS");
        assertThat(fail.get("pass").asBoolean()).isFalse();
        assertThat(fail.get("status").asText()).isEqualTo("FAIL");
        assertThat(fail.get("failingGates").get(0).asText()).isEqualTo("error-rate");
    }

    @Test
    void shouldAnswerFlagger200WhileTheStepPassesAnd412WhenItFails() throws Exception {
        // given
        source.put(promoted());
        String body = "{\"name\":\"checkout\",\"namespace\":\"prod\",\"phase\":\"Progressing\",\"metadata\":{}}";

        // when
        Response ok = flagger("/api/flagger/checkout", body);
        source.put(rolledBack());
        Response failed = flagger("/api/flagger/checkout", body);

        // then
        assertThat(ok.status()).isEqualTo(200);
        assertThat(json(ok).get("flaggerPhase").asText()).isEqualTo("Progressing");
        assertThat(failed.status()).isEqualTo(412);
        assertThat(json(failed).get("status").asText()).isEqualTo("FAIL");
        assertThat(json(failed).get("message").asText()).contains("error-rate").contains("ROLLBACK");
    }

    @Test
    void shouldLetPendingStepsPassFlaggerRolloutChecksButNotPromotionChecks() {
        // given
        source.put(status("ACTIVE", List.of(result("error-rate", Verdict.INCONCLUSIVE)), List.of()));

        // when
        Response rollout = flagger("/api/flagger/checkout", "{\"name\":\"checkout\"}");
        Response promotion = flagger("/api/flagger/checkout", Map.of("require", "pass"), "{\"name\":\"checkout\"}");

        // then
        assertThat(rollout.status()).isEqualTo(200);
        assertThat(promotion.status()).isEqualTo(412);
    }

    @Test
    void shouldTakeFlaggerServiceFromMetadataThenPathThenName() throws Exception {
        // given
        source.put(promoted());

        // when
        Response byMetadata = flagger("/api/flagger/other", "{\"name\":\"x\",\"metadata\":{\"service\":\"checkout\"}}");
        Response byName = flagger("/api/flagger", "{\"name\":\"checkout\",\"namespace\":\"prod\"}");
        Response none = flagger("/api/flagger", "{\"namespace\":\"prod\"}");
        Response badJson = flagger("/api/flagger/checkout", "{not json");

        // then
        assertThat(byMetadata.status()).isEqualTo(200);
        assertThat(byName.status()).isEqualTo(200);
        assertThat(none.status()).isEqualTo(400);
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(json(badJson).get("error").asText()).contains("not JSON");
    }

    @Test
    void shouldMapReadinessToStreamsState() throws Exception {
        // given
        state.set("REBALANCING");

        // when
        Response notReady = api.handle(Request.of("GET", "/health/ready"));
        state.set("RUNNING");
        Response ready = api.handle(Request.of("GET", "/health/ready"));
        state.set(null);
        Response notStarted = api.handle(Request.of("GET", "/health/ready"));

        // then
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(json(notReady).get("state").asText()).isEqualTo("REBALANCING");
        assertThat(json(notReady).get("status").asInt()).isEqualTo(503);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(notStarted.status()).isEqualTo(503);
        assertThat(json(notStarted).get("state").asText()).isEqualTo("NOT_STARTED");
        assertThat(api.handle(Request.of("GET", "/health/live")).status()).isEqualTo(200);
    }

    @Test
    void shouldServeMetricsAsPrometheusText() {
        // when
        Response r = api.handle(Request.of("GET", "/metrics"));

        // then
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain");
        assertThat(r.text()).contains("tollgate_dlq_total");
    }

    @Test
    void shouldAnswer500JsonWhenASourceBreaks() throws Exception {
        // given
        HttpApi broken = new HttpApi(
                new Fixtures.MapSource() {
                    @Override
                    public java.util.Optional<RolloutStatus> find(String service) {
                        throw new IllegalStateException("boom");
                    }
                },
                state::get,
                () -> "");

        // when
        Response r = broken.handle(Request.of("GET", "/api/rollouts/x"));

        // then
        assertThat(r.status()).isEqualTo(500);
        assertThat(json(r).get("error").asText()).contains("boom");
    }

    @Test
    void shouldServeLocalStatusesToOtherInstancesInTheBinaryEncoding() throws Exception {
        // given
        source.put(promoted());
        Fixtures.MapSource local = new Fixtures.MapSource().put(rolledBack());
        HttpApi withLocal = new HttpApi(source, local, state::get, () -> "");

        // when
        Response one = withLocal.handle(Request.of("GET", "/internal/rollouts/checkout"));
        Response all = withLocal.handle(Request.of("GET", "/internal/rollouts"));
        Response missing = withLocal.handle(Request.of("GET", "/internal/rollouts/nope"));

        // then
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.contentType()).isEqualTo(StatusCodec.CONTENT_TYPE);
        assertThat(StatusCodec.decode(one.body())).isEqualTo(rolledBack());
        assertThat(StatusCodec.decodeList(all.body())).containsExactly(rolledBack());
        assertThat(missing.status()).isEqualTo(404);
    }
}
