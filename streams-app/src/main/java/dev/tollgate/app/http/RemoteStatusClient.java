package dev.tollgate.app.http;

import dev.tollgate.app.http.RolloutStatusSource.StatusUnavailableException;
import dev.tollgate.schemas.avro.RolloutStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.kafka.streams.state.HostInfo;

/** Reads rollout status from another Tollgate instance's internal endpoints ({@code /internal/rollouts}). */
public class RemoteStatusClient {
    private final HttpClient http;
    private final Duration timeout;
    private final String scheme;
    private final String authorization;

    /** @param timeout connect and request timeout */
    public RemoteStatusClient(Duration timeout) {
        this(timeout, null, null);
    }

    /**
     * A client of instances that serve HTTPS and/or require a bearer token (all instances of one application
     * share these settings).
     *
     * @param timeout connect and request timeout
     * @param token   bearer token to send, or null for none
     * @param tls     TLS context to call over HTTPS with, or null for plain HTTP
     */
    public RemoteStatusClient(Duration timeout, String token, SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
        this.timeout = timeout;
        this.scheme = tls != null ? "https" : "http";
        this.authorization = token == null ? null : "Bearer " + token;
    }

    /** The status of one service from the instance that owns it. */
    public Optional<RolloutStatus> find(HostInfo host, String service) {
        String path = "/internal/rollouts/"
                + URLEncoder.encode(service, StandardCharsets.UTF_8).replace("+", "%20");
        HttpResponse<byte[]> r = get(host, path);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        check(host, r);
        try {
            return Optional.of(StatusCodec.decode(r.body()));
        } catch (IOException | RuntimeException e) {
            throw new StatusUnavailableException(
                    "instance " + host + " sent a status this instance cannot read (" + e.getMessage()
                            + "); are two versions running?",
                    e);
        }
    }

    /** Every status the instance holds locally. */
    public List<RolloutStatus> all(HostInfo host) {
        HttpResponse<byte[]> r = get(host, "/internal/rollouts");
        check(host, r);
        try {
            return StatusCodec.decodeList(r.body());
        } catch (IOException | RuntimeException e) {
            throw new StatusUnavailableException(
                    "instance " + host + " sent statuses this instance cannot read (" + e.getMessage()
                            + "); are two versions running?",
                    e);
        }
    }

    private HttpResponse<byte[]> get(HostInfo host, String path) {
        URI uri = URI.create(scheme + "://" + host.host() + ":" + host.port() + path);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Accept", StatusCodec.CONTENT_TYPE)
                    .GET();
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new StatusUnavailableException(
                    "instance " + host + " that owns the data did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StatusUnavailableException("interrupted while asking instance " + host, e);
        }
    }

    private static void check(HostInfo host, HttpResponse<byte[]> r) {
        if (r.statusCode() != 200) {
            throw new StatusUnavailableException(
                    "instance " + host + " answered " + r.statusCode() + ": "
                            + new String(r.body(), StandardCharsets.UTF_8),
                    null);
        }
    }
}
