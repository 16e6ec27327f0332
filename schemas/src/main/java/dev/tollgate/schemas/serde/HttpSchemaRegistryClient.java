package dev.tollgate.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of the Confluent Schema Registry REST API (Confluent, Apicurio's {@code /apis/ccompat/v7},
 * Karapace, Redpanda) on {@link HttpClient} and Jackson.
 *
 * <ul>
 *   <li>Base URLs may carry a path; several comma-separated URLs are tried in order.</li>
 *   <li>HTTPS uses the JVM's default trust store; basic auth comes from {@code basic.auth.user.info} or the
 *       URL's user-info ({@code basic.auth.credentials.source=URL}).</li>
 *   <li>Connection failures, timeouts and HTTP 5xx/408/429 are retried {@code schema.registry.retries} times
 *       (on every URL each round) with a doubling backoff from {@code schema.registry.retry.backoff.ms}, then
 *       end in a {@link SchemaRegistryUnavailableException} naming the URLs and the attempts.</li>
 *   <li>Error answers keep the registry's {@code error_code} and {@code message}: 409 becomes
 *       {@link IncompatibleSchemaException}, an unknown id (404/40403) {@link UnknownSchemaIdException}, any
 *       other {@link SchemaRegistryException}.</li>
 *   <li>Ids are cached both ways (subject and schema to id, id to schema); {@link #getLatest(String)} and
 *       {@link #subjects()} always ask the registry.</li>
 * </ul>
 *
 * <p>The client is thread-safe.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);

    /** Content type of the Confluent Schema Registry API. */
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final String ACCEPT =
            CONTENT_TYPE + ", application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
    private static final long MAX_BACKOFF_MS = 10_000;
    private static final int MAX_ERROR_BODY_CHARS = 500;

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<URI> baseUrls;
    private final String displayUrls;
    private final String authorization;
    private final int retries;
    private final long retryBackoffMs;
    private final Duration requestTimeout;
    private final HttpClient http;

    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /**
     * Creates a client from a serde configuration.
     *
     * @param config the configuration; {@code schema.registry.url} must be http(s)
     */
    public HttpSchemaRegistryClient(SerdeConfig config) {
        List<String> urls = config.requireRegistryUrls();
        if (config.isMock()) {
            throw new IllegalArgumentException("HttpSchemaRegistryClient cannot serve " + urls.get(0)
                    + ": use InMemorySchemaRegistry or SchemaRegistryClients.create");
        }
        List<URI> bases = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        for (String url : urls) {
            URI uri = URI.create(url);
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String authority = uri.getRawAuthority();
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            URI base = URI.create(uri.getScheme() + "://" + authority + path);
            bases.add(base);
            shown.add(base.toString());
        }
        this.baseUrls = List.copyOf(bases);
        this.displayUrls = shown.size() == 1 ? shown.get(0) : shown.toString();
        this.authorization = config.basicAuthUserInfo()
                .map(info -> "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)))
                .orElse(null);
        this.retries = config.retries();
        this.retryBackoffMs = config.retryBackoffMs();
        this.requestTimeout = Duration.ofMillis(config.requestTimeoutMs());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .build();
        LOG.info(
                "Schema registry client for {} (basic auth: {}, retries: {})",
                displayUrls,
                authorization == null ? "no" : "yes",
                retries);
    }

    /**
     * Creates a client from configuration properties.
     *
     * @param props the configuration, see {@link SerdeConfig}
     */
    public HttpSchemaRegistryClient(Map<String, ?> props) {
        this(SerdeConfig.parse(props));
    }

    /**
     * Returns the base URLs requests go to, without user-info.
     *
     * @return the base URLs, in the order they are tried
     */
    public List<URI> baseUrls() {
        return baseUrls;
    }

    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> known = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = known.get(schema);
        if (cached != null) {
            return cached;
        }
        String path = "/subjects/" + encode(subject) + "/versions";
        JsonNode answer = send("POST", path, schemaBody(schema), Operation.REGISTER, subject, -1);
        int id = requireInt(answer, "id", "POST " + path);
        known.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        LOG.info(
                "Registered schema {} under subject {} as id {} at {}", schema.getFullName(), subject, id, displayUrls);
        return id;
    }

    @Override
    public int getId(String subject, Schema schema) {
        Map<Schema, Integer> known = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = known.get(schema);
        if (cached != null) {
            return cached;
        }
        String path = "/subjects/" + encode(subject);
        JsonNode answer = send("POST", path, schemaBody(schema), Operation.LOOKUP, subject, -1);
        int id = requireInt(answer, "id", "POST " + path);
        known.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        String path = "/schemas/ids/" + id;
        JsonNode answer = send("GET", path, null, Operation.GET_BY_ID, null, id);
        Schema schema = parseSchema(answer, "GET " + path);
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced == null ? schema : raced;
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        String path = "/subjects/" + encode(subject) + "/versions/latest";
        JsonNode answer = send("GET", path, null, Operation.LATEST, subject, -1);
        int id = requireInt(answer, "id", "GET " + path);
        int version = requireInt(answer, "version", "GET " + path);
        Schema schema = schemasById.get(id);
        if (schema == null) {
            schema = parseSchema(answer, "GET " + path);
            schemasById.putIfAbsent(id, schema);
        }
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).putIfAbsent(schema, id);
        return new RegisteredSchema(id, version, schema);
    }

    @Override
    public List<String> subjects() {
        JsonNode answer = send("GET", "/subjects", null, Operation.SUBJECTS, null, -1);
        if (!answer.isArray()) {
            throw malformedAnswer("GET /subjects", "expected a JSON array", answer);
        }
        List<String> subjects = new ArrayList<>(answer.size());
        answer.forEach(node -> subjects.add(node.asText()));
        return List.copyOf(subjects);
    }

    /**
     * Describes the client for logs.
     *
     * @return the base URLs, without credentials
     */
    @Override
    public String toString() {
        return "HttpSchemaRegistryClient{" + displayUrls + "}";
    }

    private enum Operation {
        REGISTER,
        LOOKUP,
        GET_BY_ID,
        LATEST,
        SUBJECTS
    }

    private String schemaBody(Schema schema) {
        ObjectNode body = mapper.createObjectNode();
        body.put("schema", schema.toString());
        try {
            return mapper.writeValueAsString(body);
        } catch (IOException e) {
            throw new TollgateSerializationException(
                    "Cannot write the request body for schema " + schema.getFullName(), e);
        }
    }

    /**
     * Sends a request to each base URL in turn, retrying rounds of all URLs on connection failures and
     * retriable statuses, and maps error answers to exceptions.
     */
    private JsonNode send(String method, String path, String body, Operation operation, String subject, int schemaId) {
        String request = method + " " + path;
        int attempts = 0;
        Exception lastError = null;
        for (int round = 0; round <= retries; round++) {
            if (round > 0) {
                long backoff =
                        Math.min(retryBackoffMs << Math.min(round - 1, 20), Math.max(retryBackoffMs, MAX_BACKOFF_MS));
                LOG.warn(
                        "Schema registry request {} failed on {} ({}); retry {} of {} in {} ms",
                        request,
                        displayUrls,
                        describe(lastError),
                        round,
                        retries,
                        backoff);
                sleep(backoff, request);
            }
            for (URI base : baseUrls) {
                attempts++;
                HttpResponse<String> response;
                try {
                    response = http.send(
                            buildRequest(base, method, path, body),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    lastError = e;
                    LOG.debug("Schema registry request {} to {} failed", request, base, e);
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptException(
                            "Interrupted during schema registry request " + request + " to " + base, e);
                }
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return readJson(response.body(), request, base);
                }
                if (status >= 500 || status == 408 || status == 429) {
                    lastError = new IOException("HTTP " + status + ": " + abbreviate(response.body()));
                    continue;
                }
                throw errorAnswer(base, request, status, response.body(), operation, subject, schemaId);
            }
        }
        throw new SchemaRegistryUnavailableException(
                "Schema registry unavailable at " + displayUrls + ": "
                        + request + " failed after " + attempts + " attempts (" + (retries + 1) + " rounds over "
                        + baseUrls.size() + " URL" + (baseUrls.size() == 1 ? "" : "s") + "); last error: "
                        + describe(lastError),
                attempts,
                lastError);
    }

    private HttpRequest buildRequest(URI base, String method, String path, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", ACCEPT);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private RuntimeException errorAnswer(
            URI base, String request, int status, String body, Operation operation, String subject, int schemaId) {
        int errorCode = -1;
        String message = null;
        try {
            JsonNode json = mapper.readTree(body);
            if (json != null && json.isObject()) {
                errorCode = json.path("error_code").asInt(-1);
                message = json.hasNonNull("message") ? json.get("message").asText() : null;
            }
        } catch (IOException e) {
            // not JSON (a proxy's error page): fall through with the raw body
        }
        if (message == null) {
            message = abbreviate(body);
        }
        String where = "Schema registry " + base + " answered HTTP " + status
                + (errorCode >= 0 ? " (error_code " + errorCode + ")" : "") + " to " + request;
        if (status == 409) {
            return new IncompatibleSchemaException(
                    where + (subject == null ? "" : " for subject " + subject) + ": schema refused as incompatible: "
                            + message,
                    errorCode,
                    status,
                    null);
        }
        if (operation == Operation.GET_BY_ID && (status == 404 || errorCode == 40403)) {
            return new UnknownSchemaIdException(
                    schemaId, "Unknown schema id " + schemaId + ": " + where + ": " + message, errorCode, status);
        }
        if (status == 401 || status == 403) {
            return new SchemaRegistryException(
                    where + ": " + message + " (check " + SerdeConfig.BASIC_AUTH_USER_INFO + " / "
                            + SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE + ")",
                    errorCode,
                    status);
        }
        if (operation == Operation.LOOKUP && status == 404) {
            return new SchemaRegistryException(
                    where + ": schema not registered under subject " + subject + " (" + message
                            + "); register it or set " + SerdeConfig.AUTO_REGISTER_SCHEMAS + "=true",
                    errorCode,
                    status);
        }
        return new SchemaRegistryException(
                where + (subject == null ? "" : " for subject " + subject) + ": " + message, errorCode, status);
    }

    private JsonNode readJson(String body, String request, URI base) {
        try {
            JsonNode json = mapper.readTree(body);
            if (json == null || json.isMissingNode()) {
                throw new SchemaRegistryException(
                        "Schema registry " + base + " answered " + request + " with an empty body", -1, 200);
            }
            return json;
        } catch (IOException e) {
            throw new SchemaRegistryException(
                    "Schema registry " + base + " answered " + request + " with a body that is not JSON: "
                            + abbreviate(body),
                    -1,
                    200);
        }
    }

    private Schema parseSchema(JsonNode answer, String request) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw malformedAnswer(request, "schemaType " + type + " is not AVRO", answer);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw malformedAnswer(request, "no \"schema\" string", answer);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(
                    "Schema registry " + displayUrls + " answered " + request + " with a schema Avro cannot parse: "
                            + e.getMessage(),
                    -1,
                    200);
        }
    }

    private int requireInt(JsonNode answer, String field, String request) {
        JsonNode node = answer.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw malformedAnswer(request, "no integer \"" + field + "\"", answer);
        }
        return node.asInt();
    }

    private SchemaRegistryException malformedAnswer(String request, String problem, JsonNode answer) {
        return new SchemaRegistryException(
                "Schema registry " + displayUrls + " answered " + request + " unexpectedly: " + problem + " in "
                        + abbreviate(answer.toString()),
                -1,
                200);
    }

    private static void sleep(long millis, String request) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException("Interrupted while waiting to retry schema registry request " + request, e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String describe(Exception e) {
        if (e == null) {
            return "none";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isEmpty() ? "" : ": " + message);
    }

    private static String abbreviate(String body) {
        if (body == null || body.isEmpty()) {
            return "(empty body)";
        }
        String flat = body.replaceAll("\\s+", " ").trim();
        return flat.length() <= MAX_ERROR_BODY_CHARS ? flat : flat.substring(0, MAX_ERROR_BODY_CHARS) + "...";
    }
}
