package dev.tollgate.router.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendTest {

    @Test
    void shouldComputeTheFailureIntervalOfA5xxShare() {
        assertThat(Backend.failEvery(0)).isZero();
        assertThat(Backend.failEvery(5)).isEqualTo(20);
        assertThat(Backend.failEvery(100)).isEqualTo(1);
        assertThatThrownBy(() -> Backend.failEvery(101)).hasMessageContaining("0..100 %");
    }

    @Test
    void shouldAnswerEveryNthRequestWith500() throws Exception {
        // given
        HttpClient client = HttpClient.newHttpClient();
        try (Backend backend = new Backend(0, 4)) {
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backend.port() + "/"))
                    .build();

            // when
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                statuses.add(
                        client.send(get, HttpResponse.BodyHandlers.discarding()).statusCode());
            }

            // then
            assertThat(statuses).containsExactly(200, 200, 200, 500, 200, 200, 200, 500);
            assertThat(backend.served()).isEqualTo(8);
            assertThat(backend.failed()).isEqualTo(2);
        }
    }
}
