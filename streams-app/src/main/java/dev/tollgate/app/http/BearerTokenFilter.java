package dev.tollgate.app.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Set;

/**
 * Requires {@code Authorization: Bearer <token>} on every request except the health endpoints (Kubernetes probes
 * carry no token). The comparison is constant-time: both sides are hashed with SHA-256 and compared with {@link
 * MessageDigest#isEqual}, so neither the token's content nor its length leaks through timing. A missing or wrong
 * token gets 401 with the API's JSON error and {@code WWW-Authenticate: Bearer}; the token is never logged.
 */
final class BearerTokenFilter extends Filter {
    /** Paths served without a token. */
    static final Set<String> OPEN_PATHS = Set.of("/health/live", "/health/ready");

    private static final String PREFIX = "Bearer ";

    private final byte[] expectedHash;

    BearerTokenFilter(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("the bearer token must not be empty");
        }
        this.expectedHash = sha256(token);
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (OPEN_PATHS.contains(path) || authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
            chain.doFilter(exchange);
            return;
        }
        try (exchange) {
            exchange.getRequestBody().readNBytes(ApiServer.MAX_BODY_BYTES);
            HttpApi.Response error = HttpApi.Response.error(401, "missing or invalid bearer token");
            ApiServer.send(
                    exchange,
                    new HttpApi.Response(
                            error.status(),
                            error.contentType(),
                            error.body(),
                            Map.of("WWW-Authenticate", "Bearer realm=\"tollgate\"")));
        }
    }

    boolean authorized(String header) {
        if (header == null || header.length() < PREFIX.length() || !header.regionMatches(true, 0, PREFIX, 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(
                expectedHash, sha256(header.substring(PREFIX.length()).trim()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public String description() {
        return "bearer token (health endpoints excepted)";
    }
}
