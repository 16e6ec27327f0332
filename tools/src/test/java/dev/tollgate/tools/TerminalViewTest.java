package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.BatchPolicy;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminalViewTest {
    private static final List<Double> STEPS = List.of(1.0, 5.0, 25.0, 50.0, 100.0);

    private static RolloutBoard boardAtStep2() {
        RolloutBoard board = new RolloutBoard();
        RolloutBoard.Rollout r = board.add("checkout", "rel-2", "rev-1", "rev-2", STEPS, "rollout 1 of checkout");
        r.eventStart = 0;
        board.onRollout(RolloutEvent.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-2")
                .setTimestamp(20_000)
                .setBaselineRevision("rev-1")
                .setCanaryRevision("rev-2")
                .setPhase(RolloutPhase.STEP)
                .setStepIndex(2)
                .setTrafficPercent(25)
                .build());
        GateResult res = GateResult.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-2")
                .setStepIndex(2)
                .setTrafficPercent(25)
                .setGate("error-rate")
                .setVerdict(Verdict.FAIL)
                .setThreshold(0.0005)
                .setWindowStart(20_000)
                .setWindowEnd(24_000)
                .setEvaluatedAt(24_000)
                .build();
        GateDecision d = GateDecision.newBuilder()
                .setDecisionId("d1")
                .setService("checkout")
                .setReleaseId("rel-2")
                .setStepIndex(2)
                .setTrafficPercent(25)
                .setAction(Action.ROLLBACK)
                .setNextTrafficPercent(0.0)
                .setFailingGates(List.of("error-rate"))
                .setReasons(List.of("error-rate FAIL: canary 3% vs 0%"))
                .setBatchPolicy(BatchPolicy.PAUSE_HEAVY)
                .setDecidedAt(24_000)
                .build();
        board.onOutputs(List.of(res, d), System.nanoTime());
        return board;
    }

    @Test
    void shouldDrawEveryGateTheLadderAndTheLatestDecisions() {
        TerminalView view = new TerminalView(new PrintWriter(new StringWriter()), true, 8_000, () -> "header");
        String frame = String.join("\n", view.frame(boardAtStep2(), 24_000)).replaceAll("\u001b\\[[0-9;]*[mJAK]", "");

        assertThat(frame)
                .contains("header")
                .contains("rollout 1 of checkout  RUNNING")
                .contains(" 1% - 5% -[25%]- 50% - 100%")
                .contains("canary 25%")
                .contains("+24.0 s")
                .contains("error-rate     FAIL")
                .contains("latency-p95    -")
                .contains("stream-drain   -")
                .contains("ROLLBACK step 2 (25%) -> 0%  failing: error-rate")
                .containsPattern("progress #+\\.+  50%");
    }

    @Test
    void shouldRedrawInPlaceOnATerminalAndPrintPlainLinesOtherwise() {
        StringWriter ansi = new StringWriter();
        TerminalView live = new TerminalView(new PrintWriter(ansi), true, 8_000, null);
        RolloutBoard board = boardAtStep2();
        live.onSlice(board, 24_000);
        live.finish(board, 25_000);
        assertThat(ansi.toString()).contains("\u001b[2K").containsPattern("\u001b\\[\\d+A");

        StringWriter plain = new StringWriter();
        TerminalView lines = new TerminalView(new PrintWriter(plain), false, 8_000, null);
        RolloutBoard.Rollout r = board.rollouts().get(0);
        lines.onSlice(board, 24_000);
        lines.onDecision(r, r.decisions.get(0));
        assertThat(plain.toString())
                .doesNotContain("\u001b")
                .contains("[  +24.0s] rel-2  tollgate: step 2 (25%) ROLLBACK -> 0%  failing: error-rate")
                .contains("error-rate FAIL: canary 3% vs 0%");
    }
}
