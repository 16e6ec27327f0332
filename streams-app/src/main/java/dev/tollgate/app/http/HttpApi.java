package dev.tollgate.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.app.http.RolloutStatusSource.StatusUnavailableException;
import dev.tollgate.app.timeline.RolloutHistory;
import dev.tollgate.app.timeline.TimelinePage;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.RolloutStatus;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tollgate's HTTP API as plain request → response functions, independent of the HTTP server (so every route
 * is testable without sockets or Kafka). Every error is JSON {@code {"error": "...", "status": n}}.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>GET /metrics</td><td>Prometheus text exposition</td></tr>
 *   <tr><td>GET /health/live</td><td>200 while the process serves HTTP</td></tr>
 *   <tr><td>GET /health/ready</td><td>200 while the instance serves the API (Kafka Streams starting, rebalancing
 *       or running), 503 while it shuts down or failed ({@link Readiness})</td></tr>
 *   <tr><td>GET /health/streams</td><td>200 while Kafka Streams is RUNNING, else 503 with the state</td></tr>
 *   <tr><td>GET /api/rollouts</td><td>every service's RolloutStatus (JSON array)</td></tr>
 *   <tr><td>GET /api/rollouts/{service}</td><td>one RolloutStatus; 404 for an unknown service; while the owner
 *       cannot be asked or this instance takes the service over, its standby copy marked stale
 *       ({@link #STALE_HEADER}, {@code "stale": true}) or 503</td></tr>
 *   <tr><td>GET /api/argo/{service}</td><td>Argo Rollouts web metric: {@link StepView} JSON, pinned to the
 *       step the query names ({@link StepPin}); PENDING while the status cannot be read</td></tr>
 *   <tr><td>POST /api/flagger[/{service}]</td><td>Flagger webhook: 200 unless the step fails (412);
 *       with {@code ?require=pass}, 200 only when the step passes</td></tr>
 *   <tr><td>GET /ui/rollouts</td><td>index of the services with a timeline (HTML)</td></tr>
 *   <tr><td>GET /ui/rollouts/{service}</td><td>the service's rollout timeline page (HTML), which polls
 *       {@code /api/timeline/{service}}; its script and style are {@code /ui/assets/timeline.js|css}</td></tr>
 *   <tr><td>GET /api/timeline[/{service}]</td><td>the timeline history ({@link RolloutHistory}) as JSON: an
 *       index, or one service's; 404 for a service without one</td></tr>
 *   <tr><td>GET /internal/rollouts[/{service}]</td><td>this instance's own statuses for other instances
 *       ({@link StatusCodec})</td></tr>
 * </table>
 */
public final class HttpApi {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    /** Content type of JSON responses. */
    public static final String JSON = "application/json; charset=utf-8";
    /** Content type of the Prometheus text exposition format. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /**
     * Header set (to {@code true}) on a status read from this instance's standby copy while the owner could not be
     * asked or was still taking the service over; the body then carries {@code "stale": true}.
     */
    public static final String STALE_HEADER = "X-Tollgate-Stale";
    /** Status code of a Flagger check that does not pass. */
    public static final int PRECONDITION_FAILED = 412;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Release states of a rollout still in progress (the others are done: COMPLETE, ROLLED_BACK, FROZEN, ENDED). */
    private static final Set<String> UNDER_WAY = Set.of("ACTIVE", "AWAITING_STEP", "DRAINING");

    /**
     * An HTTP request.
     *
     * @param method HTTP method, upper case
     * @param path   raw (still percent-encoded) path, e.g. {@code /api/rollouts/checkout}
     * @param query  decoded query parameters (first value of each)
     * @param body   request body, empty when none
     */
    public record Request(String method, String path, Map<String, String> query, byte[] body) {
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            query = Map.copyOf(query);
            body = body == null ? new byte[0] : body;
        }

        /** A request without query or body. */
        public static Request of(String method, String path) {
            return new Request(method, path, Map.of(), new byte[0]);
        }

        /** Parses a raw query string ({@code a=1&b=x%20y}). */
        public static Map<String, String> parseQuery(String rawQuery) {
            Map<String, String> q = new LinkedHashMap<>();
            if (rawQuery == null || rawQuery.isEmpty()) {
                return q;
            }
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                q.putIfAbsent(k, v);
            }
            return q;
        }
    }

    /**
     * An HTTP response.
     *
     * @param status      status code
     * @param contentType content type
     * @param body        body bytes
     * @param headers     extra headers
     */
    public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        public Response {
            headers = Map.copyOf(headers);
        }

        static Response json(int status, JsonNode node) {
            try {
                return new Response(status, JSON, MAPPER.writeValueAsBytes(node), Map.of());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot render JSON", e);
            }
        }

        static Response error(int status, String message) {
            ObjectNode o = MAPPER.createObjectNode();
            o.put("error", message);
            o.put("status", status);
            return json(status, o);
        }

        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final RolloutStatusSource statuses;
    private final RolloutStatusSource localStatuses;
    private final Supplier<String> streamsState;
    private final Supplier<String> metrics;
    private final FlaggerConfirmations confirmations = new FlaggerConfirmations();
    private volatile RouterSteps routerSteps;
    private final RolloutHistory history;

    /**
     * An API whose internal endpoints serve the same source as the public ones (single instance, tests).
     *
     * @param statuses     where rollout status is read from
     * @param streamsState the current Kafka Streams state name (e.g. {@code RUNNING}), for readiness
     * @param metrics      the Prometheus text exposition, for {@code /metrics}
     */
    public HttpApi(RolloutStatusSource statuses, Supplier<String> streamsState, Supplier<String> metrics) {
        this(statuses, statuses, streamsState, metrics);
    }

    /**
     * @param statuses      where the public endpoints read rollout status (may forward to other instances)
     * @param localStatuses what this instance holds itself, served on {@code /internal/rollouts[/{service}]} to
     *                      other instances in {@link StatusCodec}'s encoding
     * @param streamsState  the current Kafka Streams state name (e.g. {@code RUNNING}), for readiness
     * @param metrics       the Prometheus text exposition, for {@code /metrics}
     */
    public HttpApi(
            RolloutStatusSource statuses,
            RolloutStatusSource localStatuses,
            Supplier<String> streamsState,
            Supplier<String> metrics) {
        this(statuses, localStatuses, streamsState, metrics, new RolloutHistory());
    }

    /**
     * @param statuses      where the public endpoints read rollout status (may forward to other instances)
     * @param localStatuses what this instance holds itself, for other instances
     * @param streamsState  the current Kafka Streams state name, for readiness
     * @param metrics       the Prometheus text exposition, for {@code /metrics}
     * @param history       what the timeline pages and {@code /api/timeline} show
     */
    public HttpApi(
            RolloutStatusSource statuses,
            RolloutStatusSource localStatuses,
            Supplier<String> streamsState,
            Supplier<String> metrics,
            RolloutHistory history) {
        this.history = Objects.requireNonNull(history, "history");
        this.statuses = Objects.requireNonNull(statuses, "statuses");
        this.localStatuses = Objects.requireNonNull(localStatuses, "localStatuses");
        this.streamsState = Objects.requireNonNull(streamsState, "streamsState");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Pins Flagger's calls that carry no weight to the step the router last published (see {@link RouterSteps});
     * without it they are pinned only by this instance's in-memory {@link FlaggerConfirmations}.
     *
     * @return this API
     */
    public HttpApi withRouterSteps(RouterSteps steps) {
        this.routerSteps = steps;
        return this;
    }

    /** Answers one request; never throws. */
    public Response handle(Request request) {
        try {
            return route(request);
        } catch (StatusUnavailableException e) {
            return Response.error(503, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("HTTP request failed method=[{}] path=[{}]", request.method(), request.path(), e);
            return Response.error(
                    500,
                    "internal error: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private Response route(Request req) {
        String path = req.path();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        List<String> seg = segments(path);
        String m = req.method();
        if (seg.equals(List.of("metrics"))) {
            return only("GET", m)
                    .orElseGet(() -> new Response(
                            200, PROMETHEUS_TEXT, metrics.get().getBytes(StandardCharsets.UTF_8), Map.of()));
        }
        if (seg.equals(List.of("health", "live"))) {
            return only("GET", m).orElseGet(this::live);
        }
        if (seg.equals(List.of("health", "ready"))) {
            return only("GET", m).orElseGet(this::ready);
        }
        if (seg.equals(List.of("health", "streams"))) {
            return only("GET", m).orElseGet(this::streamsRunning);
        }
        if (seg.size() >= 2
                && seg.size() <= 3
                && seg.get(0).equals("internal")
                && seg.get(1).equals("rollouts")) {
            String service = seg.size() == 3 ? seg.get(2) : null;
            return only("GET", m).orElseGet(() -> internal(service));
        }
        if (!seg.isEmpty() && seg.get(0).equals("ui")) {
            return only("GET", m).orElseGet(() -> ui(seg));
        }
        if (seg.size() >= 2 && seg.get(0).equals("api")) {
            String area = seg.get(1);
            if (area.equals("timeline") && seg.size() <= 3) {
                return only("GET", m).orElseGet(() -> timeline(seg.size() == 3 ? seg.get(2) : null));
            }
            if (area.equals("rollouts") && seg.size() == 2) {
                return only("GET", m).orElseGet(this::allRollouts);
            }
            if (area.equals("rollouts") && seg.size() == 3) {
                return only("GET", m).orElseGet(() -> rollout(seg.get(2)));
            }
            if (area.equals("argo") && seg.size() == 3) {
                return only("GET", m).orElseGet(() -> argo(seg.get(2), req));
            }
            if (area.equals("flagger") && seg.size() <= 3) {
                String pathService = seg.size() == 3 ? seg.get(2) : null;
                return only("POST", m).orElseGet(() -> flagger(pathService, req));
            }
        }
        return Response.error(404, "no such endpoint: " + req.method() + " " + req.path());
    }

    private static Optional<Response> only(String allowed, String method) {
        if (allowed.equals(method)) {
            return Optional.empty();
        }
        Response r = Response.error(405, "method " + method + " not allowed, use " + allowed);
        return Optional.of(new Response(r.status(), r.contentType(), r.body(), Map.of("Allow", allowed)));
    }

    private Response live() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("status", "UP");
        return Response.json(200, o);
    }

    /** Readiness to serve the API: also while Kafka Streams rebalances or restores (queries answer PENDING/503). */
    private Response ready() {
        Readiness r = Readiness.of(streamsState.get());
        ObjectNode o = MAPPER.createObjectNode();
        o.put("state", r.state());
        o.put("processing", r.processing());
        if (r.ready()) {
            o.put("status", "UP");
            return Response.json(200, o);
        }
        o.put("error", "Kafka Streams is " + r.state() + ": this instance is shutting down or failed");
        o.put("status", 503);
        return Response.json(503, o);
    }

    /** Whether Kafka Streams is RUNNING (processing): for people, dashboards and scripts, not for probes. */
    private Response streamsRunning() {
        Readiness r = Readiness.of(streamsState.get());
        ObjectNode o = MAPPER.createObjectNode();
        o.put("state", r.state());
        if (r.processing()) {
            o.put("status", "UP");
            return Response.json(200, o);
        }
        o.put("error", "Kafka Streams is " + r.state() + ", not RUNNING");
        o.put("status", 503);
        return Response.json(503, o);
    }

    private Response allRollouts() {
        ArrayNode a = MAPPER.createArrayNode();
        for (RolloutStatus s : statuses.all()) {
            a.add(AvroJson.toJson(s));
        }
        return Response.json(200, a);
    }

    private Response rollout(String service) {
        return statuses.read(service).map(HttpApi::status).orElseGet(() -> unknown(service));
    }

    /** A status as JSON; a standby's copy says so ({@code "stale": true} and a header), the owner's does not. */
    private static Response status(RolloutStatusSource.Read read) {
        ObjectNode json = AvroJson.toJson(read.status());
        if (!read.stale()) {
            return Response.json(200, json);
        }
        json.put("stale", true);
        Response r = Response.json(200, json);
        return new Response(r.status(), r.contentType(), r.body(), Map.of(STALE_HEADER, "true"));
    }

    private Response ui(List<String> seg) {
        if (seg.size() == 1 || seg.size() == 2 && seg.get(1).equals("rollouts")) {
            return html(TimelinePage.index(history.index(), "/ui/rollouts"));
        }
        if (seg.size() == 3 && seg.get(1).equals("rollouts")) {
            String service = seg.get(2);
            String dataUrl = "/api/timeline/"
                    + URLEncoder.encode(service, StandardCharsets.UTF_8).replace("+", "%20");
            return html(TimelinePage.live(service, dataUrl));
        }
        if (seg.size() == 3 && seg.get(1).equals("assets")) {
            if (seg.get(2).equals("timeline.js")) {
                return new Response(200, "text/javascript; charset=utf-8", utf8(TimelinePage.script()), Map.of());
            }
            if (seg.get(2).equals("timeline.css")) {
                return new Response(200, "text/css; charset=utf-8", utf8(TimelinePage.style()), Map.of());
            }
        }
        return Response.error(404, "no such page: /" + String.join("/", seg));
    }

    private Response timeline(String service) {
        if (service == null) {
            return Response.json(200, history.index());
        }
        return history.toJson(service)
                .map(o -> Response.json(200, o))
                .orElseGet(() -> Response.error(404, "no timeline for service " + service + " yet"));
    }

    private static Response html(String page) {
        // the pages load only their own script, style and data: nothing inline runs, nothing from elsewhere
        return new Response(
                200,
                "text/html; charset=utf-8",
                utf8(page),
                Map.of("Content-Security-Policy", "default-src 'self'; img-src 'self' data:"));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Response internal(String service) {
        if (service == null) {
            return new Response(200, StatusCodec.CONTENT_TYPE, StatusCodec.encodeList(localStatuses.all()), Map.of());
        }
        return localStatuses
                .find(service)
                .map(s -> new Response(200, StatusCodec.CONTENT_TYPE, StatusCodec.encode(s), Map.of()))
                .orElseGet(() -> unknown(service));
    }

    private Response argo(String service, Request req) {
        StepPin pin;
        try {
            pin = StepPin.of(req.query());
        } catch (IllegalArgumentException e) {
            return Response.error(400, e.getMessage());
        }
        Optional<RolloutStatus> status;
        try {
            status = statuses.find(service);
        } catch (StatusUnavailableException e) {
            // an answer Argo can keep polling (Inconclusive), not an error that counts towards consecutiveErrorLimit
            return Response.json(200, unavailableJson(service, e));
        }
        if (status.isEmpty()) {
            if (pin.any()) {
                return Response.json(
                        200,
                        StepView.unavailable(service, "service " + service + " not seen yet")
                                .toJson());
            }
            return unknown(service);
        }
        return Response.json(200, StepView.of(status.get(), pin).toJson());
    }

    private static ObjectNode unavailableJson(String service, StatusUnavailableException e) {
        ObjectNode o = StepView.unavailable(service, e.getMessage()).toJson();
        o.put("available", false);
        return o;
    }

    private Response flagger(String pathService, Request req) {
        JsonNode body = MAPPER.createObjectNode();
        if (req.body().length > 0) {
            try {
                body = MAPPER.readTree(req.body());
            } catch (IOException e) {
                return Response.error(400, "request body is not JSON: " + e.getMessage());
            }
        }
        String service = text(body.path("metadata").path("service"));
        if (service == null) {
            service = pathService;
        }
        if (service == null) {
            service = text(body.path("name"));
        }
        if (service == null) {
            return Response.error(
                    400, "no service: give metadata.service or name in the body, or /api/flagger/{service}");
        }
        boolean requirePass = "pass".equalsIgnoreCase(req.query().getOrDefault("require", ""));
        StepPin pin;
        try {
            pin = StepPin.of(req.query(), textMap(body.path("metadata")));
        } catch (IllegalArgumentException e) {
            return Response.error(400, e.getMessage());
        }
        String svc = service;
        String key = FlaggerConfirmations.key(svc, text(body.path("checksum")));
        Optional<RolloutStatus> status;
        Optional<RolloutEvent> router = null;
        RouterSteps steps = routerSteps;
        try {
            status = statuses.find(svc);
            if (steps != null && !pin.any()) {
                router = steps.latest(svc);
            }
        } catch (StatusUnavailableException e) {
            // not a failed check of the rollout hook (200), and no traffic increase (412) until Tollgate answers
            ObjectNode o = unavailableJson(svc, e);
            o.put("flaggerPhase", text(body.path("phase")));
            o.put("message", "Tollgate cannot read " + svc + " right now; retry");
            return Response.json(requirePass ? PRECONDITION_FAILED : 200, o);
        }
        Judged j = router != null
                ? judgeByRouter(svc, status.orElse(null), router.orElse(null), key, requirePass)
                : judgeFlagger(svc, status.orElse(null), pin, key, requirePass);
        StepView view = j.view();
        boolean ok = j.ok();
        ObjectNode o = view.toJson();
        o.put("flaggerPhase", text(body.path("phase")));
        o.put("message", j.message() != null ? j.message() : message(view, ok, requirePass));
        if (!ok) {
            log.info(
                    "Flagger check not passed service=[{}] releaseId=[{}] step=[{}] status=[{}] failingGates=[{}]",
                    svc,
                    view.releaseId(),
                    view.stepIndex(),
                    view.status(),
                    view.failingGates());
        }
        return Response.json(ok ? 200 : PRECONDITION_FAILED, o);
    }

    private record Judged(StepView view, boolean ok, String message) {}

    /**
     * Flagger's verdict. With a pin (query or metadata {@code weight}/{@code step}/{@code release}/{@code revision})
     * as Argo's; weight 0 is the pre-traffic call, which may shift to the first step unless the pinned release
     * fails. Without one (stock Flagger sends no weight) the {@link FlaggerConfirmations} ledger pins it: one
     * confirmed increase per step, and the first call of a checksum is the 0 % call.
     */
    private Judged judgeFlagger(String svc, RolloutStatus s, StepPin pin, String key, boolean requirePass) {
        String zero = "0 %: no canary traffic to judge yet; the first shift is allowed, every later one waits for "
                + "Tollgate's PROMOTE of the step it shifts from";
        if (pin.any()) {
            if (s == null) {
                StepView v = StepView.unavailable(svc, "service " + svc + " not seen yet");
                return new Judged(
                        v,
                        requirePass && pin.preTraffic() || !requirePass,
                        requirePass && pin.preTraffic() ? zero : null);
            }
            if (requirePass && pin.preTraffic()) {
                StepView v = pin.release() != null || pin.revision() != null
                        ? (pin.sameRelease(s) ? StepView.of(s) : StepView.pending(s, List.of(zero)))
                        : StepView.pending(s, List.of(zero));
                boolean fails = v.status() == StepView.Status.FAIL;
                return new Judged(v, !fails, fails ? null : zero);
            }
            StepView v = StepView.of(s, pin);
            return new Judged(v, requirePass ? v.pass() : v.status() != StepView.Status.FAIL, null);
        }
        FlaggerConfirmations.Entry e = confirmations.get(key);
        if (s == null) {
            StepView v = StepView.unavailable(svc, "service " + svc + " not seen yet");
            if (requirePass && e == null) {
                confirmations.confirmPreTraffic(key, null);
                return new Judged(v, true, zero);
            }
            return new Judged(v, !requirePass, null);
        }
        boolean underWay = UNDER_WAY.contains(s.getState())
                && s.getPhase() != RolloutPhase.COMPLETED
                && s.getPhase() != RolloutPhase.ABORTED;
        if (e == null && requirePass && !underWay) {
            confirmations.confirmPreTraffic(key, s.getReleaseId());
            return new Judged(StepView.pending(s, List.of(zero)), true, zero);
        }
        StepView v;
        if (e != null && e.pre() && s.getReleaseId().equals(e.priorRelease())) {
            v = StepView.pending(s, List.of("waiting for Tollgate to see the first step of the new release"));
        } else if (e != null && requirePass && e.sameStep(s)) {
            v = StepView.pending(
                    s,
                    List.of("the increase from step " + s.getStepIndex() + " was confirmed already; waiting for "
                            + "Tollgate to see the next step"));
        } else {
            v = StepView.of(s);
        }
        boolean ok = requirePass ? v.pass() : v.status() != StepView.Status.FAIL;
        if (requirePass && ok) {
            confirmations.confirmStep(key, s);
        }
        return new Judged(v, ok, null);
    }

    /**
     * Flagger's call without a pin, judged against the router's latest RolloutEvent (durable, shared by every
     * instance) and then this instance's ledger. The router publishes its event when it shifts, before Flagger's
     * next interval, so:
     * <ul>
     *   <li>no release under way at the router (none published, or COMPLETED/ABORTED): Flagger has not shifted
     *       this canary yet; this is its 0 % call, 200 (nothing is exposed at 0 %; the previous release's verdict
     *       neither passes nor fails it);</li>
     *   <li>the router is at a step Tollgate has not processed (release, step index or weight differ): PENDING,
     *       412 for {@code require=pass}: the previous step's PROMOTE does not count, whatever this instance
     *       remembers or forgot;</li>
     *   <li>otherwise the step's verdict, and the ledger still allows one confirmed increase per step (it covers a
     *       router that has not published its shift yet).</li>
     * </ul>
     */
    private Judged judgeByRouter(String svc, RolloutStatus s, RolloutEvent r, String key, boolean requirePass) {
        boolean routerUnderWay =
                r != null && r.getPhase() != RolloutPhase.COMPLETED && r.getPhase() != RolloutPhase.ABORTED;
        if (!routerUnderWay) {
            String zero = "0 %: the router has no release of " + svc + " under way, so no canary traffic to judge "
                    + "yet; the first shift is allowed";
            StepView v = s == null ? StepView.unavailable(svc, zero) : StepView.pending(s, List.of(zero));
            if (requirePass) {
                confirmations.confirmPreTraffic(key, s == null ? null : s.getReleaseId());
            }
            return new Judged(v, true, zero);
        }
        StepPin routerPin = new StepPin(r.getTrafficPercent(), r.getStepIndex(), r.getReleaseId(), null);
        if (s == null) {
            String why = "the router is at step " + r.getStepIndex() + " of " + r.getReleaseId()
                    + "; Tollgate has not seen " + svc + " yet";
            return new Judged(StepView.unavailable(svc, why), !requirePass, null);
        }
        List<String> behind = routerPin.mismatches(s);
        if (!behind.isEmpty()) {
            List<String> reasons = new ArrayList<>();
            reasons.add("the router is at " + r.getTrafficPercent() + " % (step " + r.getStepIndex() + " of "
                    + r.getReleaseId() + "); Tollgate has not processed that step yet");
            reasons.addAll(behind);
            return new Judged(StepView.pending(s, reasons), !requirePass, null);
        }
        FlaggerConfirmations.Entry e = confirmations.get(key);
        StepView v = e != null && requirePass && e.sameStep(s)
                ? StepView.pending(
                        s,
                        List.of("the increase from step " + s.getStepIndex() + " was confirmed already; waiting for "
                                + "Tollgate to see the next step"))
                : StepView.of(s);
        boolean ok = requirePass ? v.pass() : v.status() != StepView.Status.FAIL;
        if (requirePass && ok) {
            confirmations.confirmStep(key, s);
        }
        return new Judged(v, ok, null);
    }

    private static Map<String, String> textMap(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        if (n != null && n.isObject()) {
            n.fields().forEachRemaining(f -> {
                if (f.getValue().isValueNode()) {
                    m.put(f.getKey(), f.getValue().asText());
                }
            });
        }
        return m;
    }

    private static String message(StepView v, boolean ok, boolean requirePass) {
        if (v.status() == StepView.Status.FAIL) {
            return "step " + v.stepIndex() + " of " + v.releaseId() + " fails"
                    + (v.failingGates().isEmpty() ? "" : ": " + String.join(", ", v.failingGates()))
                    + (v.action() == null ? "" : " (Tollgate decided " + v.action() + ")");
        }
        if (v.status() == StepView.Status.PASS) {
            return "step " + v.stepIndex() + " of " + v.releaseId() + " passes";
        }
        return "step " + v.stepIndex() + " of " + v.releaseId() + " is pending"
                + (v.failingGates().isEmpty() ? "" : " (held by " + String.join(", ", v.failingGates()) + ")")
                + (ok ? "" : requirePass ? ": not promoted yet" : "");
    }

    private static Response unknown(String service) {
        return Response.error(404, "unknown service: " + service);
    }

    private static String text(JsonNode n) {
        return n == null || !n.isTextual() || n.asText().isBlank() ? null : n.asText();
    }

    private static List<String> segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.isEmpty()) {
            return List.of();
        }
        String[] raw = p.split("/", -1);
        String[] out = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = decode(raw[i]);
        }
        return List.of(out);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
