package dev.tollgate.topology.stats;

/**
 * Read access to a summary of a sample of nonnegative values (e.g. latencies) that answers quantile
 * queries: an exact sorted sample, or a DDSketch-style log-bucket sketch.
 *
 * <p><b>Rank convention.</b> {@code quantile(level)} approximates the order statistic of 1-based rank
 * {@code 1 + floor(level · (count − 1))} (the convention of DDSketch, Masson, Rim, Lee 2019, "DDSketch: a
 * fast and fully-mergeable quantile sketch with relative-error guarantees", PVLDB 12(12)), with relative
 * error at most {@link #relativeAccuracy()}: for the exact order statistic {@code x} the returned value
 * {@code v} satisfies {@code |v − x| ≤ relativeAccuracy · |x|}.
 */
public interface RankedSample {

    /** The number of values in the sample. */
    long count();

    /**
     * The value at quantile {@code level ∈ [0, 1]} (see the rank convention above); unspecified (NaN or an
     * exception) when the sample is empty.
     */
    double quantile(double level);

    /** The relative accuracy guarantee of {@link #quantile(double)}, in [0, 1); 0 for an exact sample. */
    double relativeAccuracy();
}
