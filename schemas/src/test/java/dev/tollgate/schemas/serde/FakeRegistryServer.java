package dev.tollgate.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.avro.Schema;

/**
 * A tiny Confluent-API schema registry on {@link HttpServer} for tests: it records every request and
 * answers either through a given responder or, by default, from an {@link InMemorySchemaRegistry}.
 */
final class FakeRegistryServer implements AutoCloseable {

    /** A request as received. */
    record Request(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** An answer to send. */
    record Response(int status, String body) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final String prefix;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private volatile Function<Request, Response> responder = this::registryApi;

    FakeRegistryServer() throws IOException {
        this("");
    }

    FakeRegistryServer(String prefix) throws IOException {
        this.prefix = prefix;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Request> requests() {
        return requests;
    }

    InMemorySchemaRegistry registry() {
        return registry;
    }

    void respond(Function<Request, Response> responder) {
        this.responder = responder;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    body);
            requests.add(request);
            Response response = responder.apply(request);
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The Confluent API over the in-memory registry. */
    private Response registryApi(Request request) {
        if (!request.path().startsWith(prefix)) {
            return error(404, 404, "HTTP 404 Not Found");
        }
        String path = request.path().substring(prefix.length());
        String[] parts = path.split("/");
        try {
            if (request.method().equals("GET") && path.equals("/subjects")) {
                return ok(MAPPER.writeValueAsString(registry.subjects()));
            }
            if (request.method().equals("GET")
                    && parts.length == 4
                    && parts[1].equals("schemas")
                    && parts[2].equals("ids")) {
                Schema schema = registry.getById(Integer.parseInt(parts[3]));
                return ok(MAPPER.writeValueAsString(Map.of("schema", schema.toString())));
            }
            if (parts.length >= 3 && parts[1].equals("subjects")) {
                String subject = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
                if (request.method().equals("POST") && parts.length == 4 && parts[3].equals("versions")) {
                    int id = registry.register(subject, schemaOf(request));
                    return ok("{\"id\":" + id + "}");
                }
                if (request.method().equals("POST") && parts.length == 3) {
                    Schema schema = schemaOf(request);
                    int id = registry.getId(subject, schema);
                    return ok(MAPPER.writeValueAsString(
                            Map.of("subject", subject, "id", id, "version", 1, "schema", schema.toString())));
                }
                if (request.method().equals("GET") && parts.length == 5 && parts[4].equals("latest")) {
                    RegisteredSchema latest = registry.getLatest(subject);
                    return ok(MAPPER.writeValueAsString(Map.of(
                            "subject",
                            subject,
                            "id",
                            latest.id(),
                            "version",
                            latest.version(),
                            "schema",
                            latest.schema().toString())));
                }
            }
            return error(404, 404, "HTTP 404 Not Found");
        } catch (UnknownSchemaIdException e) {
            return error(404, 40403, "Schema " + parts[3] + " not found");
        } catch (IncompatibleSchemaException e) {
            return error(409, 409, "Schema being registered is incompatible with an earlier schema");
        } catch (SchemaRegistryException e) {
            return error(404, e.errorCode(), e.getMessage());
        } catch (IOException e) {
            return error(500, 50001, e.toString());
        }
    }

    private static Schema schemaOf(Request request) throws IOException {
        JsonNode json = MAPPER.readTree(request.body());
        return new Schema.Parser().parse(json.get("schema").asText());
    }

    static Response ok(String body) {
        return new Response(200, body);
    }

    static Response error(int status, int errorCode, String message) {
        try {
            return new Response(status, MAPPER.writeValueAsString(Map.of("error_code", errorCode, "message", message)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
