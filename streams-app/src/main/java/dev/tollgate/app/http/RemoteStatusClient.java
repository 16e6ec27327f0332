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
import org.apache.kafka.streams.state.HostInfo;

/** Reads rollout status from another Tollgate instance's internal endpoints ({@code /internal/rollouts}). */
public class RemoteStatusClient {
    private final HttpClient http;
    private final Duration timeout;

    /** @param timeout connect and request timeout */
    public RemoteStatusClient(Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.timeout = timeout;
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
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + path);
        try {
            return http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(timeout)
                            .header("Accept", StatusCodec.CONTENT_TYPE)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
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
