package dev.tollgate.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.schemas.avro.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCodecTest {
    private final RolloutStatus one = Fixtures.status(
            "ACTIVE",
            List.of(Fixtures.result("error-rate", Verdict.PASS)),
            List.of(Fixtures.decision(Action.HOLD, 0, Fixtures.STEP_START + 1, "schema-pins")));
    private final RolloutStatus two =
            RolloutStatus.newBuilder(one).setService("search").build();

    @Test
    void shouldRoundTripOneAndManyStatuses() throws Exception {
        assertThat(StatusCodec.decode(StatusCodec.encode(one))).isEqualTo(one);
        assertThat(StatusCodec.decodeList(StatusCodec.encodeList(List.of(one, two))))
                .containsExactly(one, two);
        assertThat(StatusCodec.decodeList(StatusCodec.encodeList(List.of()))).isEmpty();
    }

    @Test
    void shouldRejectBytesOfAnotherSchema() {
        assertThatThrownBy(() -> StatusCodec.decode(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0}))
                .isInstanceOf(Exception.class);
    }
}
