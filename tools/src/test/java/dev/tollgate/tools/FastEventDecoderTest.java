package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming decoder gives what {@link EventCodec#decode(String)} gives, for good lines and bad ones. */
class FastEventDecoderTest {

    @Test
    void shouldDecodeEveryLineOfTheScenariosAsTheCodecDoes() throws Exception {
        // given the exports of two scenarios: every evidence type, nullable fields set and unset, release pins
        Set<String> types = new TreeSet<>();
        for (String name : List.of("demo", "schema-skew")) {
            ScenarioSpec spec = ScenarioSpec.load(name);
            String export = DirectTopologyEqualityTest.play(spec, Simulator.Options.inProcess(spec));
            List<String> lines = export.lines().toList();
            assertThat(lines).hasSizeGreaterThan(1000);
            for (String line : lines) {
                // when a line is decoded by both decoders, then the events are equal
                EventCodec.Event e = FastEventDecoder.decode(line);
                assertThat(e).as(line).isEqualTo(EventCodec.decode(line));
                types.add(e.type());
            }
        }
        assertThat(types)
                .containsAll(List.of(
                        "RequestLog", "SideEffect", "QueueWork", "MetricSample", "ProbeResult", "RolloutEvent"));
    }

    @Test
    void shouldDecodeFieldsInAnyOrderWithOmittedDefaultsAndAnExplicitKey() {
        String line = "{\"type\":\"RequestLog\",\"status\":200,\"key\":\"k1\",\"service\":\"s\",\"releaseId\":\"r\","
                + "\"revision\":\"v\",\"timestamp\":5,\"latencyMs\":3,\"coldStart\":false,\"method\":\"GET\","
                + "\"route\":\"/\",\"requestId\":\"id\"}";

        EventCodec.Event e = FastEventDecoder.decode(line);

        assertThat(e).isEqualTo(EventCodec.decode(line));
        assertThat(e.key()).isEqualTo("k1");
        assertThat(e.timestamp()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"RequestLog\",\"service\":\"s\"}",
                "{\"type\":\"RequestLog\",\"service\":\"s\",\"status\":\"abc\"}",
                "{\"type\":\"RequestLog\",\"bogus\":1}",
                "{\"type\":\"Nope\"}",
                "{\"service\":\"s\",\"type\":\"RequestLog\"}",
                "[1,2]",
                "{\"type\":\"RequestLog\","
            })
    void shouldFailOnBadLinesWithTheCodecsMessage(String line) {
        // given the codec's verdict on a bad line
        Throwable expected = catchThrowable(() -> EventCodec.decode(line));
        assertThat(expected).isInstanceOf(EventFormatException.class);

        // when the fast decoder reads it, then it fails the same way
        assertThatThrownBy(() -> FastEventDecoder.decode(line))
                .isInstanceOf(EventFormatException.class)
                .hasMessage(expected.getMessage());
    }
}
