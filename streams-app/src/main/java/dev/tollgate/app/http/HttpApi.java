package dev.tollgate.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.app.http.RolloutStatusSource.StatusUnavailableException;
import dev.tollgate.schemas.avro.RolloutStatus;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 *   <tr><td>GET /health/ready</td><td>200 while Kafka Streams is RUNNING, else 503 with the state</td></tr>
 *   <tr><td>GET /api/rollouts</td><td>every service's RolloutStatus (JSON array)</td></tr>
 *   <tr><td>GET /api/rollouts/{service}</td><td>one RolloutStatus; 404 for an unknown service</td></tr>
 *   <tr><td>GET /api/argo/{service}</td><td>Argo Rollouts web metric: {@link StepView} JSON</td></tr>
 *   <tr><td>POST /api/flagger[/{service}]</td><td>Flagger webhook: 200 unless the step fails (412);
 *       with {@code ?require=pass}, 200 only when the step passes</td></tr>
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
    /** Status code of a Flagger check that does not pass. */
    public static final int PRECONDITION_FAILED = 412;

    private static final ObjectMapper MAPPER = new ObjectMapper();

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
        this.statuses = Objects.requireNonNull(statuses, "statuses");
        this.localStatuses = Objects.requireNonNull(localStatuses, "localStatuses");
        this.streamsState = Objects.requireNonNull(streamsState, "streamsState");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
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
        if (seg.size() >= 2
                && seg.size() <= 3
                && seg.get(0).equals("internal")
                && seg.get(1).equals("rollouts")) {
            String service = seg.size() == 3 ? seg.get(2) : null;
            return only("GET", m).orElseGet(() -> internal(service));
        }
        if (seg.size() >= 2 && seg.get(0).equals("api")) {
            String area = seg.get(1);
            if (area.equals("rollouts") && seg.size() == 2) {
                return only("GET", m).orElseGet(this::allRollouts);
            }
            if (area.equals("rollouts") && seg.size() == 3) {
                return only("GET", m).orElseGet(() -> rollout(seg.get(2)));
            }
            if (area.equals("argo") && seg.size() == 3) {
                return only("GET", m).orElseGet(() -> argo(seg.get(2)));
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

    private Response ready() {
        Readiness r = Readiness.of(streamsState.get());
        if (r.ready()) {
            ObjectNode o = MAPPER.createObjectNode();
            o.put("status", "UP");
            o.put("state", r.state());
            return Response.json(200, o);
        }
        ObjectNode o = MAPPER.createObjectNode();
        o.put("error", "Kafka Streams is " + r.state() + ", not RUNNING");
        o.put("status", 503);
        o.put("state", r.state());
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
        return statuses.find(service)
                .map(s -> Response.json(200, AvroJson.toJson(s)))
                .orElseGet(() -> unknown(service));
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

    private Response argo(String service) {
        return statuses.find(service)
                .map(s -> Response.json(200, StepView.of(s).toJson()))
                .orElseGet(() -> unknown(service));
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
        String svc = service;
        Optional<RolloutStatus> status = statuses.find(svc);
        if (status.isEmpty()) {
            return unknown(svc);
        }
        StepView view = StepView.of(status.get());
        boolean ok = requirePass ? view.pass() : view.status() != StepView.Status.FAIL;
        ObjectNode o = view.toJson();
        o.put("flaggerPhase", text(body.path("phase")));
        o.put("message", message(view, ok, requirePass));
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
