package dev.tollgate.tools;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import java.time.Instant;
import java.util.Locale;

/** Human-readable one-line renderings of Tollgate's outputs, shared by {@code tail}, {@code simulate} and the demo. */
public final class Lines {
    private Lines() {}

    /** A share in percent without needless decimals: 1%, 25%, 0.5%. */
    public static String pct(double p) {
        return p == Math.rint(p)
                ? String.format(Locale.ROOT, "%.0f%%", p)
                : String.format(Locale.ROOT, "%.2f%%", p).replaceAll("0+%$", "%");
    }

    /** Event time as an ISO instant. */
    public static String time(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    /** One line per decision: time, service, release, step, action, next share, failing gates. */
    public static String decision(GateDecision d) {
        StringBuilder b = new StringBuilder();
        b.append(time(d.getDecidedAt()))
                .append("  ")
                .append(d.getService())
                .append(' ')
                .append(d.getReleaseId())
                .append("  step ")
                .append(d.getStepIndex())
                .append(" (")
                .append(pct(d.getTrafficPercent()))
                .append(")  ")
                .append(d.getAction());
        if (d.getNextTrafficPercent() != null) {
            b.append(" -> ").append(pct(d.getNextTrafficPercent()));
        }
        if (!d.getFailingGates().isEmpty()) {
            b.append("  failing: ").append(String.join(", ", d.getFailingGates()));
        }
        b.append("  [")
                .append(d.getBatchPolicy())
                .append(", id ")
                .append(d.getDecisionId(), 0, 8)
                .append(']');
        return b.toString();
    }

    /** The reasons of a decision that concern its failing gates (all reasons when none fails). */
    public static java.util.List<String> failingReasons(GateDecision d) {
        if (d.getFailingGates().isEmpty()) {
            return d.getReasons();
        }
        return d.getReasons().stream()
                .filter(r -> d.getFailingGates().stream()
                        .anyMatch(g -> r.startsWith(g + " ")
                                || r.startsWith("[dry-run] " + g + " ")
                                || r.startsWith("NODATA")))
                .toList();
    }

    /** One line per gate result: time, service, release, step, gate, verdict and the gate's own explanation. */
    public static String result(GateResult r) {
        StringBuilder b = new StringBuilder();
        b.append(time(r.getEvaluatedAt()))
                .append("  ")
                .append(r.getService())
                .append(' ')
                .append(r.getReleaseId())
                .append("  step ")
                .append(r.getStepIndex())
                .append(" (")
                .append(pct(r.getTrafficPercent()))
                .append(")  ")
                .append(String.format(
                        Locale.ROOT, "%-14s %-12s", r.getGate(), r.getVerdict() + (r.getDryRun() ? "(dry)" : "")));
        if (r.getDetail() != null) {
            String detail = r.getDetail();
            String prefix = r.getGate() + " " + r.getVerdict() + ": ";
            b.append(' ').append(detail.startsWith(prefix) ? detail.substring(prefix.length()) : detail);
        } else {
            b.append(" canary ")
                    .append(num(r.getCanaryValue()))
                    .append(" baseline ")
                    .append(num(r.getBaselineValue()))
                    .append(" threshold ")
                    .append(num(r.getThreshold()));
        }
        return b.toString();
    }

    static String num(Double d) {
        return d == null ? "n/a" : String.format(Locale.ROOT, "%.4g", d);
    }
}
