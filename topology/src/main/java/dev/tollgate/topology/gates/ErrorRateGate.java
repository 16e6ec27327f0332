package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.stats.Interval;
import dev.tollgate.topology.stats.RateDifference;

/**
 * {@code error-rate}: 5xx share of the canary minus that of the baseline over the same span must stay
 * within the threshold (default 0.0005, i.e. 0.05 pp).
 *
 * <p>Judged with an anytime-valid confidence sequence for {@code δ = p_canary − p_baseline}
 * ({@link RateDifference}: a beta-binomial mixture sequence per arm at {@code alpha/2}, combined by a union
 * bound), valid however often the gate is evaluated. FAIL when its lower bound exceeds the threshold (at any
 * sample size). With both arms at {@code minSamples} requests and no FAIL, PASS when the estimate is within the
 * threshold, or when the evidence has reached its resolution target (the CS upper bound at most
 * {@link #resolutionTarget}: a healthy canary whose noise exceeds a tight tolerance still passes, a clear
 * regression cannot); otherwise INCONCLUSIVE. Every PASS states the regressions it excluded (the upper bound). NODATA without canary requests; INCONCLUSIVE without baseline requests in the span.
 */
public final class ErrorRateGate implements Gate {
    /** The regression a PASS must have excluded, in multiples of the baseline 5xx rate (above the threshold). */
    static final double RESOLUTION_BASE_MULTIPLE = 3.0;

    /**
     * The smallest regression a PASS whose estimate is above the threshold must have excluded (the CS upper
     * bound at most this): the threshold plus three times the baseline rate (at least the threshold), so a
     * canary at 5× the baseline's 5xx rate cannot pass this way while noise above a tight tolerance does not
     * hold a healthy canary forever.
     */
    static double resolutionTarget(double threshold, double baselineRate) {
        return threshold + RESOLUTION_BASE_MULTIPLE * Math.max(baselineRate, threshold);
    }

    @Override
    public String id() {
        return GateIds.ERROR_RATE;
    }

    @Override
    public String description() {
        return "5xx share canary − baseline over the same span; FAIL when its anytime-valid lower bound exceeds the threshold (default 0.0005 = 0.05 pp)";
    }

    @Override
    public boolean comparesWithBaseline() {
        return true;
    }

    @Override
    public double defaultThreshold() {
        return 0.0005;
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence b = in.baseline();
        RevisionEvidence c = in.canary();
        if (c.traffic.requests == 0) {
            return GateOutcome.noData(threshold, b.traffic.requests, "error-rate NODATA: no canary requests yet");
        }
        double rc = (double) c.traffic.errors5xx / c.traffic.requests;
        String canary = "canary " + Fmt.pct(rc) + " (" + c.traffic.errors5xx + "/" + c.traffic.requests + ")";
        if (b.traffic.requests == 0) {
            return new GateOutcome(
                    Verdict.INCONCLUSIVE,
                    null,
                    rc,
                    null,
                    threshold,
                    0,
                    c.traffic.requests,
                    null,
                    "error-rate INCONCLUSIVE: " + canary + " vs baseline n/a: no baseline requests in the same span");
        }
        double rb = (double) b.traffic.errors5xx / b.traffic.requests;
        double delta = rc - rb;
        double alpha = Sequential.alpha(in.policy());
        Interval ci = RateDifference.bounds(
                c.traffic.errors5xx, c.traffic.requests, b.traffic.errors5xx, b.traffic.requests, alpha);
        String values = canary + " vs baseline " + Fmt.pct(rb) + " (" + b.traffic.errors5xx + "/" + b.traffic.requests
                + ")" + ", delta " + Fmt.pp(delta) + ", " + Sequential.level(alpha) + " " + Sequential.ppRange(ci);
        Verdict v;
        String why;
        GateOutcome.Lean lean = GateOutcome.Lean.NONE;
        if (ci.isAbove(threshold)) {
            v = Verdict.FAIL;
            why = ": lower bound " + Fmt.pp(ci.lower()) + " > threshold " + Fmt.pp(threshold);
        } else if (c.traffic.requests < in.minSamples() || b.traffic.requests < in.minSamples()) {
            v = Verdict.INCONCLUSIVE;
            why = ", below minSamples " + in.minSamples();
        } else if (Sequential.atMost(delta, threshold)) {
            v = Verdict.PASS;
            why = ": delta <= threshold " + Fmt.pp(threshold) + " and lower bound " + Fmt.pp(ci.lower()) + " <= it"
                    + "; resolution: regressions above " + Fmt.pp(ci.upper()) + " excluded";
        } else if (Sequential.resolutionRequired(in)
                ? ci.upper() <= resolutionTarget(threshold, rb)
                : delta <= resolutionTarget(threshold, rb)) {
            v = Verdict.PASS;
            why = ": no confident regression (lower bound " + Fmt.pp(ci.lower()) + " <= threshold " + Fmt.pp(threshold)
                    + (Sequential.resolutionRequired(in)
                            ? ") and resolution reached: "
                            : ") and, at a step below 25 %, the estimate within the target: ")
                    + "regressions above " + Fmt.pp(ci.upper()) + " excluded (target "
                    + Fmt.pp(resolutionTarget(threshold, rb)) + ")";
        } else {
            v = Verdict.INCONCLUSIVE;
            boolean suspected = Sequential.suspected(delta, threshold, resolutionTarget(threshold, rb));
            lean = suspected ? GateOutcome.Lean.REGRESSION : GateOutcome.Lean.WITHIN;
            why = ": delta > threshold " + Fmt.pp(threshold) + " but lower bound " + Fmt.pp(ci.lower())
                    + " is not above it yet; resolution " + Fmt.pp(ci.upper()) + ", target "
                    + Fmt.pp(resolutionTarget(threshold, rb)) + (suspected ? Sequential.SUSPECTED : "");
        }
        return new GateOutcome(
                v,
                rb,
                rc,
                delta,
                threshold,
                b.traffic.requests,
                c.traffic.requests,
                Sequential.statistic(ci, 0),
                "error-rate " + v + ": " + values + why + Sequential.method(ci),
                lean);
    }
}
