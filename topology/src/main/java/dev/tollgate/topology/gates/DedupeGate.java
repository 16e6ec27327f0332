package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.stats.BernoulliConfidenceSequence;
import dev.tollgate.topology.stats.Interval;

/**
 * {@code dedupe}: a POST whose idempotencyKey was already delivered within {@code dedupeRetentionMs} is a
 * duplicate delivery; the canary's share of duplicates answered from its idempotency store ({@code dedupeHit})
 * must be at least the threshold (default 0.999).
 *
 * <p>Judged with an anytime-valid confidence sequence for the canary's hit share among duplicates
 * ({@link BernoulliConfidenceSequence}, beta-binomial mixture at {@code alpha}). FAIL when its upper bound is
 * below the threshold (at any number of duplicates). No duplicates, or every duplicate deduped, passes (there
 * is nothing wrong to see); otherwise PASS needs {@code minSamples} duplicates and a share of at least the
 * threshold, and anything else is INCONCLUSIVE. NODATA without canary requests.
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
        double alpha = Sequential.alpha(in.policy());
        Interval ci = BernoulliConfidenceSequence.bounds(deduped, dups, alpha);
        String values = "canary deduped " + deduped + "/" + dups + " duplicate POSTs = " + Fmt.num(share) + ", "
                + Sequential.level(alpha) + " " + Sequential.numRange(ci);
        Verdict v;
        String why;
        if (ci.isBelow(threshold)) {
            v = Verdict.FAIL;
            why = ": upper bound " + Fmt.num(ci.upper()) + " < threshold " + Fmt.num(threshold);
        } else if (deduped == dups) {
            v = Verdict.PASS;
            why = ": every duplicate deduped";
        } else if (dups < in.minSamples()) {
            v = Verdict.INCONCLUSIVE;
            why = ", below minSamples " + in.minSamples();
        } else if (Sequential.atLeast(share, threshold)) {
            v = Verdict.PASS;
            why = ": share >= threshold " + Fmt.num(threshold) + " and upper bound " + Fmt.num(ci.upper()) + " >= it";
        } else {
            v = Verdict.INCONCLUSIVE;
            why = ": share < threshold " + Fmt.num(threshold) + " but upper bound " + Fmt.num(ci.upper())
                    + " is not below it yet";
        }
        return new GateOutcome(v, bShare, share, bShare == null ? null : share - bShare, threshold, b.postDuplicates,
                dups, Sequential.statistic(ci, 0), "dedupe " + v + ": " + values + why + Sequential.method(ci));
    }
}
