package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.cli.CliErrors;
import dev.tollgate.app.cli.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tollgate simulate} without a cluster: deterministic, exportable, checked against the scenario's expectation. */
class SimulateCommandTest {
    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int simulate(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = CliErrors.install(new CommandLine(new SimulateCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void shouldPlayAScenarioInProcessAndExportTheSameEventsForTheSameSeed() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");

        assertThat(simulate(
                        "--scenario",
                        "error-spike",
                        "--seed",
                        "11",
                        "--rate",
                        "600/s",
                        "--export",
                        a.toString(),
                        "--view",
                        "plain",
                        "--check"))
                .as(err.toString())
                .isZero();
        String first = out.toString();
        assertThat(simulate("--scenario", "error-spike", "--seed", "11", "--export", b.toString(), "--view", "plain"))
                .isZero();

        assertThat(first)
                .contains("router starts the canary checkout-00042 at 1%")
                .contains("tollgate: step 0 (1%) ROLLBACK -> 0%  failing: error-rate")
                .contains("error-rate FAIL: canary")
                .containsPattern("checkout-rel-42 \\(checkout-00042\\)\\s+ROLLBACK\\s+0\\s+1%")
                .contains("yes (ROLLBACK at 1% naming error-rate)");
        List<String> lines = Files.readAllLines(a);
        assertThat(lines.get(0)).startsWith("{\"type\":\"GatePolicy\",\"key\":\"checkout\",");
        assertThat(lines)
                .anySatisfy(l ->
                        assertThat(l).startsWith("{\"type\":\"RolloutEvent\"").contains("\"STARTED\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("{\"type\":\"ProbeResult\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("{\"type\":\"SideEffect\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("{\"type\":\"QueueWork\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"warm_instances\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"queue_age_ms\""));
        assertThat(Files.readAllLines(b)).isEqualTo(lines);
        // events are written in event-time order
        long last = Long.MIN_VALUE;
        for (String l : lines.subList(1, lines.size())) {
            long ts = EventCodec.decode(l).timestamp();
            assertThat(ts).isGreaterThanOrEqualTo(last);
            last = ts;
        }
    }

    @Test
    void shouldExit1WithCheckWhenTheOutcomeDiffersFromTheExpectation() throws Exception {
        Path scenario = dir.resolve("s.json");
        Files.writeString(
                scenario,
                "{\"name\":\"mislabelled\",\"rate\":600,\"policy\":{\"minSamples\":100,"
                        + "\"minStepDurationMs\":10000,\"warmupMs\":3000},\"rollouts\":[{\"canary\":{\"errorRate\":0.05},"
                        + "\"expect\":{\"outcome\":\"COMPLETE\"}}]}");

        assertThat(simulate("--scenario", scenario.toString(), "--view", "plain", "--check"))
                .isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(out.toString()).contains("NO, expected (COMPLETE)");
    }

    @Test
    void shouldListTheBuiltInScenarios() {
        assertThat(simulate("--list")).isZero();
        assertThat(out.toString())
                .contains("healthy")
                .contains("error-spike")
                .contains("latency-regression")
                .contains("cold-start-storm")
                .contains("webhook-storm")
                .contains("schema-skew")
                .contains("aa-noise")
                .contains("demo");
    }

    @Test
    void shouldExplainAnUnknownScenarioOrABadScenarioFile() throws Exception {
        assertThat(simulate("--scenario", "nope")).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString()).contains("unknown scenario \"nope\"").contains("healthy, error-spike");

        Path scenario = dir.resolve("bad.json");
        Files.writeString(scenario, "{\"rollouts\":[{\"canary\":{\"errorRat\":0.05}}]}");
        assertThat(simulate("--scenario", scenario.toString())).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString()).contains("rollouts[0]").contains("errorRat");

        Files.writeString(scenario, "{\"policy\":{\"minSamples\":\"x\"},\"rollouts\":[{}]}");
        assertThat(simulate("--scenario", scenario.toString())).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString()).contains("policy.minSamples: expected long, got \"x\"");

        assertThat(simulate("--scenario", "healthy", "--duration", "soon")).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString()).contains("not a duration: \"soon\"");

        assertThat(simulate("--scenario", "healthy", "--rate", "lots")).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString()).contains("--rate: not a rate: \"lots\"");
    }
}
