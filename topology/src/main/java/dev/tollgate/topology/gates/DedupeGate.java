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
 * <p>A duplicate POST that was not answered from the idempotency store was executed twice: that is an observed
 * side effect, not sampling noise, so the gate first keeps an exact <em>executed-duplicate budget</em>. The
 * threshold allows {@code floor((1 − threshold) · W)} executed duplicates among {@code W = max(n, ⌈1 / (1 −
 * threshold)⌉)} duplicate deliveries (n so far; at 0.999 at least a window of 1,000, so one early miss is not
 * judged against a tiny denominator). More than that fails: the share over those W deliveries is then below
 * the threshold whatever the following deliveries do, e.g. 2 misses among the first 1,000 give at most 0.998.
 *
 * <p>Alongside, an anytime-valid confidence sequence for the canary's hit share among duplicates
 * ({@link BernoulliConfidenceSequence}, beta-binomial mixture at {@code alpha}) says what the service's true
 * share plausibly is; it is published in the result and also fails the gate when its upper bound is below the
 * threshold (e.g. when the very first duplicate delivery is executed again). No duplicates, or every
 * duplicate deduped, passes (there is nothing wrong to see); otherwise PASS needs {@code minSamples}
 * duplicates and a share of at least the threshold, and anything else is INCONCLUSIVE. NODATA without canary
 * requests.
 */
public final class DedupeGate implements Gate {
    @Override
    public String id() {
        return GateIds.DEDUPE;
    }

    @Override
    public String description() {
        return "repeated idempotencyKey on POST within retention: share answered with dedupeHit >= threshold (default 0.999)";
    }

    @Override
    public double defaultThreshold() {
        return 0.999;
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence c = in.canary();
        RevisionEvidence b = in.baseline();
        if (c.traffic.requests == 0) {
            return GateOutcome.noData(threshold, b.dedupe.postDuplicates, "dedupe NODATA: no canary requests yet");
        }
        long dups = c.dedupe.postDuplicates;
        long deduped = c.dedupe.postDuplicatesDeduped;
        Double bShare =
                b.dedupe.postDuplicates == 0 ? null : (double) b.dedupe.postDuplicatesDeduped / b.dedupe.postDuplicates;
        if (dups == 0) {
            return new GateOutcome(
                    Verdict.PASS,
                    bShare,
                    null,
                    null,
                    threshold,
                    b.dedupe.postDuplicates,
                    0,
                    null,
                    "dedupe PASS: no duplicate POST deliveries on the canary");
        }
        double share = (double) deduped / dups;
        double alpha = Sequential.alpha(in.policy());
        Interval ci = BernoulliConfidenceSequence.bounds(deduped, dups, alpha);
        String values = "canary deduped " + deduped + "/" + dups + " duplicate POSTs = " + Fmt.num(share) + ", "
                + Sequential.level(alpha) + " " + Sequential.numRange(ci);
        long misses = dups - deduped;
        long window = Math.max(dups, budgetWindow(threshold));
        long allowed = allowedMisses(threshold, window);
        Verdict v;
        String why;
        if (misses > allowed) {
            v = Verdict.FAIL;
            why = ": " + misses + " duplicate POSTs executed again, over the budget of " + allowed
                    + (window > dups
                            ? " in the first " + window + " duplicate deliveries (share there at most "
                                    + Fmt.num((double) (window - misses) / window) + " < threshold "
                                    + Fmt.num(threshold) + " whatever follows)"
                            : " for " + dups + " duplicate deliveries (share " + Fmt.num(share) + " < threshold "
                                    + Fmt.num(threshold) + ")");
        } else if (ci.isBelow(threshold)) {
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
        return new GateOutcome(
                v,
                bShare,
                share,
                bShare == null ? null : share - bShare,
                threshold,
                b.dedupe.postDuplicates,
                dups,
                Sequential.statistic(ci, 0),
                "dedupe " + v + ": " + values + why + Sequential.method(ci));
    }

    /**
     * The smallest number of duplicate deliveries in which the threshold allows one executed duplicate:
     * {@code ⌈1 / (1 − threshold)⌉} (1,000 at 0.999); 1 when the threshold allows none or every one.
     */
    static long budgetWindow(double threshold) {
        if (!(threshold > 0.0 && threshold < 1.0)) {
            return 1;
        }
        double w = 1.0 / (1.0 - threshold);
        // 1 / (1 − 0.999) is 1000.0000000000009 in doubles: round within a relative tolerance first
        return (long) Math.min(Long.MAX_VALUE, Math.ceil(w * (1 - 1e-12)));
    }

    /** Executed duplicates the threshold allows among {@code window} duplicate deliveries. */
    static long allowedMisses(double threshold, long window) {
        if (threshold >= 1.0) {
            return 0;
        }
        if (threshold <= 0.0) {
            return window;
        }
        return (long) Math.floor((1.0 - threshold) * window * (1 + 1e-12));
    }
}
