package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.EvidenceKind;
import dev.tollgate.topology.evidence.RevisionEvidence;
import java.util.Map;

/**
 * {@code lambda}: the λ state of every canary probe trajectory (rule in
 * {@link dev.tollgate.topology.math.LambdaRule}); a seed is convergent when all its canary probes are.
 * Any non-convergent canary probe fails; the gate passes once at least {@code probeSeeds} seeds each
 * answered the whole probe set, all convergent.
 */
public final class LambdaGate implements Gate {
    @Override
    public String id() {
        return GateIds.LAMBDA;
    }

    @Override
    public String description() {
        return "λ state of every canary probe trajectory convergent, on at least probeSeeds seeds";
    }

    @Override
    public EvidenceKind evidence() {
        return EvidenceKind.PROBES;
    }

    @Override
    public double defaultThreshold() {
        return 0;
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence c = in.canary();
        if (c.probes.seeds.isEmpty()) {
            return GateOutcome.noData(threshold, 0, "lambda NODATA: no canary probe trajectories yet");
        }
        int needSeeds = Math.max(2, in.policy().getProbeSeeds());
        int k = in.policy().getProbeSetSize();
        long probes = 0;
        long bad = 0;
        int completeSeeds = 0;
        StringBuilder badSeeds = new StringBuilder();
        for (Map.Entry<Long, long[]> s : c.probes.seeds.entrySet()) {
            probes += s.getValue()[0];
            bad += s.getValue()[1];
            if (s.getValue()[1] > 0) {
                badSeeds.append(badSeeds.length() == 0 ? "" : ",").append(s.getKey());
            }
            if (s.getValue()[0] >= k) {
                completeSeeds++;
            }
        }
        Verdict v;
        String detail;
        if (bad > 0) {
            v = Verdict.FAIL;
            detail = "lambda FAIL: " + bad + " of " + probes + " canary probes not convergent on seed(s) " + badSeeds
                    + (c.probes.lambdaExample != null ? " (e.g. " + c.probes.lambdaExample + ")" : "");
        } else if (completeSeeds < needSeeds) {
            v = Verdict.INCONCLUSIVE;
            detail = "lambda INCONCLUSIVE: " + completeSeeds + " of " + needSeeds
                    + " seeds answered the whole set, all convergent so far";
        } else {
            v = Verdict.PASS;
            detail = "lambda PASS: convergent on all " + c.probes.seeds.size() + " seeds (" + probes + " probes)";
        }
        return new GateOutcome(v, null, (double) bad, null, threshold, 0, probes, GateOutcome.threshold(bad), detail);
    }
}
