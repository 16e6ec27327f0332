package dev.tollgate.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.schemas.avro.RequestLog;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessLogParserTest {
    private final AccessLogParser parser = new AccessLogParser("catalog", "rel-7", "catalog", Map.of("v2", "rev-2"));

    @Test
    void shouldTurnARawLineIntoARequestLog() throws Exception {
        // given: a line as HAProxy sends it with "format raw" (captured by HAProxy 2.6)
        String line = "tollgate1 1796180191.042 catalog v2 503 9 604b9af8-cdd0-4a3e GET \"k 1\" \"canary\"\n";

        // when
        RequestLog r = parser.parse(line);

        // then
        assertThat(r.getService()).isEqualTo("catalog");
        assertThat(r.getReleaseId()).isEqualTo("rel-7");
        assertThat(r.getRevision()).as("mapped from the server").isEqualTo("rev-2");
        assertThat(r.getTimestamp()).isEqualTo(1796180191042L);
        assertThat(r.getStatus()).isEqualTo(503);
        assertThat(r.getLatencyMs()).isEqualTo(9.0);
        assertThat(r.getRequestId()).isEqualTo("604b9af8-cdd0-4a3e");
        assertThat(r.getMethod()).isEqualTo("GET");
        assertThat(r.getIdempotencyKey()).isEqualTo("k 1");
        assertThat(r.getPinnedRelease()).isEqualTo("canary");
    }

    @Test
    void shouldReadASyslogLineWithEmptyCapturesAndTheServerNameAsRevision() throws Exception {
        // given: an RFC 3164 header before the message, no Idempotency-Key nor X-Release header
        String line = "<134>Dec  2 02:55:24 haproxy[123]: tollgate1 1796180191.761 catalog v1 200 7 - POST \"\" \"\"";

        // when
        RequestLog r = parser.parse(line);

        // then
        assertThat(r.getRevision()).isEqualTo("v1");
        assertThat(r.getRequestId()).isNull();
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getIdempotencyKey()).isNull();
        assertThat(r.getPinnedRelease()).isNull();
    }

    @Test
    void shouldSkipOtherBackendsAndRequestsThatReachedNoServer() throws Exception {
        // given
        String other = "tollgate1 1796180191.761 search s1 200 7 - GET \"\" \"\"";
        String noServer = "tollgate1 1796180191.761 catalog <NOSRV> 503 0 - GET \"\" \"\"";

        // when / then
        assertThat(parser.parse(other)).isNull();
        assertThat(parser.parse(noServer)).isNull();
    }

    @Test
    void shouldRejectLinesThatDoNotFollowTheLogFormat() {
        // given / when / then
        assertThatThrownBy(() -> parser.parse("127.0.0.1:5000 [02/Dec/2026:02:55:24.042] fe be/s1 0/0/1/2/3 200"))
                .isInstanceOf(AccessLogParser.MalformedLineException.class)
                .hasMessageContaining("tag");
        assertThatThrownBy(() -> parser.parse("tollgate1 1796180191 catalog v1 200 7 - GET \"\" \"\""))
                .hasMessageContaining("timestamp");
        assertThatThrownBy(() -> parser.parse("tollgate1 1796180191.761 catalog v1 OK 7 - GET \"\" \"\""))
                .hasMessageContaining("status");
        assertThatThrownBy(() -> parser.parse("tollgate1 1796180191.761 catalog v1 200 7 - GET"))
                .hasMessageContaining("fields");
        assertThatThrownBy(() -> parser.parse("tollgate1 1796180191.761 catalog v1 200 7 - GET k1 c"))
                .hasMessageContaining("quoted");
        assertThatThrownBy(() -> parser.parse("tollgate1 1796180191.761 catalog v1 -1 -1 - GET \"\" \"\""))
                .hasMessageContaining("aborted");
    }
}
