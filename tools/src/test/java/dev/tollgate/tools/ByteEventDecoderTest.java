package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.RequestLog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The byte decoder gives what {@link EventCodec#decode(String)} gives, or leaves the line to the full decoders. */
class ByteEventDecoderTest {
    private final ByteEventDecoder decoder = new ByteEventDecoder();

    private EventCodec.Event decode(String line) {
        byte[] b = ("xx" + line + "\nyy").getBytes(StandardCharsets.UTF_8); // a line inside a larger buffer
        return decoder.decode(b, 2, b.length - 3);
    }

    @Test
    void shouldDecodeEveryLineOfTheScenariosAsTheCodecDoes() throws Exception {
        // given the exports of two scenarios: every evidence type, nullable fields set and unset, release pins
        int taken = 0;
        for (String name : List.of("demo", "schema-skew")) {
            ScenarioSpec spec = ScenarioSpec.load(name);
            String export = DirectTopologyEqualityTest.play(spec, Simulator.Options.inProcess(spec));
            for (String line : export.lines().toList()) {
                // when the byte decoder takes a line, then its event equals the codec's
                EventCodec.Event e = decode(line);
                if (e != null) {
                    assertThat(e).as(line).isEqualTo(EventCodec.decode(line));
                    taken++;
                }
            }
        }
        // and it takes the bulk of them (request logs, side effects, queue work)
        assertThat(taken).isGreaterThan(10_000);
    }

    @Test
    void shouldParseDoublesExactlyAsJavaDoes() {
        // given request logs with random latencies written as Java writes doubles, and integral ones
        Random random = new Random(15);
        for (int i = 0; i < 20_000; i++) {
            double v = switch (i % 4) {
                case 0 -> random.nextDouble() * 1_000;
                case 1 -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL);
                case 2 -> random.nextInt(100_000) / 100.0;
                default -> -random.nextGaussian() * 1e-5;
            };
            String line = line("\"latencyMs\":" + v + ",\"status\":" + (200 + i % 400));
            // when decoded, then the value is the codec's, bit for bit
            EventCodec.Event e = decode(line);
            assertThat(e).as(line).isNotNull();
            assertThat(Double.doubleToRawLongBits(((RequestLog) e.record()).getLatencyMs()))
                    .as(line)
                    .isEqualTo(Double.doubleToRawLongBits(
                            ((RequestLog) EventCodec.decode(line).record()).getLatencyMs()));
        }
        for (String n : List.of("0", "-0", "7", "123456789012345678", "1e3", "1.5E-7", "-0.0", "2.5e+2")) {
            String line = line("\"latencyMs\":" + n + ",\"status\":200");
            assertThat(decode(line)).as(line).isEqualTo(EventCodec.decode(line));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // what only the full decoders handle or reject: they decide, with their messages
                "\"latencyMs\":1,\"status\":200.5",
                "\"latencyMs\":1,\"status\":3000000000",
                "\"latencyMs\":\"NaN\",\"status\":200",
                "\"latencyMs\":1e999,\"status\":200",
                "\"latencyMs\":01,\"status\":200",
                "\"latencyMs\":1.,\"status\":200",
                "\"latencyMs\":1,\"status\":200,\"status\":201",
                "\"latencyMs\":1,\"status\":200,\"bogus\":1",
                "\"latencyMs\":1,\"status\":200,\"method\":\"G\\u0045T\"",
                "\"latencyMs\":1,\"status\":200,\"route\":\"/é\"",
                "\"latencyMs\":1,\"status\":200,\"streamOutcome\":\"MAYBE\"",
                "\"latencyMs\":1,\"status\":200,\"coldStart\":null",
                "\"latencyMs\":1,\"status\":200,\"key\":\"a\",\"key\":\"b\"",
                "\"latencyMs\":1,\"status\":200 x",
                "\"latencyMs\":1,\"status\":200,"
            })
    void shouldLeaveUnusualLinesToTheFullDecoders(String fields) {
        assertThat(decode(line(fields))).isNull();
    }

    @Test
    void shouldDecodeWhitespaceAnyFieldOrderOmittedDefaultsAndAnExplicitKey() {
        String line =
                "{ \"type\" : \"RequestLog\" , \"status\":200,\"key\":\"k1\",\"service\":\"s\",\"releaseId\":\"r\","
                        + "\"revision\":\"v\",\"timestamp\":5,\"latencyMs\":3,\"coldStart\":false,\"method\":\"GET\","
                        + "\"route\":\"/\",\"requestId\":\"id\"\t} ";

        EventCodec.Event e = decode(line);

        assertThat(e).isEqualTo(EventCodec.decode(line));
        assertThat(e.key()).isEqualTo("k1");
        assertThat(e.timestamp()).isEqualTo(5);
    }

    @Test
    void shouldLeaveTypesWithoutAPlanToTheFullDecoders() {
        assertThat(decode("{\"type\":\"GatePolicy\",\"key\":\"*\"}")).isNull();
        assertThat(decode("{\"type\":\"GateDecision\"}")).isNull();
        assertThat(decode("{\"service\":\"s\",\"type\":\"RequestLog\"}")).isNull();
    }

    private static String line(String fields) {
        return "{\"type\":\"RequestLog\",\"service\":\"svc\",\"releaseId\":\"r1\",\"revision\":\"v2\","
                + "\"timestamp\":1767225600031,\"coldStart\":false,\"method\":\"GET\",\"route\":null,"
                + "\"requestId\":\"abc\",\"pinnedRelease\":null,\"streamOutcome\":\"NONE\",\"dedupeHit\":false,"
                + fields + "}";
    }
}
