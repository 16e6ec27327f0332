package dev.tollgate.tools;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.topology.gates.Gates;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The live view of rollouts: per rollout its step ladder, canary share, a progress bar, every gate's latest verdict
 * and the latest decisions. On a terminal ({@code ansi}) it redraws in place a few times a second; otherwise it
 * prints plain lines when something happens (router steps, decisions with their failing gates).
 */
public final class TerminalView implements Simulator.Listener {
    private static final String ESC = "\u001b[";
    private static final String RESET = ESC + "0m";
    private static final String GREEN = ESC + "32m";
    private static final String RED = ESC + "31m";
    private static final String YELLOW = ESC + "33m";
    private static final String GREY = ESC + "90m";
    private static final String BOLD = ESC + "1m";
    private static final int BAR = 36;
    private static final long REDRAW_NANOS = 150_000_000L;

    private final PrintWriter out;
    private final boolean ansi;
    private final long minStepDurationMs;
    private final Supplier<String> header;
    private int drawnLines;
    private long lastDraw;

    /**
     * @param out               where to draw
     * @param ansi              redraw in place with ANSI escapes (a terminal) or print plain lines
     * @param minStepDurationMs the policy's minimum step duration (for the progress within a step)
     * @param header            a line drawn above the rollouts (may return null)
     */
    public TerminalView(PrintWriter out, boolean ansi, long minStepDurationMs, Supplier<String> header) {
        this.out = out;
        this.ansi = ansi;
        this.minStepDurationMs = Math.max(1, minStepDurationMs);
        this.header = header == null ? () -> null : header;
    }

    @Override
    public void onSlice(RolloutBoard board, long eventTime) {
        if (ansi && System.nanoTime() - lastDraw >= REDRAW_NANOS) {
            draw(board, eventTime);
        }
    }

    @Override
    public void onRouter(RolloutBoard.Rollout r, RolloutEvent e) {
        if (ansi || r == null) {
            return;
        }
        String what = switch (e.getPhase()) {
            case STARTED -> "starts the canary " + e.getCanaryRevision() + " at " + Lines.pct(e.getTrafficPercent());
            case STEP -> "shifts to step " + e.getStepIndex() + ": canary at " + Lines.pct(e.getTrafficPercent());
            case COMPLETED -> "completes: canary " + e.getCanaryRevision() + " serves 100%";
            case ABORTED -> "aborts: all traffic back to " + e.getBaselineRevision();
            default -> e.getPhase().name();
        };
        out.println(String.format(Locale.ROOT, "[%8s] %s  router %s", rel(e.getTimestamp(), r), r.releaseId, what));
        out.flush();
    }

    @Override
    public void onDecision(RolloutBoard.Rollout r, GateDecision d) {
        if (ansi || r == null) {
            return;
        }
        out.println(String.format(
                Locale.ROOT,
                "[%8s] %s  tollgate: step %d (%s) %s%s%s",
                rel(d.getDecidedAt(), r),
                r.releaseId,
                d.getStepIndex(),
                Lines.pct(d.getTrafficPercent()),
                d.getAction(),
                d.getNextTrafficPercent() == null ? "" : " -> " + Lines.pct(d.getNextTrafficPercent()),
                d.getFailingGates().isEmpty() ? "" : "  failing: " + String.join(", ", d.getFailingGates())));
        if (d.getAction() != Action.PROMOTE && d.getAction() != Action.COMPLETE) {
            for (String reason : Lines.failingReasons(d)) {
                out.println("             " + reason);
            }
        }
        out.flush();
    }

    /** Draws the final state (a terminal) and leaves the cursor below it. */
    public void finish(RolloutBoard board, long eventTime) {
        if (ansi) {
            draw(board, eventTime);
        }
    }

    private static String rel(long ts, RolloutBoard.Rollout r) {
        return String.format(Locale.ROOT, "+%.1fs", (ts - r.eventStart) / 1000.0);
    }

    private void draw(RolloutBoard board, long eventTime) {
        lastDraw = System.nanoTime();
        List<String> lines = frame(board, eventTime);
        StringBuilder b = new StringBuilder();
        if (drawnLines > 0) {
            b.append(ESC).append(drawnLines).append('A').append('\r');
        }
        for (String l : lines) {
            b.append(ESC).append("2K").append(l).append('\n');
        }
        b.append(ESC).append('J');
        out.print(b);
        out.flush();
        drawnLines = lines.size();
    }

