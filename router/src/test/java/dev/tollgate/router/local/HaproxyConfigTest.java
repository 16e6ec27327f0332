package dev.tollgate.router.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxyConfigTest {

    @Test
    void shouldBundleTheDocumentedConfigItself() throws Exception {
        // given: the file operators copy from
        List<String> inRepo = Files.readAllLines(Path.of("..", "deploy", "haproxy", "haproxy.cfg"));

        // when
        List<String> bundled = HaproxyConfig.documented();

        // then
        assertThat(bundled).isEqualTo(inRepo);
        assertThat(HaproxyConfig.tollgateLines(bundled))
                .containsExactly(
                        "unique-id-format %[uuid()]",
                        "http-request capture req.hdr(Idempotency-Key) len 128",
                        "http-request capture req.hdr(X-Release) len 64",
                        "log-format \"tollgate1 %Ts.%ms %b %s %ST %Ta %ID %HM %{+Q}[capture.req.hdr(0)]"
                                + " %{+Q}[capture.req.hdr(1)]\"");
    }

    @Test
    void shouldPutTheTollgateLinesInEachFrontendAndStartTheCanaryAtWeightZero() {
        // given
        HaproxyConfig config = new HaproxyConfig(Path.of("/tmp/x/admin.sock"));

        // when
        String text = config.site("checkout", 18080, 15140, "rev-41", 19001, "rev-42", 19002)
                .text();

        // then
        assertThat(text)
                .contains("stats socket /tmp/x/admin.sock mode 600 level admin")
                .contains("frontend fe_checkout\n    bind 127.0.0.1:18080\n    log 127.0.0.1:15140 len 4096"
                        + " format raw local0\n    unique-id-format %[uuid()]\n")
                .contains("    log-format \"tollgate1 ")
                .contains("    default_backend checkout\nbackend checkout\n    balance roundrobin\n")
                .contains("    server rev-41 127.0.0.1:19001 weight 200\n    server rev-42 127.0.0.1:19002 weight 0\n");
    }

    @Test
    void shouldRefuseAConfigWithoutTheFourTollgateLines() {
        assertThatThrownBy(() -> HaproxyConfig.tollgateLines(List.of("frontend fe", "  log-format \"%ci\"")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected 4 Tollgate lines");
    }
}
