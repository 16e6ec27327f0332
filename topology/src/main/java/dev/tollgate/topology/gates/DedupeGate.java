package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;

/**
 * {@code dedupe}: a POST whose idempotencyKey was already delivered within {@code dedupeRetentionMs} is a
 * duplicate delivery; the canary's share of duplicates answered from its idempotency store ({@code dedupeHit})
 * must be at least the threshold (default 0.999). No duplicates, or every duplicate deduped, passes;
 * otherwise the share is judged once there are {@code minSamples} duplicates.
 */
public final class DedupeGate implements Gate {
    @Override
    public String id() {
        return GateIds.DEDUPE;
    }

    @Override
    public double defaultThreshold() {
        return 0.999;
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence c = in.canary();
        RevisionEvidence b = in.baseline();
        if (c.requests == 0) {
            return GateOutcome.noData(threshold, b.postDuplicates, "dedupe NODATA: no canary requests yet");
        }
        long dups = c.postDuplicates;
        long deduped = c.postDuplicatesDeduped;
        Double bShare = b.postDuplicates == 0 ? null : (double) b.postDuplicatesDeduped / b.postDuplicates;
        if (dups == 0) {
            return new GateOutcome(Verdict.PASS, bShare, null, null, threshold, b.postDuplicates, 0, null,
                    "dedupe PASS: no duplicate POST deliveries on the canary");
        }
        double share = (double) deduped / dups;
        String values = "canary deduped " + deduped + "/" + dups + " duplicate POSTs = " + Fmt.num(share);
        Verdict v;
        if (deduped == dups) {
            v = Verdict.PASS;
        } else if (dups < in.minSamples()) {
            v = Verdict.INCONCLUSIVE;
        } else {
            v = share >= threshold ? Verdict.PASS : Verdict.FAIL;
        }
        return new GateOutcome(v, bShare, share, bShare == null ? null : share - bShare, threshold, b.postDuplicates,
                dups, GateOutcome.threshold(share), "dedupe " + v + ": " + values
                + (v == Verdict.INCONCLUSIVE ? ", below minSamples " + in.minSamples()
                : (share >= threshold ? " >= " : " < ") + Fmt.num(threshold)));
    }
}
