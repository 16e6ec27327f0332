package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Statistic;
import dev.tollgate.schemas.avro.Verdict;
import java.util.Objects;

/**
 * What a gate concluded from its evidence: the verdict with the values and the statistic behind it.
 *
 * @param verdict         PASS, FAIL, INCONCLUSIVE or NODATA
 * @param baselineValue   value measured on the baseline, or null
 * @param canaryValue     value measured on the canary, or null
 * @param delta           canary − baseline (or relative delta for ratio gates), or null
 * @param threshold       the threshold compared with
 * @param baselineSamples samples behind the baseline value
 * @param canarySamples   samples behind the canary value
 * @param statistic       the statistic behind the verdict, or null
 * @param detail          one human-readable line
 */
public record GateOutcome(
        Verdict verdict,
        Double baselineValue,
        Double canaryValue,
        Double delta,
        double threshold,
        long baselineSamples,
        long canarySamples,
        Statistic statistic,
        String detail) {

    public GateOutcome {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(detail, "detail");
    }

    /** A NODATA outcome: no canary evidence at all. */
    public static GateOutcome noData(double threshold, long baselineSamples, String detail) {
        return new GateOutcome(Verdict.NODATA, null, null, null, threshold, baselineSamples, 0, null, detail);
    }

    /** A NOT_APPLICABLE outcome: the gate does not apply (the reason says why); it never blocks. */
    public static GateOutcome notApplicable(double threshold, String detail) {
        return new GateOutcome(Verdict.NOT_APPLICABLE, null, null, null, threshold, 0, 0, null, detail);
    }

    /** A statistic without bounds (a plain threshold comparison). */
    public static Statistic threshold(double value) {
        return Statistic.newBuilder().setName("threshold").setValue(value).build();
    }
}
