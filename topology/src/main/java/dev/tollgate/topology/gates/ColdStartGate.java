package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.stats.BernoulliConfidenceSequence;
import dev.tollgate.topology.stats.Interval;

/**
 * {@code cold-start}: the canary's cold-start share among requests after {@code warmupMs} into the step
 * must be at most the threshold (default 0.05). Cold starts inside the warm-up do not count.
 *
 * <p>Judged with an anytime-valid confidence sequence for the canary's cold-start share
 * ({@link BernoulliConfidenceSequence}, beta-binomial mixture at {@code alpha}). FAIL when its lower bound
 * exceeds the threshold (at any sample size); PASS when {@code minSamples} canary requests after warm-up are
 * in and the share is within the threshold; otherwise INCONCLUSIVE; NODATA without canary requests after
 * warm-up. The baseline's share is reported for context only.
 */
public final class ColdStartGate implements Gate {
    /** A PASS above the threshold must have excluded shares above this multiple of it (10 % at the default 5 %). */
    static final double RESOLUTION_MULTIPLE = 2.0;

    @Override
    public String id() {
        return GateIds.COLD_START;
    }

    @Override
    public String description() {
        return "canary cold-start share after warmupMs into the step; FAIL when its lower bound exceeds the threshold (default 0.05)";
    }

    @Override
    public double defaultThreshold() {
        return 0.05;
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence b = in.baseline();
        RevisionEvidence c = in.canary();
        long n = c.traffic.requestsAfterWarmup;
        if (n == 0) {
            return GateOutcome.noData(
                    threshold,
                    b.traffic.requestsAfterWarmup,
                    "cold-start NODATA: no canary requests after the "
                            + in.policy().getWarmupMs() + " ms warm-up");
        }
        double share = (double) c.traffic.coldStartsAfterWarmup / n;
        Double bShare = b.traffic.requestsAfterWarmup == 0
                ? null
                : (double) b.traffic.coldStartsAfterWarmup / b.traffic.requestsAfterWarmup;
        double alpha = Sequential.alpha(in.policy());
        Interval ci = BernoulliConfidenceSequence.bounds(c.traffic.coldStartsAfterWarmup, n, alpha);
        String values = "canary cold starts " + Fmt.pct(share) + " (" + c.traffic.coldStartsAfterWarmup + "/" + n
                + ") after warm-up, " + Sequential.level(alpha) + " " + Sequential.pctRange(ci)
                + (bShare == null ? "" : ", baseline " + Fmt.pct(bShare));
        Verdict v;
        String why;
        GateOutcome.Lean lean = GateOutcome.Lean.NONE;
        if (ci.isAbove(threshold)) {
            v = Verdict.FAIL;
            why = ": lower bound " + Fmt.pct(ci.lower()) + " > threshold " + Fmt.pct(threshold);
        } else if (n < in.minSamples()) {
            v = Verdict.INCONCLUSIVE;
            why = ", below minSamples " + in.minSamples();
        } else if (Sequential.atMost(share, threshold)) {
            v = Verdict.PASS;
            why = ": share <= threshold " + Fmt.pct(threshold) + " and lower bound " + Fmt.pct(ci.lower())
                    + " <= it; resolution: shares above " + Fmt.pct(ci.upper()) + " excluded";
        } else if (Sequential.resolutionRequired(in)
                ? ci.upper() <= RESOLUTION_MULTIPLE * threshold
                : share <= RESOLUTION_MULTIPLE * threshold) {
            v = Verdict.PASS;
            why = ": no confident excess (lower bound " + Fmt.pct(ci.lower()) + " <= threshold " + Fmt.pct(threshold)
                    + (Sequential.resolutionRequired(in)
                            ? ") and resolution reached: "
                            : ") and, at a step below 25 %, the estimate within the target: ")
                    + "shares above " + Fmt.pct(ci.upper()) + " excluded (target "
                    + Fmt.pct(RESOLUTION_MULTIPLE * threshold) + ")";
        } else {
            v = Verdict.INCONCLUSIVE;
            boolean suspected = Sequential.suspected(share, threshold, RESOLUTION_MULTIPLE * threshold);
            lean = suspected ? GateOutcome.Lean.REGRESSION : GateOutcome.Lean.WITHIN;
            why = ": share > threshold " + Fmt.pct(threshold) + " but lower bound " + Fmt.pct(ci.lower())
                    + " is not above it yet; resolution " + Fmt.pct(ci.upper()) + ", target "
                    + Fmt.pct(RESOLUTION_MULTIPLE * threshold) + (suspected ? Sequential.SUSPECTED : "");
        }
        return new GateOutcome(
                v,
                bShare,
                share,
                null,
                threshold,
                b.traffic.requestsAfterWarmup,
                n,
                Sequential.statistic(ci, 0),
                "cold-start " + v + ": " + values + why + Sequential.method(ci),
                lean);
    }
}