    /** The lines of one frame (also used by tests). */
    List<String> frame(RolloutBoard board, long eventTime) {
        List<String> l = new ArrayList<>();
        String h = header.get();
        if (h != null) {
            l.add(BOLD + h + RESET);
            l.add("");
        }
        for (RolloutBoard.Rollout r : board.rollouts()) {
            String state = r.outcome == null
                    ? YELLOW + "RUNNING" + RESET
                    : (r.outcome.equals("COMPLETE") ? GREEN : RED) + r.outcome + RESET;
            l.add(BOLD + r.title + RESET + "  " + state);
            l.add("  steps    " + ladder(r) + "   canary " + BOLD + Lines.pct(r.trafficPercent) + RESET
                    + String.format(
                            Locale.ROOT, "   +%.1f s", ((r.done() ? r.eventEnd : eventTime) - r.eventStart) / 1000.0));
            l.add("  progress " + bar(r, eventTime));
            List<String> cells = new ArrayList<>();
            for (String g : Gates.ids()) {
                GateResult res = r.gates.get(g);
                cells.add(verdictCell(g, res));
            }
            for (int i = 0; i < cells.size(); i += 4) {
                l.add("  " + String.join("  ", cells.subList(i, Math.min(cells.size(), i + 4))));
            }
            int from = Math.max(0, r.decisions.size() - 3);
            for (GateDecision d : r.decisions.subList(from, r.decisions.size())) {
                String color = d.getAction() == Action.PROMOTE || d.getAction() == Action.COMPLETE
                        ? GREEN
                        : d.getAction() == Action.HOLD ? YELLOW : RED;
                l.add(String.format(
                        Locale.ROOT,
                        "  %s%-8s%s step %d (%s)%s%s",
                        color,
                        d.getAction(),
                        RESET,
                        d.getStepIndex(),
                        Lines.pct(d.getTrafficPercent()),
                        d.getNextTrafficPercent() == null ? "" : " -> " + Lines.pct(d.getNextTrafficPercent()),
                        d.getFailingGates().isEmpty() ? "" : "  failing: " + String.join(", ", d.getFailingGates())));
            }
            l.add("");
        }
        return l;
    }

    private static String ladder(RolloutBoard.Rollout r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < r.steps.size(); i++) {
            String s = Lines.pct(r.steps.get(i));
            boolean current = i == r.stepIndex;
            boolean passed = i < r.stepIndex || (current && "COMPLETE".equals(r.outcome));
            String color = current && r.done() && !"COMPLETE".equals(r.outcome)
                    ? RED
                    : passed ? GREEN : current ? BOLD + YELLOW : GREY;
            b.append(i == 0 ? "" : GREY + "-" + RESET)
                    .append(color)
                    .append(current ? "[" + s + "]" : " " + s + " ")
                    .append(RESET);
        }
        return b.toString();
    }

    private String bar(RolloutBoard.Rollout r, long eventTime) {
        double progress;
        if ("COMPLETE".equals(r.outcome)) {
            progress = 1;
        } else {
            double inStep = r.done() ? 0 : Math.min(1, (eventTime - r.stepStartEvent) / (double) minStepDurationMs);
            progress = (r.stepIndex + inStep) / r.steps.size();
        }
        int full = (int) Math.round(progress * BAR);
        String color = r.done() && !"COMPLETE".equals(r.outcome) ? RED : GREEN;
        return color
                + "#".repeat(full)
                + GREY
                + ".".repeat(BAR - full)
                + RESET
                + String.format(Locale.ROOT, " %3.0f%%", progress * 100);
    }

    private static String verdictCell(String gate, GateResult r) {
        String v = r == null ? "-" : r.getVerdict().name() + (r.getDryRun() ? "*" : "");
        String color = r == null
                ? GREY
                : switch (r.getVerdict()) {
                    case PASS -> GREEN;
                    case FAIL -> RED;
                    case INCONCLUSIVE -> YELLOW;
                    default -> GREY;
                };
        return String.format(Locale.ROOT, "%-15s%s%-12s%s", gate, color, v, RESET);
    }
}
