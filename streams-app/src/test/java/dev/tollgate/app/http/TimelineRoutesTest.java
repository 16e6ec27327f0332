package dev.tollgate.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.timeline.RolloutHistory;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.Verdict;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The timeline pages, their assets and their data on the HTTP API. */
@Timeout(60)
class TimelineRoutesTest {
    private static final String TOKEN = "s3cr3t-token-0123456789";

    private static HttpApi api() {
        RolloutHistory history = new RolloutHistory();
        history.accept(Fixtures.result("error-rate", Verdict.FAIL));
        history.accept(Fixtures.decision(Action.ROLLBACK, 0, Fixtures.STEP_START + 7000, "error-rate"));
        Fixtures.MapSource source = new Fixtures.MapSource();
        return new HttpApi(source, source, () -> "RUNNING", () -> "m 1\n", history);
    }

    @Test
    void shouldServeTheIndexTheServicePageItsAssetsAndItsData() {
        // given
        HttpApi api = api();

        // when
        HttpApi.Response index = api.handle(HttpApi.Request.of("GET", "/ui/rollouts"));
        HttpApi.Response page = api.handle(HttpApi.Request.of("GET", "/ui/rollouts/checkout"));
        HttpApi.Response script = api.handle(HttpApi.Request.of("GET", "/ui/assets/timeline.js"));
        HttpApi.Response style = api.handle(HttpApi.Request.of("GET", "/ui/assets/timeline.css"));
        HttpApi.Response data = api.handle(HttpApi.Request.of("GET", "/api/timeline/checkout"));
        HttpApi.Response all = api.handle(HttpApi.Request.of("GET", "/api/timeline"));
        HttpApi.Response unknown = api.handle(HttpApi.Request.of("GET", "/api/timeline/nope"));
        HttpApi.Response post = api.handle(HttpApi.Request.of("POST", "/ui/rollouts/checkout"));
        HttpApi.Response noAsset = api.handle(HttpApi.Request.of("GET", "/ui/assets/other.js"));

        // then
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.contentType()).startsWith("text/html");
        assertThat(index.text())
                .contains("<a href=\"/ui/rollouts/checkout\">checkout</a>")
                .contains("rel-1")
                .contains("ROLLBACK");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text())
                .contains("\"dataUrl\":\"/api/timeline/checkout\"")
                .contains("/ui/assets/timeline.js");
        assertThat(page.headers()).containsEntry("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
        assertThat(script.contentType()).startsWith("text/javascript");
        assertThat(script.text()).contains("tg-threshold");
        assertThat(style.contentType()).startsWith("text/css");
        assertThat(data.status()).isEqualTo(200);
        assertThat(data.text()).contains("\"service\":\"checkout\"").contains("\"action\":\"ROLLBACK\"");
        assertThat(all.text()).startsWith("[{\"service\":\"checkout\"");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(post.status()).isEqualTo(405);
        assertThat(noAsset.status()).isEqualTo(404);
    }

    @Test
    void shouldRequireTheBearerTokenOnTheTimelinePagesAndTheirData() throws Exception {
        // given
        HttpClient client = HttpClient.newHttpClient();
        try (ApiServer server = ApiServer.start(api(), "127.0.0.1", 0, 2, new ApiServer.Security(TOKEN, null))) {
            String base = "http://127.0.0.1:" + server.port();
            for (String path : new String[] {
                "/ui/rollouts", "/ui/rollouts/checkout", "/ui/assets/timeline.js", "/api/timeline/checkout"
            }) {
                // when
                int without = client.send(
                                HttpRequest.newBuilder(URI.create(base + path))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                int with = client.send(
                                HttpRequest.newBuilder(URI.create(base + path))
                                        .header("Authorization", "Bearer " + TOKEN)
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();

                // then
                assertThat(without).as(path).isEqualTo(401);
                assertThat(with).as(path).isEqualTo(200);
            }
        }
    }
}
