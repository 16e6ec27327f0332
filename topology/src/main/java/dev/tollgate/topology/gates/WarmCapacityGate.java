package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.EvidenceKind;
import dev.tollgate.topology.evidence.RevisionEvidence;

/**
 * {@code warm-capacity}: before the rollout reaches a step of 25 % or more, the canary's latest
 * {@code warm_instances} must be at least {@code expected_p50_load} (times the threshold, default 1.0).
 * A shortfall holds the rollout (it is fixed by raising min instances, not by rolling back).
 */
public final class WarmCapacityGate implements Gate {
    /** Steps at or above this share need warm capacity. */
    public static final double HEAVY_STEP_PERCENT = 25.0;

    @Override
    public String id() {
        return GateIds.WARM_CAPACITY;
    }

    @Override
    public String description() {
        return "before a step of 25 % or more: canary warm_instances >= expected_p50_load (x threshold, default 1.0); holds otherwise";
    }

    @Override
    public EvidenceKind evidence() {
        return EvidenceKind.CAPACITY;
    }

    @Override
    public double defaultThreshold() {
        return 1.0;
    }

    @Override
    public boolean holdsOnFail() {
        return true;
    }

    @Override
    public String remedy() {
        return "raise min instances or provisioned concurrency of the canary to at least the expected p50 load "
                + "before the 25 % step";
    }

    /** Applies when the current or the next step carries ≥ 25 % of traffic. */
    @Override
    public String inapplicableReason(GateInput in) {
        return "warm-capacity applies before a step of " + Fmt.num(HEAVY_STEP_PERCENT) + " % or more (this step "
                + Fmt.num(in.trafficPercent()) + " %, next "
                + (in.nextTrafficPercent() == null ? "none" : Fmt.num(in.nextTrafficPercent()) + " %") + ")";
    }

    @Override
    public boolean appliesTo(GateInput in) {
        return in.trafficPercent() >= HEAVY_STEP_PERCENT
                || (in.nextTrafficPercent() != null && in.nextTrafficPercent() >= HEAVY_STEP_PERCENT);
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence c = in.canary();
        double expected =
                !Double.isNaN(c.gauges.expectedLoad) ? c.gauges.expectedLoad : in.service().gauges.expectedLoad;
        if (Double.isNaN(c.gauges.warmInstances) || Double.isNaN(expected)) {
            return GateOutcome.noData(
                    threshold,
                    0,
                    "warm-capacity NODATA: need canary warm_instances and " + "expected_p50_load samples (warm="
                            + Fmt.num(c.gauges.warmInstances) + ", expected=" + Fmt.num(expected) + ")");
        }
        double needed = expected * threshold;
        boolean pass = c.gauges.warmInstances >= needed;
        return new GateOutcome(
                pass ? Verdict.PASS : Verdict.FAIL,
                expected,
                c.gauges.warmInstances,
                c.gauges.warmInstances - expected,
                threshold,
                1,
                1,
                GateOutcome.threshold(c.gauges.warmInstances - needed),
                "warm-capacity " + (pass ? "PASS" : "FAIL") + ": canary warm_instances "
                        + Fmt.num(c.gauges.warmInstances)
                        + (pass ? " >= " : " < ") + "expected_p50_load " + Fmt.num(expected)
                        + (threshold != 1.0 ? " x " + Fmt.num(threshold) : ""));
    }
}
