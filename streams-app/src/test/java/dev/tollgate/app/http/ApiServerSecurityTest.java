package dev.tollgate.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.devbroker.TlsMaterial;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ApiServerSecurityTest {
    private static final String TOKEN = "s3cr3t-token-0123456789";

    @TempDir
    Path tmp;

    private static HttpApi api() {
        return new HttpApi(new Fixtures.MapSource(), () -> "RUNNING", () -> "m 1\n");
    }

    private static HttpResponse<String> get(HttpClient client, String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRequireTheBearerTokenExceptOnHealthEndpoints() throws Exception {
        // given
        HttpClient client = HttpClient.newHttpClient();
        try (ApiServer server = ApiServer.start(api(), "127.0.0.1", 0, 2, new ApiServer.Security(TOKEN, null))) {
            String base = "http://127.0.0.1:" + server.port();

            // when
            HttpResponse<String> noToken = get(client, base + "/metrics", null);
            HttpResponse<String> wrongToken = get(client, base + "/api/rollouts", "Bearer " + TOKEN + "x");
            HttpResponse<String> basic = get(client, base + "/api/rollouts", "Basic " + TOKEN);
            HttpResponse<String> internal = get(client, base + "/internal/rollouts", null);
            HttpResponse<String> metrics = get(client, base + "/metrics", "Bearer " + TOKEN);
            HttpResponse<String> rollouts = get(client, base + "/api/rollouts", "bearer " + TOKEN);
            HttpResponse<String> live = get(client, base + "/health/live", null);
            HttpResponse<String> ready = get(client, base + "/health/ready", null);

            // then
            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(noToken.body()).isEqualTo("{\"error\":\"missing or invalid bearer token\",\"status\":401}");
            assertThat(noToken.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"tollgate\"");
            assertThat(wrongToken.statusCode()).isEqualTo(401);
            assertThat(basic.statusCode()).isEqualTo(401);
            assertThat(internal.statusCode()).isEqualTo(401);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).isEqualTo("m 1\n");
            assertThat(rollouts.statusCode()).isEqualTo(200);
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(ready.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldCompareTokensOfAnyLengthWithoutMatchingPrefixes() {
        // given
        BearerTokenFilter filter = new BearerTokenFilter(TOKEN);

        // when / then
        assertThat(filter.authorized("Bearer " + TOKEN)).isTrue();
        assertThat(filter.authorized("Bearer " + TOKEN.substring(0, 10))).isFalse();
        assertThat(filter.authorized("Bearer ")).isFalse();
        assertThat(filter.authorized("Bearer")).isFalse();
        assertThat(filter.authorized(TOKEN)).isFalse();
        assertThat(filter.authorized(null)).isFalse();
    }

    @Test
    void shouldServeTlsWithAKeystoreAndRefusePlainHttp() throws Exception {
        // given: a self-signed keystore generated here, a client trusting only its certificate
        Path keystore = TlsMaterial.selfSigned(tmp.resolve("api.p12"), "keystore-pass");
        SSLContext serverTls = TlsContexts.server(keystore, "keystore-pass".toCharArray(), "PKCS12");
        SSLContext clientTls = TlsContexts.trustingCertificatesOf(keystore, "keystore-pass".toCharArray(), "PKCS12");
        HttpClient trusting = HttpClient.newBuilder().sslContext(clientTls).build();
        HttpClient defaultTrust = HttpClient.newHttpClient();

        try (ApiServer server = ApiServer.start(api(), "127.0.0.1", 0, 2, new ApiServer.Security(TOKEN, serverTls))) {
            String https = "https://127.0.0.1:" + server.port();
            String localhost = "https://localhost:" + server.port();

            // when
            HttpResponse<String> ready = get(trusting, https + "/health/ready", null);
            HttpResponse<String> rollouts = get(trusting, localhost + "/api/rollouts", "Bearer " + TOKEN);
            HttpResponse<String> unauthorized = get(trusting, https + "/api/rollouts", null);

            // then
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(rollouts.statusCode()).isEqualTo(200);
            assertThat(rollouts.body()).isEqualTo("[]");
            assertThat(unauthorized.statusCode()).isEqualTo(401);
            assertThatThrownBy(() -> get(defaultTrust, https + "/health/ready", null))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThatThrownBy(() -> get(defaultTrust, "http://127.0.0.1:" + server.port() + "/health/ready", null))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void shouldNameTheKeystoreWhenItsPasswordIsWrong() {
        // given
        Path keystore = TlsMaterial.selfSigned(tmp.resolve("api.p12"), "keystore-pass");

        // when / then
        assertThatThrownBy(() -> TlsContexts.server(keystore, "wrong-pass".toCharArray(), "PKCS12"))
                .hasMessageContaining(keystore.toString())
                .hasMessageNotContaining("wrong-pass");
    }
}
