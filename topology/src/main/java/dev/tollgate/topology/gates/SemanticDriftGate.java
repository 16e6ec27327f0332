package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.EvidenceKind;
import dev.tollgate.topology.evidence.RevisionEvidence;
import java.util.Map;

/**
 * {@code semantic-drift}: mean ΔS of the canary minus mean ΔS of the baseline over the fixed probe set must
 * stay within ± threshold (default 0.03). Each revision's mean is the mean over questions of the question's
 * mean ΔS (over seeds); the gate waits until both revisions answered {@code probeSetSize} questions.
 */
public final class SemanticDriftGate implements Gate {
    @Override
    public String id() {
        return GateIds.SEMANTIC_DRIFT;
    }

    @Override
    public String description() {
        return "|mean ΔS canary − mean ΔS baseline| over the probe set <= threshold (default 0.03)";
    }

    @Override
    public EvidenceKind evidence() {
        return EvidenceKind.PROBES;
    }

    @Override
    public boolean comparesWithBaseline() {
        return true;
    }

    @Override
    public double defaultThreshold() {
        return 0.03;
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence c = in.canary();
        RevisionEvidence b = in.baseline();
        int k = in.policy().getProbeSetSize();
        int qc = c.probes.deltaS.size();
        int qb = b.probes.deltaS.size();
        if (qc == 0) {
            return GateOutcome.noData(threshold, qb, "semantic-drift NODATA: no canary probe answers yet");
        }
        double mc = mean(c);
        Double mb = qb == 0 ? null : mean(b);
        Double delta = mb == null ? null : mc - mb;
        String values = "mean dS canary " + Fmt.num(mc) + " (" + qc + "/" + k + " questions) vs baseline "
                + (mb == null ? "n/a" : Fmt.num(mb)) + " (" + qb + "/" + k + ")";
        if (qc < k || qb < k) {
            return new GateOutcome(
                    Verdict.INCONCLUSIVE,
                    mb,
                    mc,
                    delta,
                    threshold,
                    qb,
                    qc,
                    null,
                    "semantic-drift INCONCLUSIVE: " + values + ", waiting for the whole probe set");
        }
        boolean pass = Math.abs(delta) <= threshold + 1e-12;
        return new GateOutcome(
                pass ? Verdict.PASS : Verdict.FAIL,
                mb,
                mc,
                delta,
                threshold,
                qb,
                qc,
                GateOutcome.threshold(delta),
                "semantic-drift " + (pass ? "PASS" : "FAIL") + ": " + values + ", |delta| " + Fmt.num(Math.abs(delta))
                        + (pass ? " <= " : " > ") + Fmt.num(threshold));
    }

    private static double mean(RevisionEvidence e) {
        double sum = 0;
        for (Map.Entry<String, double[]> q : e.probes.deltaS.entrySet()) {
            sum += q.getValue()[0] / q.getValue()[1];
        }
        return sum / e.probes.deltaS.size();
    }
}
