package dev.tollgate.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.cli.CliErrors;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.Replayer;
import dev.tollgate.tools.RolloutBoard;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tollgate demo} end to end, as a user runs it: broker, service, simulator, view and summary, then cleanup.
 * The events it played, replayed offline, give exactly the decisions the service published.
 */
class DemoIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void demoPlaysBothRolloutsToTheEndAndCleansUp() throws Exception {
        // given
        DemoCommand demo = new DemoCommand();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CliErrors.install(new CommandLine(demo));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        Path export = dir.resolve("demo-events.jsonl");

        // when
        long t0 = System.nanoTime();
        int code = cl.execute("--view", "plain", "--http-port", "0", "--export", export.toString());
        long wallMs = (System.nanoTime() - t0) / 1_000_000L;

        // then it exits 0 within about two minutes
        String text = out.toString();
        assertThat(code).as("stdout:%n%s%nstderr:%n%s", text, err).isZero();
        assertThat(wallMs).as("demo wall time").isLessThan(150_000);
        System.out.printf("demo wall time %.1f s%n%s%n", wallMs / 1000.0, text);

        // and the healthy rollout was promoted through every step to COMPLETE
        RolloutBoard.Rollout healthy = demo.board.rollouts().get(0);
        assertThat(healthy.outcome).isEqualTo("COMPLETE");
        assertThat(healthy.decisions)
                .extracting(GateDecision::getAction)
                .containsExactly(Action.PROMOTE, Action.PROMOTE, Action.PROMOTE, Action.PROMOTE, Action.COMPLETE);
        assertThat(healthy.decisions.stream()
                        .filter(d -> d.getAction() == Action.PROMOTE)
                        .map(GateDecision::getNextTrafficPercent))
                .containsExactly(5.0, 25.0, 50.0, 100.0);

        // and the degraded one was rolled back at 25 % on error-rate and latency-p95
        RolloutBoard.Rollout degraded = demo.board.rollouts().get(1);
        assertThat(degraded.outcome).isEqualTo("ROLLBACK");
        GateDecision rollback = degraded.deciding;
        assertThat(rollback.getAction()).isEqualTo(Action.ROLLBACK);
        assertThat(rollback.getStepIndex()).isEqualTo(2);
        assertThat(rollback.getTrafficPercent()).isEqualTo(25.0);
        assertThat(rollback.getFailingGates()).contains("error-rate", "latency-p95");

        // and the summary says so, with the failing gates' values
        String summary = text.substring(text.indexOf("Summary"));
        assertThat(summary)
                .containsPattern("checkout-rel-42 \\(checkout-00042\\)\\s+COMPLETE\\s+4\\s+100%")
                .containsPattern("checkout-rel-43 \\(checkout-00043\\)\\s+ROLLBACK\\s+2\\s+25%")
                .contains("failing gates with values:")
                .containsPattern("error-rate FAIL: canary \\d+\\.\\d+% \\(\\d+/\\d+\\) vs baseline")
                .containsPattern("latency-p95 FAIL: canary p95 [\\d.]+ ms")
                .contains("both rollouts ended as expected");
        assertThat(text).contains("router shifts to step 2: canary at 25%").contains("tollgate: step 2 (25%) ROLLBACK");

        // and the broker is gone
        String[] hostPort = demo.bootstrapServers.split(":");
        assertThat(canConnect(hostPort[0], Integer.parseInt(hostPort[1])))
                .as("broker port still open")
                .isFalse();

        // and replaying the events it played gives exactly the decisions the service published
        List<GateDecision> live = new ArrayList<>();
        demo.board.rollouts().forEach(r -> live.addAll(r.decisions));
        List<GateDecision> replayed = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            Replayer.Input input = Replayer.read(in, false);
            Replayer.run(input.events(), null, null, r -> {
                if (r instanceof GateDecision d) {
                    replayed.add(d);
                }
            });
        }
        assertThat(replayed)
                .extracting(EventCodec::toLine)
                .containsExactlyElementsOf(live.stream().map(EventCodec::toLine).toList());
    }

    private static boolean canConnect(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
