package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;

/**
 * {@code cold-start}: the canary's cold-start share among requests after {@code warmupMs} into the step
 * must be at most the threshold (default 0.05). Cold starts inside the warm-up do not count.
 */
public final class ColdStartGate implements Gate {
    @Override
    public String id() {
        return GateIds.COLD_START;
    }

    @Override
    public double defaultThreshold() {
        return 0.05;
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence b = in.baseline();
        RevisionEvidence c = in.canary();
        long n = c.requestsAfterWarmup;
        if (n == 0) {
            return GateOutcome.noData(threshold, b.requestsAfterWarmup,
                    "cold-start NODATA: no canary requests after the " + in.policy().getWarmupMs() + " ms warm-up");
        }
        double share = (double) c.coldStartsAfterWarmup / n;
        Double bShare = b.requestsAfterWarmup == 0 ? null : (double) b.coldStartsAfterWarmup / b.requestsAfterWarmup;
        String values = "canary cold starts " + Fmt.pct(share) + " (" + c.coldStartsAfterWarmup + "/" + n
                + ") after warm-up";
        if (n < in.minSamples()) {
            return new GateOutcome(Verdict.INCONCLUSIVE, bShare, share, null, threshold, b.requestsAfterWarmup, n,
                    GateOutcome.threshold(share),
                    "cold-start INCONCLUSIVE: " + values + ", below minSamples " + in.minSamples());
        }
        boolean pass = share <= threshold;
        return new GateOutcome(pass ? Verdict.PASS : Verdict.FAIL, bShare, share, null, threshold,
                b.requestsAfterWarmup, n, GateOutcome.threshold(share),
                "cold-start " + (pass ? "PASS" : "FAIL") + ": " + values + (pass ? " <= " : " > ") + Fmt.pct(threshold));
    }
}
