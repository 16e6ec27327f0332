package dev.tollgate.app.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link HttpApi} on the JDK's built-in HTTP(S) server (no extra dependencies). Request bodies are
 * limited to {@value #MAX_BODY_BYTES} bytes. Optionally serves TLS ({@link HttpsServer}) and requires a bearer
 * token on every path except {@code /health/live} and {@code /health/ready} ({@link BearerTokenFilter}).
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    /** Largest request body accepted (Flagger webhook payloads are small). */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private final HttpServer server;
    private final ExecutorService executor;

    private ApiServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts a plain HTTP server without authentication.
     *
     * @param api     what answers the requests
     * @param host    address to bind, e.g. {@code 0.0.0.0}
     * @param port    port to bind; 0 picks a free one (see {@link #port()})
     * @param threads worker threads
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static ApiServer start(HttpApi api, String host, int port, int threads) {
        return start(api, host, port, threads, Security.NONE);
    }

    /**
     * Binds and starts a server: HTTPS when {@code security} has a TLS context, and requiring its bearer
     * token on every path but the health endpoints when it has one.
     *
     * @param api      what answers the requests
     * @param host     address to bind, e.g. {@code 0.0.0.0}
     * @param port     port to bind; 0 picks a free one (see {@link #port()})
     * @param threads  worker threads
     * @param security bearer token and TLS, each optional
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static ApiServer start(HttpApi api, String host, int port, int threads, Security security) {
        HttpServer server;
        try {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (security.tls() != null) {
                HttpsServer https = HttpsServer.create(address, 64);
                https.setHttpsConfigurator(new HttpsConfigurator(security.tls()));
                server = https;
            } else {
                server = HttpServer.create(address, 64);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind HTTP API to " + host + ":" + port + ": " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tollgate-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        HttpContext context = server.createContext("/", exchange -> serve(api, exchange));
        if (security.token() != null) {
            context.getFilters().add(new BearerTokenFilter(security.token()));
        }
        server.start();
        log.info(
                "HTTP API listening host=[{}] port=[{}] tls=[{}] bearerToken=[{}]",
                host,
                server.getAddress().getPort(),
                security.tls() != null,
                security.token() != null ? "required" : "off");
        return new ApiServer(server, executor);
    }

    /**
     * Transport security of the API.
     *
     * @param token bearer token required on every path but the health endpoints, or null for none
     * @param tls   TLS context to serve HTTPS with, or null for plain HTTP
     */
    public record Security(String token, SSLContext tls) {
        /** Plain HTTP, no authentication. */
        public static final Security NONE = new Security(null, null);

        @Override
        public String toString() {
            return "Security[token=" + (token == null ? "none" : "[hidden]") + ", tls=" + (tls != null) + "]";
        }
    }

    /** The bound port (useful when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Sends an API response on an exchange (also used by {@link BearerTokenFilter} for its 401). */
    static void send(HttpExchange exchange, HttpApi.Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        boolean head = "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
        exchange.sendResponseHeaders(
                response.status(), head ? -1 : response.body().length == 0 ? -1 : response.body().length);
        if (!head && response.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    private static void serve(HttpApi api, HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpApi.Response response;
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                response = HttpApi.Response.error(413, "request body larger than " + MAX_BODY_BYTES + " bytes");
            } else {
                HttpApi.Request request = new HttpApi.Request(
                        exchange.getRequestMethod().toUpperCase(Locale.ROOT),
                        exchange.getRequestURI().getRawPath(),
                        HttpApi.Request.parseQuery(exchange.getRequestURI().getRawQuery()),
                        body);
                response = api.handle(request);
            }
            send(exchange, response);
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        return bytes.length > MAX_BODY_BYTES ? null : bytes;
    }

    /** Stops accepting requests, lets running ones finish for up to a second, and stops the workers. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        log.info("HTTP API stopped");
    }
}
