package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.app.cli.CliErrors;
import dev.tollgate.app.cli.ExitCodes;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.RolloutEvent;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tollgate backtest} on the demo scenario (two rollouts: one completes, one is rolled back) with the
 * recorded policy and a stricter one: its numbers are those of separate replays under each policy.
 */
class BacktestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String export;
    private static GatePolicy recordedPolicy;

    @TempDir
    Path dir;

    @BeforeAll
    static void playDemo() throws Exception {
        ScenarioSpec spec = ScenarioSpec.load("demo");
        recordedPolicy = spec.policy;
        export = DirectTopologyEqualityTest.play(spec, Simulator.Options.inProcess(spec));
    }

    /** Twice the samples and a minute per step: the recorded 8 s steps never last long enough to promote. */
    static GatePolicy stricter() {
        return GatePolicy.newBuilder(recordedPolicy)
                .setMinSamples(recordedPolicy.getMinSamples() * 2)
                .setMinStepDurationMs(60_000)
                .build();
    }

    @Test
    void shouldReportWhatSeparateReplaysUnderEachPolicyDecide() throws Exception {
        List<EventCodec.Event> events = read();
        Backtest.Candidate strict = new Backtest.Candidate("strict", stricter());

        // when the recorded policy and the stricter one are compared
        Backtest.Result result = Backtest.run(events, List.of(Backtest.Candidate.recorded(), strict), null);

        // then every outcome is that of a separate replay under the policy
        List<List<GateDecision>> separate = List.of(
                replayDecisions(read(), null),
                replayDecisions(
                        read().stream()
                                .filter(e -> !(e.record() instanceof GatePolicy))
                                .toList(),
                        stricter()));
        assertThat(result.rows()).hasSize(2);
        for (Backtest.Row row : result.rows()) {
            long start = events.stream()
                    .filter(e -> e.record() instanceof RolloutEvent r
                            && r.getReleaseId().equals(row.releaseId()))
                    .mapToLong(EventCodec.Event::timestamp)
                    .min()
                    .orElseThrow();
            for (int p = 0; p < 2; p++) {
                List<GateDecision> mine = separate.get(p).stream()
                        .filter(d -> d.getReleaseId().equals(row.releaseId()))
                        .toList();
                Backtest.Outcome o = row.outcomes().get(p);
                if (mine.isEmpty()) {
                    assertThat(o.action()).as("no decision").isNull();
                    continue;
                }
                GateDecision reached = mine.stream()
                        .filter(d -> d.getAction() == Action.ROLLBACK || d.getAction() == Action.FREEZE)
                        .findFirst()
                        .orElse(mine.get(mine.size() - 1));
                assertThat(o.action()).isEqualTo(reached.getAction());
                assertThat(o.stepIndex()).isEqualTo(reached.getStepIndex());
                assertThat(o.trafficPercent()).isEqualTo(reached.getTrafficPercent());
                assertThat(o.afterMs()).isEqualTo(reached.getDecidedAt() - start);
                assertThat(o.gates()).isEqualTo(reached.getFailingGates());
                assertThat(o.decisions()).isEqualTo(mine.size());
            }
        }
        // and the recorded policy reproduces the scenario: release 42 completes, release 43 is rolled back
        assertThat(result.rows().get(0).outcomes().get(0).action()).isEqualTo(Action.COMPLETE);
        assertThat(result.rows().get(1).outcomes().get(0).action()).isEqualTo(Action.ROLLBACK);
        // while the stricter policy does not complete release 42: the policies disagree there
        assertThat(result.rows().get(0).outcomes().get(1).action()).isNotEqualTo(Action.COMPLETE);
        assertThat(result.rows().get(0).differs()).isTrue();
        assertThat(result.differing()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldPrintTheComparisonAndItsJson() throws Exception {
        Path events = dir.resolve("demo.jsonl");
        Files.writeString(events, export);
        Path strict = dir.resolve("strict.json");
        Files.writeString(strict, EventCodec.toJson(stricter()).toString());
        Backtest.Result expected = Backtest.run(
                read(),
                List.of(Backtest.Candidate.recorded(), new Backtest.Candidate("strict.json", stricter())),
                null);

        // when the command compares the recorded policy with the stricter file, as text and as JSON
        StringWriter text = new StringWriter();
        int code = backtest(text, "--events", events.toString(), "--policy", "recorded", "--policy", strict.toString());
        StringWriter json = new StringWriter();
        int jsonCode = backtest(
                json, "--events", events.toString(), "--policy", "recorded", "--policy", strict.toString(), "--json");

        // then the table shows each rollout under each policy, marks the disagreement and totals per policy
        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(jsonCode).isEqualTo(ExitCodes.OK);
        String out = text.toString();
        assertThat(out).contains("checkout-rel-42", "checkout-rel-43", "recorded", "strict.json");
        assertThat(out).containsPattern("(?m)^\\* checkout +checkout-rel-42 +recorded +COMPLETE +4 \\(100 %\\)");
        assertThat(out).containsPattern("(?m)^total recorded +COMPLETE 1, ROLLBACK 1$");
        assertThat(out).contains(expected.differing() + " of 2 rollouts decided differently");
        // and the JSON carries the same numbers
        JsonNode root = JSON.readTree(json.toString());
        assertThat(root.get("differing").asLong()).isEqualTo(expected.differing());
        JsonNode strictRel42 = root.get("rollouts").get(0).get("outcomes").get(1);
        Backtest.Outcome o = expected.rows().get(0).outcomes().get(1);
        assertThat(strictRel42.get("policy").asText()).isEqualTo("strict.json");
        if (o.action() == null) {
            assertThat(strictRel42.get("action").isNull()).isTrue();
        } else {
            assertThat(strictRel42.get("action").asText()).isEqualTo(o.action().name());
            assertThat(strictRel42.get("stepIndex").asInt()).isEqualTo(o.stepIndex());
            assertThat(strictRel42.get("afterMs").asLong()).isEqualTo(o.afterMs());
        }
        assertThat(root.get("rollouts").get(0).get("differs").asBoolean()).isTrue();
    }

    @Test
    void shouldRefuseASinglePolicy() throws Exception {
        Path events = dir.resolve("demo.jsonl");
        Files.writeString(events, export);
        StringWriter out = new StringWriter();

        int code = backtest(out, "--events", events.toString(), "--policy", "recorded");

        assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    }

    private int backtest(StringWriter out, String... args) {
        CommandLine cl = CliErrors.install(new CommandLine(new BacktestCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    private static List<EventCodec.Event> read() throws Exception {
        return Replayer.read(new BufferedReader(new StringReader(export)), false)
                .events();
    }

    private static List<GateDecision> replayDecisions(List<EventCodec.Event> events, GatePolicy policy) {
        List<GateDecision> out = new ArrayList<>();
        Replayer.run(events, policy, null, r -> {
            if (r instanceof GateDecision d) {
                out.add(d);
            }
        });
        return out;
    }
}
