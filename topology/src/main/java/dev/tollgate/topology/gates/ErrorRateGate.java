package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;

/**
 * {@code error-rate}: 5xx share of the canary minus that of the baseline over the same span must stay
 * within the threshold (default 0.0005, i.e. 0.05 pp).
 */
public final class ErrorRateGate implements Gate {
    @Override
    public String id() {
        return GateIds.ERROR_RATE;
    }

    @Override
    public double defaultThreshold() {
        return 0.0005;
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence b = in.baseline();
        RevisionEvidence c = in.canary();
        if (c.requests == 0) {
            return GateOutcome.noData(threshold, b.requests, "error-rate NODATA: no canary requests yet");
        }
        double rc = (double) c.errors5xx / c.requests;
        Double rb = b.requests == 0 ? null : (double) b.errors5xx / b.requests;
        Double delta = rb == null ? null : rc - rb;
        String values = "canary " + Fmt.pct(rc) + " (" + c.errors5xx + "/" + c.requests + ") vs baseline "
                + (rb == null ? "n/a" : Fmt.pct(rb) + " (" + b.errors5xx + "/" + b.requests + ")");
        if (rb == null || c.requests < in.minSamples() || b.requests < in.minSamples()) {
            return new GateOutcome(Verdict.INCONCLUSIVE, rb, rc, delta, threshold, b.requests, c.requests,
                    delta == null ? null : GateOutcome.threshold(delta),
                    "error-rate INCONCLUSIVE: " + values + ", below minSamples " + in.minSamples());
        }
        boolean pass = delta <= threshold;
        return new GateOutcome(pass ? Verdict.PASS : Verdict.FAIL, rb, rc, delta, threshold, b.requests, c.requests,
                GateOutcome.threshold(delta),
                "error-rate " + (pass ? "PASS" : "FAIL") + ": " + values + ", delta " + Fmt.pp(delta)
                        + (pass ? " <= " : " > ") + Fmt.pp(threshold));
    }
}
