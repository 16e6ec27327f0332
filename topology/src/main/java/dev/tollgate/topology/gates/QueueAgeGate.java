package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Statistic;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.EvidenceKind;
import dev.tollgate.topology.math.LinearTrend;
import java.util.Map;

/**
 * {@code queue-age}: the least-squares slope of {@code queue_age_ms} over the step, per partition, in ms per
 * second. A partition fails only when the backlog grows beyond noise: the one-sided (1 − alpha) lower
 * confidence bound of its slope (OLS, Student t with n − 2 degrees of freedom) is above the threshold
 * (default 0 ms/s). It passes when every partition has at least {@link #MIN_POINTS} samples and none grows.
 */
public final class QueueAgeGate implements Gate {
    /** Samples a partition needs before its slope is judged. */
    public static final int MIN_POINTS = 10;

    @Override
    public String id() {
        return GateIds.QUEUE_AGE;
    }

    @Override
    public String description() {
        return "per partition, least-squares slope of queue_age_ms over the step not confidently above 0 ms/s";
    }

    @Override
    public EvidenceKind evidence() {
        return EvidenceKind.QUEUE_AGE;
    }

    @Override
    public double defaultThreshold() {
        return 0;
    }

    @Override
    public String remedy() {
        return "cap queue concurrency per partition and pause heavy batch until the backlog is flat";
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        Map<String, LinearTrend> trends = in.service().queues.age;
        if (trends.isEmpty()) {
            return GateOutcome.noData(threshold, 0, "queue-age NODATA: no queue_age_ms samples in the step");
        }
        double alpha = in.policy().getAlpha();
        String worst = null;
        double worstSlope = Double.NEGATIVE_INFINITY;
        double worstLower = Double.NaN;
        double worstUpper = Double.NaN;
        long points = 0;
        boolean growing = false;
        boolean enough = true;
        for (Map.Entry<String, LinearTrend> e : trends.entrySet()) {
            LinearTrend t = e.getValue();
            points += t.count();
            if (t.count() < MIN_POINTS) {
                enough = false;
                continue;
            }
            double slope = t.slope();
            double lower = t.slopeLowerBound(alpha);
            boolean g = lower > threshold;
            if (g || (!growing && slope > worstSlope)) {
                worst = e.getKey();
                worstSlope = slope;
                worstLower = lower;
                worstUpper = t.slopeUpperBound(alpha);
            }
            growing |= g;
        }
        Verdict v = growing ? Verdict.FAIL : enough ? Verdict.PASS : Verdict.INCONCLUSIVE;
        Statistic stat = worst == null
                ? null
                : Statistic.newBuilder()
                        .setName("ols-slope-t-bound")
                        .setValue(worstSlope)
                        .setLowerBound(worstLower)
                        .setUpperBound(worstUpper)
                        .setAlpha(alpha)
                        .build();
        String detail = "queue-age " + v + ": "
                + (worst == null
                        ? "fewer than " + MIN_POINTS + " samples per partition so far"
                        : "partition " + worst + " slope " + Fmt.num(worstSlope) + " ms/s (lower bound "
                                + Fmt.num(worstLower) + (growing ? " > " : ", not above ") + Fmt.num(threshold)
                                + " ms/s)")
                + ", " + trends.size() + " partitions";
        return new GateOutcome(v, null, worst == null ? null : worstSlope, null, threshold, 0, points, stat, detail);
    }
}
