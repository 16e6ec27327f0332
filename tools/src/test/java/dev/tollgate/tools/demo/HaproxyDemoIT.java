package dev.tollgate.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.app.cli.CliErrors;
import dev.tollgate.router.HaproxyException;
import dev.tollgate.router.Weights;
import dev.tollgate.router.local.HaproxyProcess;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.tools.RolloutBoard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code tollgate demo --router haproxy} end to end, as a user runs it: the broker, the service, a real HAProxy (the
 * installed package) in front of two backends, its access log shipped to Tollgate, load through it, and the router
 * moving HAProxy's weights on the decisions until the healthy canary completes; then everything is cleaned up.
 * Skipped only when HAProxy is not installed (.ci/run installs it).
 */
class HaproxyDemoIT {

    @Test
    @Timeout(240)
    void shouldCompleteTheRolloutWithHaproxyWeightsFollowingEachDecisionAndCleanUp() throws Exception {
        assumeTrue(haproxyInstalled(), "haproxy is not installed (apt-get install -y haproxy; .ci/run installs it)");

        // given
        DemoCommand demo = new DemoCommand();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CliErrors.install(new CommandLine(demo));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        // when
        long t0 = System.nanoTime();
        int code = cl.execute("--router", "haproxy", "--view", "plain", "--http-port", "0");
        long wallMs = (System.nanoTime() - t0) / 1_000_000L;

        // then it exits 0, the rollout completed
        String text = out.toString();
        assertThat(code).as("stdout:%n%s%nstderr:%n%s", text, err).isZero();
        System.out.printf("demo --router haproxy wall time %.1f s%n%s%n", wallMs / 1000.0, text);
        RolloutBoard.Rollout rollout = demo.board.rollouts().get(0);
        assertThat(rollout.outcome).isEqualTo("COMPLETE");

        // and the router published 1 -> 5 -> 25 -> 50 -> 100 % and COMPLETED on tollgate.rollouts
        HaproxyDemo hd = demo.haproxyDemo;
        List<HaproxyDemo.Shift> shifts = hd.shifts();
        assertThat(shifts)
                .extracting(s -> s.event().getPhase())
                .containsExactly(
                        RolloutPhase.STARTED,
                        RolloutPhase.STEP,
                        RolloutPhase.STEP,
                        RolloutPhase.STEP,
                        RolloutPhase.STEP,
                        RolloutPhase.COMPLETED);
        assertThat(shifts)
                .extracting(s -> s.event().getTrafficPercent())
                .containsExactly(1.0, 5.0, 25.0, 50.0, 100.0, 100.0);

        // and each shift followed one of Tollgate's decisions, applied once
        Map<String, GateDecision> decisions = rollout.decisions.stream()
                .collect(Collectors.toMap(GateDecision::getDecisionId, Function.identity(), (a, b) -> a));
        for (HaproxyDemo.Shift s : shifts.subList(1, shifts.size())) {
            GateDecision d = decisions.get(s.decisionId());
            assertThat(d).as("decision %s behind %s", s.decisionId(), s.event()).isNotNull();
            assertThat(d.getAction()).isIn(Action.PROMOTE, Action.COMPLETE);
            assertThat(d.getStepIndex())
                    .isEqualTo(
                            s.event().getPhase() == RolloutPhase.COMPLETED
                                    ? s.event().getStepIndex()
                                    : s.event().getStepIndex() - 1);
        }
        assertThat(shifts.subList(1, shifts.size()))
                .extracting(HaproxyDemo.Shift::decisionId)
                .doesNotHaveDuplicates();

        // and HAProxy's weights (show servers state) were the step's at every shift
        for (HaproxyDemo.Shift s : shifts) {
            Weights want = Weights.of(s.event().getTrafficPercent());
            assertThat(s.haproxyWeights())
                    .as(
                            "HAProxy weights after %s %s %%",
                            s.event().getPhase(), s.event().getTrafficPercent())
                    .containsEntry(HaproxyDemo.BASELINE, want.baseline())
                    .containsEntry("checkout-00042", want.canary());
        }
        assertThat(text)
                .contains("haproxy checkout: checkout-00041 weight 190, checkout-00042 weight 10 (canary 5%)")
                .contains("router completes: canary checkout-00042 serves 100%")
                .contains("tollgate demo: rollout timeline http://127.0.0.1:" + demo.apiPort + "/ui/rollouts/checkout")
                .contains("the rollout ended as expected");

        // and after the end HAProxy sent the baseline nothing and the canary everything
        assertThat(hd.baselineAfterEnd()).isZero();
        assertThat(hd.canaryAfterEnd()).isPositive();

        // and HAProxy, its directory, the backends and the broker are gone
        assertThat(hd.sandbox().process().alive()).as("HAProxy still running").isFalse();
        assertThat(Files.exists(hd.sandbox().configFile().getParent()))
                .as("HAProxy's directory")
                .isFalse();
        URI frontend = URI.create(hd.sandbox().url(HaproxyDemo.SERVICE));
        assertThat(canConnect(frontend.getHost(), frontend.getPort()))
                .as("HAProxy frontend still open")
                .isFalse();
        assertThat(canConnect(
                        "127.0.0.1", hd.sandbox().canary(HaproxyDemo.SERVICE).port()))
                .as("canary backend still open")
                .isFalse();
        String[] hostPort = demo.bootstrapServers.split(":");
        assertThat(canConnect(hostPort[0], Integer.parseInt(hostPort[1])))
                .as("broker port still open")
                .isFalse();
    }

    private static boolean haproxyInstalled() {
        try {
            HaproxyProcess.executable();
            return true;
        } catch (HaproxyException e) {
            return false;
        }
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
