package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;

/**
 * {@code latency-p95}: relative p95 delta (p95c − p95b) / p95b over the same span, from mergeable sketches,
 * must stay within the threshold (default 0.10).
 */
public final class LatencyP95Gate implements Gate {
    static final double Q = 0.95;

    @Override
    public String id() {
        return GateIds.LATENCY_P95;
    }

    @Override
    public double defaultThreshold() {
        return 0.10;
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence b = in.baseline();
        RevisionEvidence c = in.canary();
        long nb = b.latency.count();
        long nc = c.latency.count();
        if (nc == 0) {
            return GateOutcome.noData(threshold, nb, "latency-p95 NODATA: no canary requests yet");
        }
        double pc = c.latency.quantile(Q);
        Double pb = nb == 0 ? null : b.latency.quantile(Q);
        Double rel = pb == null || pb <= 0 ? null : (pc - pb) / pb;
        String values = "canary p95 " + Fmt.ms(pc) + " vs baseline " + (pb == null ? "n/a" : Fmt.ms(pb));
        if (rel == null || nc < in.minSamples() || nb < in.minSamples()) {
            return new GateOutcome(Verdict.INCONCLUSIVE, pb, pc, rel, threshold, nb, nc,
                    rel == null ? null : GateOutcome.threshold(rel),
                    "latency-p95 INCONCLUSIVE: " + values + ", below minSamples " + in.minSamples());
        }
        boolean pass = rel <= threshold;
        return new GateOutcome(pass ? Verdict.PASS : Verdict.FAIL, pb, pc, rel, threshold, nb, nc,
                GateOutcome.threshold(rel),
                "latency-p95 " + (pass ? "PASS" : "FAIL") + ": " + values + ", delta " + Fmt.relPct(rel)
                        + (pass ? " <= " : " > ") + Fmt.relPct(threshold));
    }
}
