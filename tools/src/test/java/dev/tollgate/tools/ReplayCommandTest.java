package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.app.cli.CliErrors;
import dev.tollgate.app.cli.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tollgate replay} as a user runs it: files in, JSON lines out, clear errors for bad input. */
class ReplayCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int replay(String... args) {
        CommandLine cl = CliErrors.install(new CommandLine(new ReplayCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** A short rollout: a 1 % canary with a high 5xx rate, unsorted, with a policy line (file order is not time order). */
    private static List<String> errorSpike() {
        List<String> lines = new ArrayList<>();
        lines.add("{\"type\":\"RolloutEvent\",\"service\":\"checkout\",\"releaseId\":\"rel-2\",\"timestamp\":" + T0
                + ",\"baselineRevision\":\"rev-1\",\"canaryRevision\":\"rev-2\",\"phase\":\"STARTED\",\"stepIndex\":0,"
                + "\"trafficPercent\":1}");
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < 8_000; i++) {
            long ts = T0 + 1_000 + i * 5L;
            boolean canary = i % 10 == 0; // 10 % of requests on the canary, to decide quickly
            boolean error = canary && i % 30 == 0;
            requests.add("{\"type\":\"RequestLog\",\"service\":\"checkout\",\"releaseId\":\"rel-" + (canary ? 2 : 1)
                    + "\",\"revision\":\"rev-" + (canary ? 2 : 1) + "\",\"timestamp\":" + ts + ",\"status\":"
                    + (error ? 503 : 200) + ",\"latencyMs\":" + (80 + i % 7) + "}");
        }
        // reversed pairs: the replay orders by event time
        for (int i = 0; i + 1 < requests.size(); i += 2) {
            lines.add(requests.get(i + 1));
            lines.add(requests.get(i));
        }
        return lines;
    }

    private static final String POLICY = "{\"minSamples\":100,\"minStepDurationMs\":5000,\"gates\":{"
            + "\"dedupe\":{\"enabled\":false},\"side-effects\":{\"enabled\":false},\"semantic-drift\":{\"enabled\":false},"
            + "\"lambda\":{\"enabled\":false},\"queue-age\":{\"enabled\":false},\"queue-fence\":{\"enabled\":false}}}";

    @Test
    void shouldPrintResultsAndDecisionsAsJsonLinesWithTheirType() throws Exception {
        Path events = dir.resolve("events.jsonl");
        Files.write(events, errorSpike());
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, POLICY);

        int code = replay("--events", events.toString(), "--policy", policy.toString());

        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.toString().split("\n")) {
            lines.add(JSON.readTree(l));
        }
        assertThat(lines).extracting(n -> n.get("type").asText()).containsOnly("GateResult", "GateDecision");
        JsonNode decision = lines.stream()
                .filter(n -> n.get("type").asText().equals("GateDecision"))
                .findFirst()
                .orElseThrow();
        assertThat(decision.get("action").asText()).isEqualTo("ROLLBACK");
        assertThat(decision.get("failingGates").get(0).asText()).isEqualTo("error-rate");
        assertThat(decision.get("nextTrafficPercent").asDouble()).isEqualTo(0.0);
        JsonNode result = lines.get(0);
        assertThat(result.has("baselineValue")).isTrue();
        assertThat(result.get("statistic") == null
                        || result.get("statistic").isNull()
                        || result.get("statistic").isObject())
                .isTrue();
        assertThat(err.toString()).contains("replay: 8002 events -> ").contains("1 decisions");
    }

    @Test
    void shouldWriteToTheOutFileAndPrintOnlyDecisionsWhenAsked() throws Exception {
        Path events = dir.resolve("events.jsonl");
        List<String> lines = errorSpike();
        lines.add(0, "{\"type\":\"GatePolicy\",\"key\":\"*\"," + POLICY.substring(1));
        Files.write(events, lines);
        Path outFile = dir.resolve("out.jsonl");

        int code = replay("--events", events.toString(), "--out", outFile.toString(), "--decisions-only");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).isEmpty();
        List<String> written = Files.readAllLines(outFile);
        assertThat(written).hasSize(1);
        assertThat(written.get(0))
                .startsWith("{\"type\":\"GateDecision\",\"decisionId\":")
                .contains("\"ROLLBACK\"");
    }

    @Test
    void shouldStopAtAMalformedLineNamingItsNumber() throws Exception {
        Path events = dir.resolve("events.jsonl");
        List<String> lines = new ArrayList<>(errorSpike().subList(0, 5));
        lines.add("{\"type\":\"RequestLog\", oops");
        Files.write(events, lines);

        int code = replay("--events", events.toString());

        assertThat(code).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(err.toString())
                .contains("line 6: malformed JSON")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldNameTheUnknownTypeTheMissingFieldAndTheBadValue() throws Exception {
        Path events = dir.resolve("events.jsonl");
        Files.write(events, List.of(errorSpike().get(0), "", "{\"type\":\"Foo\",\"service\":\"checkout\"}"));
        assertThat(replay("--events", events.toString())).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(err.toString()).contains("line 3: unknown type \"Foo\"");

        Files.write(
                events,
                List.of(
                        errorSpike().get(0),
                        "{\"type\":\"RequestLog\",\"service\":\"checkout\","
                                + "\"releaseId\":\"r\",\"revision\":\"rev-1\",\"timestamp\":1,\"status\":200}"));
        assertThat(replay("--events", events.toString())).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(err.toString()).contains("line 2: RequestLog: missing required field latencyMs");

        Files.write(
                events,
                List.of("{\"type\":\"RequestLog\",\"service\":\"checkout\",\"releaseId\":\"r\","
                        + "\"revision\":\"rev-1\",\"timestamp\":1,\"status\":\"abc\",\"latencyMs\":1}"));
        assertThat(replay("--events", events.toString())).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(err.toString()).contains("line 1: RequestLog.status: expected int, got \"abc\"");
    }

    @Test
    void shouldSkipCountAndReportBadLinesWithSkipBad() throws Exception {
        Path events = dir.resolve("events.jsonl");
        List<String> lines = errorSpike();
        lines.add(3, "not json");
        lines.add(10, "{\"type\":\"Foo\"}");
        lines.add(0, "{\"type\":\"GatePolicy\"," + POLICY.substring(1));
        Files.write(events, lines);

        int code = replay("--events", events.toString(), "--skip-bad", "--decisions-only");

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString())
                .contains("replay: skipped 2 bad line(s) of 8004:")
                .contains("line 5: malformed JSON")
                .contains("line 12: unknown type \"Foo\"");
        assertThat(out.toString()).contains("\"ROLLBACK\"");
    }

    @Test
    void shouldRejectOutputRecordsAndMissingFiles() throws Exception {
        Path events = dir.resolve("events.jsonl");
        Files.write(
                events,
                List.of("{\"type\":\"GateDecision\",\"decisionId\":\"d\",\"service\":\"s\",\"releaseId\":\"r\","
                        + "\"stepIndex\":0,\"trafficPercent\":1,\"action\":\"HOLD\",\"decidedAt\":1}"));
        assertThat(replay("--events", events.toString())).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(err.toString()).contains("line 1: GateDecision is an output of Tollgate, not an input event");

        assertThat(replay("--events", dir.resolve("missing.jsonl").toString())).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString()).contains("missing.jsonl does not exist");

        Path badPolicy = dir.resolve("p.json");
        Files.writeString(badPolicy, "{\"minSamples\":\"many\"}");
        assertThat(replay("--events", events.toString(), "--policy", badPolicy.toString()))
                .isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString()).contains("GatePolicy.minSamples: expected long, got \"many\"");
    }
}
