package dev.tollgate.tools;

import dev.tollgate.schemas.avro.GateDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The end-of-run summary of a simulation or the demo: one block per rollout with its decisions and failing gates. */
public final class SummaryTable {
    private SummaryTable() {}

    /**
     * Renders the summary.
     *
     * @param board   the rollouts
     * @param expects the expectation of each rollout in board order (entries may be null), or null
     * @return lines without trailing newlines
     */
    public static List<String> render(RolloutBoard board, List<ScenarioSpec.Expect> expects) {
        List<String> out = new ArrayList<>();
        out.add(String.format(
                Locale.ROOT,
                "%-34s %-9s %-5s %-6s %-11s %-9s %s",
                "ROLLOUT",
                "OUTCOME",
                "STEP",
                "SHARE",
                "EVENT TIME",
                "WALL",
                "EXPECTED"));
        List<RolloutBoard.Rollout> rs = board.rollouts();
        for (int i = 0; i < rs.size(); i++) {
            RolloutBoard.Rollout r = rs.get(i);
            ScenarioSpec.Expect e = expects == null || i >= expects.size() ? null : expects.get(i);
            GateDecision d = r.deciding;
            String share = d != null ? Lines.pct(d.getTrafficPercent()) : Lines.pct(r.trafficPercent);
            String step = d != null ? Integer.toString(d.getStepIndex()) : Integer.toString(r.stepIndex);
            long end = r.done() ? r.eventEnd : r.lastEventTime;
            long wallEnd = r.done() ? r.wallEndNanos : System.nanoTime();
            String expected = e == null ? "" : (e.matches(r) ? "yes (" : "NO, expected (") + e.describe() + ")";
            out.add(String.format(
                    Locale.ROOT,
                    "%-34s %-9s %-5s %-6s %-11s %-9s %s",
                    r.releaseId + " (" + r.canaryRevision + ")",
                    r.outcome == null ? "RUNNING" : r.outcome,
                    step,
                    share,
                    secs(end - r.eventStart),
                    secs((wallEnd - r.wallStartNanos) / 1_000_000L),
                    expected));
        }
        for (RolloutBoard.Rollout r : rs) {
            out.add("");
            out.add(r.title + ":");
            for (int j = 0; j < r.decisions.size(); j++) {
                GateDecision d = r.decisions.get(j);
                long wall = (r.decisionSeenNanos.get(j) - r.wallStartNanos) / 1_000_000L;
                out.add(String.format(
                        Locale.ROOT,
                        "  %8s  (wall %7s)  step %d (%s)  %s%s%s",
                        "+" + secs(d.getDecidedAt() - r.eventStart),
                        "+" + secs(wall),
                        d.getStepIndex(),
                        Lines.pct(d.getTrafficPercent()),
                        d.getAction(),
                        d.getNextTrafficPercent() == null ? "" : " -> " + Lines.pct(d.getNextTrafficPercent()),
                        d.getFailingGates().isEmpty() ? "" : "  failing: " + String.join(", ", d.getFailingGates())));
            }
            if (r.decisions.isEmpty()) {
                out.add("  (no decision)");
            }
            GateDecision d = r.deciding;
            if (d != null && !d.getFailingGates().isEmpty()) {
                out.add("  failing gates with values:");
                for (String reason : Lines.failingReasons(d)) {
                    out.add("    " + reason);
                }
            }
            if (!r.note.isEmpty()) {
                out.add("  note: " + r.note);
            }
        }
        return out;
    }

    static String secs(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
