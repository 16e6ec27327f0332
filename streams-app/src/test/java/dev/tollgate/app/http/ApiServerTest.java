package dev.tollgate.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ApiServerTest {

    @Test
    void shouldServeTheApiOverHttpOnAnEphemeralPort() throws Exception {
        // given
        Fixtures.MapSource source = new Fixtures.MapSource();
        HttpApi api = new HttpApi(source, () -> "RUNNING", () -> "m 1\n");
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        try (ApiServer server = ApiServer.start(api, "127.0.0.1", 0, 2)) {
            String base = "http://127.0.0.1:" + server.port();

            // when
            HttpResponse<String> missing = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/rollouts/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> flagger = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/flagger/x"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> ready = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());

            // then
            assertThat(server.port()).isPositive();
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(missing.body()).isEqualTo("{\"error\":\"unknown service: x\",\"status\":404}");
            assertThat(flagger.statusCode())
                    .as("an unknown service is pending, not a failed check")
                    .isEqualTo(200);
            assertThat(ready.statusCode()).isEqualTo(200);
        }
    }
}
