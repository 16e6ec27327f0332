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
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.schemas.avro.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
                path.contains("?") ? path.substring(0, path.indexOf('?')) : path,
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
        Response flaggerUnknown = flagger("/api/flagger/payments", "{}");
        assertThat(flaggerUnknown.status())
                .as("not seen yet: pending, no failed check")
                .isEqualTo(200);
        assertThat(json(flaggerUnknown).get("status").asText()).isEqualTo("PENDING");
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
        Response argo = api.handle(Request.of("GET", "/api/argo/checkout?weight=5"));
        assertThat(argo.status())
                .as("Argo keeps polling (Inconclusive), no error")
                .isEqualTo(200);
        assertThat(json(argo).get("status").asText()).isEqualTo("PENDING");
        assertThat(json(argo).get("available").asBoolean()).isFalse();
        Response rolloutHook = flagger("/api/flagger/checkout", "{\"name\":\"checkout\"}");
        Response confirmHook = flagger("/api/flagger/checkout?require=pass", "{\"name\":\"checkout\"}");
        assertThat(rolloutHook.status()).as("not a failed check").isEqualTo(200);
        assertThat(confirmHook.status()).as("no traffic increase").isEqualTo(412);
    }

    @Test
    void shouldServeAStandbyCopyMarkedStaleWhileTheOwnerCannotBeAskedButNoVerdictFromIt() throws Exception {
        // given the owner cannot be asked, and this instance holds a standby copy of the service's status
        source.unavailable = true;
        source.copies.put("checkout", promoted());

        // when
        Response r = api.handle(Request.of("GET", "/api/rollouts/checkout"));

        // then the status is served, marked stale in the body and a header
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers()).containsEntry(HttpApi.STALE_HEADER, "true");
        assertThat(json(r).get("stale").asBoolean()).isTrue();
        assertThat(json(r).get("releaseId").asText()).isEqualTo("rel-1");
        // and the verdict endpoints do not judge from the copy: Argo keeps polling, Flagger does not shift
        Response argo = api.handle(Request.of("GET", "/api/argo/checkout?weight=5"));
        assertThat(json(argo).get("status").asText()).isEqualTo("PENDING");
        assertThat(json(argo).get("available").asBoolean()).isFalse();
        assertThat(flagger("/api/flagger/checkout?require=pass", "{\"name\":\"checkout\"}")
                        .status())
                .isEqualTo(412);
        // and a service without a copy still answers 503, not 404
        assertThat(api.handle(Request.of("GET", "/api/rollouts/search")).status())
                .isEqualTo(503);
        // and the owner's own answer carries no stale mark
        source.unavailable = false;
        source.put(promoted());
        Response fresh = api.handle(Request.of("GET", "/api/rollouts/checkout"));
        assertThat(fresh.headers()).doesNotContainKey(HttpApi.STALE_HEADER);
        assertThat(json(fresh).has("stale")).isFalse();
    }

    private static RolloutStatus at(String release, String state, int step, double weight, GateDecision... ds) {
        long started = STEP_START + step * 100_000L;
        return RolloutStatus.newBuilder(status(state, List.of(result("error-rate", Verdict.PASS)), List.of(ds)))
                .setReleaseId(release)
                .setStepIndex(step)
                .setTrafficPercent(weight)
                .setStepStartedAt(started)
                .setUpdatedAt(started + 6000)
                .build();
    }

    private static GateDecision promote(String release, int step) {
        return GateDecision.newBuilder(decision(Action.PROMOTE, step, STEP_START + step * 100_000L + 6000))
                .setReleaseId(release)
                .build();
    }

    private Response argo(String query) {
        String path = "/api/argo/checkout";
        return api.handle(new Request("GET", path, Request.parseQuery(query), new byte[0]));
    }

    @Test
    void shouldAnswerArgoPendingUntilTollgateHasSeenAndDecidedThePinnedStep() throws Exception {
        // given: Tollgate promoted step 0 (1 %)
        source.put(at("rel-1", "AWAITING_STEP", 0, 1.0, promote("rel-1", 0)));

        // when: Argo has just set the weight to 5 and asks at once, before Tollgate processed the STEP event
        JsonNode shifted = json(argo("weight=5"));
        JsonNode byIndex = json(argo("step=1"));
        JsonNode otherRelease = json(argo("weight=1&release=rel-2"));
        JsonNode same = json(argo("weight=1&release=rel-1"));
        // and: Tollgate sees step 1 but has not decided on it yet
        source.put(at("rel-1", "ACTIVE", 1, 5.0, promote("rel-1", 0)));
        JsonNode seenUndecided = json(argo("weight=5"));
        // and: Tollgate promotes step 1
        source.put(at("rel-1", "AWAITING_STEP", 1, 5.0, promote("rel-1", 0), promote("rel-1", 1)));
        JsonNode decided = json(argo("weight=5"));

        // then: PENDING until the pinned step is seen and decided; never the previous step's PASS
        assertThat(shifted.get("status").asText()).isEqualTo("PENDING");
        assertThat(shifted.get("pass").asBoolean()).isFalse();
        assertThat(shifted.get("reasons").get(0).asText()).contains("weight 5 % not seen yet");
        assertThat(shifted.get("gates").size())
                .as("gates of another step are not shown")
                .isZero();
        assertThat(byIndex.get("status").asText()).isEqualTo("PENDING");
        assertThat(otherRelease.get("status").asText()).isEqualTo("PENDING");
        assertThat(same.get("status").asText()).isEqualTo("PASS");
        assertThat(seenUndecided.get("status").asText()).isEqualTo("PENDING");
        assertThat(decided.get("status").asText()).isEqualTo("PASS");
        assertThat(argo("weight=abc").status()).isEqualTo(400);
    }

    @Test
    void shouldNotLetArgoPassAStepOfANewReleaseOnTheLastReleasesCompletion() throws Exception {
        // given: the last release completed at 100 %
        source.put(at(
                "rel-1",
                "COMPLETE",
                4,
                100.0,
                GateDecision.newBuilder(promote("rel-1", 4))
                        .setAction(Action.COMPLETE)
                        .build()));

        // when: a new release's first analysis (weight 1) asks before Tollgate saw its STARTED
        JsonNode first = json(argo("weight=1&revision=rev-9"));
        Response unknownPinned = api.handle(new Request("GET", "/api/argo/newsvc", Map.of("weight", "1"), null));

        // then
        assertThat(first.get("status").asText()).isEqualTo("PENDING");
        assertThat(unknownPinned.status()).isEqualTo(200);
        assertThat(json(unknownPinned).get("status").asText()).isEqualTo("PENDING");
    }

    @Test
    void shouldConfirmEachFlaggerTrafficIncreaseOnceAndTheZeroPercentCallFirst() throws Exception {
        // given: the previous release is complete; Flagger starts a new canary (checksum c2) and sends no weight
        source.put(at("rel-1", "COMPLETE", 4, 100.0));
        String body = "{\"name\":\"checkout\",\"phase\":\"Progressing\",\"checksum\":\"c2\"}";
        String confirm = "/api/flagger/checkout?require=pass";

        // when/then: the 0 % call lets the first shift happen ...
        Response zero = flagger(confirm, body);
        assertThat(zero.status()).isEqualTo(200);
        assertThat(json(zero).get("message").asText()).startsWith("0 %");
        // ... the next one waits for Tollgate to see the new release, and the old release's verdicts do not count
        assertThat(flagger(confirm, body).status()).isEqualTo(412);
        source.put(at("rel-1", "ROLLED_BACK", 4, 100.0));
        assertThat(flagger("/api/flagger/checkout", body).status())
                .as("the old release's rollback is no failed check of the new canary")
                .isEqualTo(200);
        // ... Tollgate sees step 0 of rel-2: pending until it promotes it
        source.put(at("rel-2", "ACTIVE", 0, 1.0));
        assertThat(flagger(confirm, body).status()).isEqualTo(412);
        source.put(at("rel-2", "AWAITING_STEP", 0, 1.0, promote("rel-2", 0)));
        assertThat(flagger(confirm, body).status()).isEqualTo(200);
        // ... Flagger shifts at once and asks again before Tollgate saw step 1: the same PROMOTE does not count twice
        Response again = flagger(confirm, body);
        assertThat(again.status()).isEqualTo(412);
        assertThat(json(again).get("reasons").get(0).asText()).contains("confirmed already");
        source.put(at("rel-2", "ACTIVE", 1, 5.0, promote("rel-2", 0)));
        assertThat(flagger(confirm, body).status()).isEqualTo(412);
        source.put(at("rel-2", "AWAITING_STEP", 1, 5.0, promote("rel-2", 0), promote("rel-2", 1)));
        assertThat(flagger(confirm, body).status()).isEqualTo(200);
    }

    @Test
    void shouldNotPassAFlaggerStepOnThePreviousPromoteAfterARestartWhenTheRouterIsAhead() throws Exception {
        // given: the router's record (the rollouts topic) and an instance that confirmed the increase from step 0
        Map<String, RolloutEvent> router = new HashMap<>();
        RouterSteps steps = svc -> Optional.ofNullable(router.get(svc));
        HttpApi before = new HttpApi(source, state::get, () -> "").withRouterSteps(steps);
        String body = "{\"name\":\"checkout\",\"phase\":\"Progressing\",\"checksum\":\"c3\"}";
        Request confirm = new Request(
                "POST", "/api/flagger/checkout", Map.of("require", "pass"), body.getBytes(StandardCharsets.UTF_8));
        Request rolloutHook =
                new Request("POST", "/api/flagger/checkout", Map.of(), body.getBytes(StandardCharsets.UTF_8));
        Response zero = before.handle(confirm);
        router.put("checkout", routerAt("rel-2", 0, 1.0));
        source.put(at("rel-2", "AWAITING_STEP", 0, 1.0, promote("rel-2", 0)));
        Response fromStep0 = before.handle(confirm);

        // when: Flagger shifts to 5 % (the router publishes step 1), the instance restarts (its memory is gone)
        // and Flagger asks again before Tollgate processed step 1
        router.put("checkout", routerAt("rel-2", 1, 5.0));
        HttpApi after = new HttpApi(source, state::get, () -> "").withRouterSteps(steps);
        Response stale = after.handle(confirm);
        Response staleRolloutHook = after.handle(rolloutHook);
        source.put(at("rel-2", "ACTIVE", 1, 5.0, promote("rel-2", 0)));
        Response seenNotDecided = after.handle(confirm);
        source.put(at("rel-2", "AWAITING_STEP", 1, 5.0, promote("rel-2", 0), promote("rel-2", 1)));
        Response decided = after.handle(confirm);

        // then: only Tollgate's PROMOTE of step 1 lets the next increase through; the stale window is no failed check
        assertThat(zero.status()).as("0 %: the router has no release under way").isEqualTo(200);
        assertThat(fromStep0.status()).isEqualTo(200);
        assertThat(stale.status()).isEqualTo(412);
        assertThat(json(stale).get("status").asText()).isEqualTo("PENDING");
        assertThat(json(stale).get("reasons").get(0).asText()).contains("router is at 5.0 %");
        assertThat(staleRolloutHook.status()).isEqualTo(200);
        assertThat(seenNotDecided.status()).isEqualTo(412);
        assertThat(decided.status()).isEqualTo(200);
        assertThat(json(decided).get("trafficPercent").asDouble()).isEqualTo(5.0);
    }

    private static RolloutEvent routerAt(String release, int step, double weight) {
        return RolloutEvent.newBuilder()
                .setService("checkout")
                .setReleaseId(release)
                .setTimestamp(STEP_START + step * 100_000L)
                .setBaselineRevision("rev-1")
                .setCanaryRevision("rev-2")
                .setPhase(step == 0 ? RolloutPhase.STARTED : RolloutPhase.STEP)
                .setStepIndex(step)
                .setTrafficPercent(weight)
                .build();
    }

    @Test
    void shouldPinFlaggerLikeArgoWhenMetadataOrQueryNameTheStep() throws Exception {
        // given: step 0 promoted
        source.put(at("rel-1", "AWAITING_STEP", 0, 1.0, promote("rel-1", 0)));

        // when
        Response stale = flagger(
                "/api/flagger/checkout?require=pass", "{\"name\":\"checkout\",\"metadata\":{\"weight\":\"5\"}}");
        Response current = flagger("/api/flagger/checkout?require=pass&weight=1", "{\"name\":\"checkout\"}");
        Response preTraffic = flagger("/api/flagger/checkout?require=pass&weight=0", "{\"name\":\"checkout\"}");

        // then
        assertThat(stale.status()).isEqualTo(412);
        assertThat(json(stale).get("status").asText()).isEqualTo("PENDING");
        assertThat(current.status()).isEqualTo(200);
        assertThat(preTraffic.status()).isEqualTo(200);
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
    void shouldStayReadyWhileRebalancingAndTellProcessingApart() throws Exception {
        // given
        state.set("REBALANCING");

        // when
        Response rebalancing = api.handle(Request.of("GET", "/health/ready"));
        Response rebalancingStreams = api.handle(Request.of("GET", "/health/streams"));
        state.set("RUNNING");
        Response running = api.handle(Request.of("GET", "/health/streams"));
        state.set(null);
        Response notStarted = api.handle(Request.of("GET", "/health/ready"));
        state.set("PENDING_SHUTDOWN");
        Response stopping = api.handle(Request.of("GET", "/health/ready"));

        // then: ready (in the Service) while rebalancing or starting; /health/streams says whether it processes
        assertThat(rebalancing.status()).isEqualTo(200);
        assertThat(json(rebalancing).get("state").asText()).isEqualTo("REBALANCING");
        assertThat(json(rebalancing).get("processing").asBoolean()).isFalse();
        assertThat(rebalancingStreams.status()).isEqualTo(503);
        assertThat(running.status()).isEqualTo(200);
        assertThat(notStarted.status()).isEqualTo(200);
        assertThat(json(notStarted).get("state").asText()).isEqualTo("NOT_STARTED");
        assertThat(stopping.status()).isEqualTo(503);
        assertThat(json(stopping).get("status").asInt()).isEqualTo(503);
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
