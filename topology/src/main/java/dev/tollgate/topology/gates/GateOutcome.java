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
 * @param lean            where an INCONCLUSIVE estimate of a sequential gate with its minimum samples in lies:
 *                        nearer the resolution target than the threshold ({@link Lean#REGRESSION}, a suspected
 *                        regression the confidence sequence has not confirmed) or nearer the threshold
 *                        ({@link Lean#WITHIN}); {@link Lean#NONE} for every other outcome. The policy's
 *                        {@code DECIDE} acts on it at {@code maxStepDurationMs}.
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
        String detail,
        Lean lean) {

    /** Where an inconclusive estimate lies between the threshold and the resolution target. */
    public enum Lean {
        /** Not an inconclusive estimate with its samples in (any other verdict, or short of samples). */
        NONE,
        /** Nearer the threshold than the resolution target: the evidence favours a canary within tolerance. */
        WITHIN,
        /** Nearer the resolution target than the threshold: a suspected regression. */
        REGRESSION
    }

    public GateOutcome {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(lean, "lean");
        if (lean != Lean.NONE && verdict != Verdict.INCONCLUSIVE) {
            throw new IllegalArgumentException("only an INCONCLUSIVE outcome has a lean, not " + verdict);
        }
    }

    /** An outcome without a lean. */
    public GateOutcome(
            Verdict verdict,
            Double baselineValue,
            Double canaryValue,
            Double delta,
            double threshold,
            long baselineSamples,
            long canarySamples,
            Statistic statistic,
            String detail) {
        this(
                verdict,
                baselineValue,
                canaryValue,
                delta,
                threshold,
                baselineSamples,
                canarySamples,
                statistic,
                detail,
                Lean.NONE);
    }

    /** Whether this is a suspected regression ({@link Lean#REGRESSION}). */
    public boolean suspected() {
        return lean == Lean.REGRESSION;
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
