package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.stats.Interval;
import dev.tollgate.topology.stats.QuantileRatio;

/**
 * {@code latency-p95}: relative p95 delta (p95c − p95b) / p95b over the same span, from mergeable sketches,
 * must stay within the threshold (default 0.10).
 *
 * <p>Judged with an anytime-valid confidence sequence for {@code p95c / p95b} ({@link QuantileRatio}: an
 * order-statistic quantile sequence per arm at {@code alpha/2}, Howard and Ramdas 2022, widened by the
 * sketch's relative accuracy so it bounds the exact quantiles); the relative delta is {@code ratio − 1}.
 * FAIL when its lower bound exceeds the threshold (at any sample size); PASS when both arms have
 * {@code minSamples} latencies and the estimated delta is within the threshold; otherwise INCONCLUSIVE.
 * NODATA without canary latencies; INCONCLUSIVE without baseline latencies or with a zero baseline p95.
 */
public final class LatencyP95Gate implements Gate {
    /**
     * A PASS whose estimate is above the threshold must have excluded regressions above this multiple of the
     * threshold (the ratio's upper bound): +25 % at the default 10 %.
     */
    static final double RESOLUTION_MULTIPLE = 2.5;

    static final double Q = 0.95;

    @Override
    public String id() {
        return GateIds.LATENCY_P95;
    }

    @Override
    public String description() {
        return "relative p95 latency delta (p95c − p95b) / p95b from mergeable sketches; FAIL when its lower bound exceeds the threshold (default 0.10)";
    }

    @Override
    public boolean comparesWithBaseline() {
        return true;
    }

    @Override
    public double defaultThreshold() {
        return 0.10;
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence b = in.baseline();
        RevisionEvidence c = in.canary();
        long nb = b.traffic.latency.count();
        long nc = c.traffic.latency.count();
        if (nc == 0) {
            return GateOutcome.noData(threshold, nb, "latency-p95 NODATA: no canary requests yet");
        }
        double pc = c.traffic.latency.quantile(Q);
        Double pb = nb == 0 ? null : b.traffic.latency.quantile(Q);
        String canary = "canary p95 " + Fmt.ms(pc) + " (n=" + nc + ")";
        if (pb == null || !(pb > 0)) {
            return new GateOutcome(
                    Verdict.INCONCLUSIVE,
                    pb,
                    pc,
                    null,
                    threshold,
                    nb,
                    nc,
                    null,
                    "latency-p95 INCONCLUSIVE: " + canary + " vs baseline "
                            + (pb == null
                                    ? "n/a: no baseline latencies in the same span"
                                    : Fmt.ms(pb) + ": no relative delta to a zero p95"));
        }
        double rel = pc / pb - 1;
        double alpha = Sequential.alpha(in.policy());
        Interval ratio = QuantileRatio.bounds(c.traffic.latency, b.traffic.latency, Q, alpha);
        String values = canary + " vs baseline " + Fmt.ms(pb) + " (n=" + nb + "), delta " + Fmt.relPct(rel) + ", "
                + Sequential.level(alpha) + " " + Sequential.relRange(ratio) + " incl. sketch error "
                + Fmt.relPct(c.traffic.latency.relativeAccuracy()).substring(1);
        Verdict v;
        String why;
        GateOutcome.Lean lean = GateOutcome.Lean.NONE;
        if (ratio.isAbove(1 + threshold)) {
            v = Verdict.FAIL;
            why = ": lower bound " + Fmt.relPct(ratio.lower() - 1) + " > threshold " + Fmt.relPct(threshold);
        } else if (nc < in.minSamples() || nb < in.minSamples()) {
            v = Verdict.INCONCLUSIVE;
            why = ", below minSamples " + in.minSamples();
        } else if (Sequential.atMost(rel, threshold)) {
            v = Verdict.PASS;
            why = ": delta <= threshold " + Fmt.relPct(threshold) + " and lower bound " + Fmt.relPct(ratio.lower() - 1)
                    + " <= it; resolution: regressions above " + Fmt.relPct(ratio.upper() - 1) + " excluded";
        } else if (Sequential.resolutionRequired(in)
                ? ratio.upper() - 1 <= RESOLUTION_MULTIPLE * threshold
                : rel <= RESOLUTION_MULTIPLE * threshold) {
            v = Verdict.PASS;
            why = ": no confident regression (lower bound " + Fmt.relPct(ratio.lower() - 1) + " <= threshold "
                    + Fmt.relPct(threshold)
                    + (Sequential.resolutionRequired(in)
                            ? ") and resolution reached: "
                            : ") and, at a step below 25 %, the estimate within the target: ")
                    + "regressions above "
                    + Fmt.relPct(ratio.upper() - 1) + " excluded (target " + Fmt.relPct(RESOLUTION_MULTIPLE * threshold)
                    + ")";
        } else {
            v = Verdict.INCONCLUSIVE;
            boolean suspected = Sequential.suspected(rel, threshold, RESOLUTION_MULTIPLE * threshold);
            lean = suspected ? GateOutcome.Lean.REGRESSION : GateOutcome.Lean.WITHIN;
            why = ": delta > threshold " + Fmt.relPct(threshold) + " but lower bound " + Fmt.relPct(ratio.lower() - 1)
                    + " is not above it yet; resolution " + Fmt.relPct(ratio.upper() - 1) + ", target "
                    + Fmt.relPct(RESOLUTION_MULTIPLE * threshold) + (suspected ? Sequential.SUSPECTED : "");
        }
        return new GateOutcome(
                v,
                pb,
                pc,
                rel,
                threshold,
                nb,
                nc,
                Sequential.statistic(ratio, -1),
                "latency-p95 " + v + ": " + values + why + Sequential.method(ratio),
                lean);
    }
}
