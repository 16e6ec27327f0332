package dev.tollgate.topology.stats;

import java.util.Arrays;

/**
 * Test double: the first {@code count} values of a sorted array, answering quantiles exactly with the
 * {@link RankedSample} convention (order statistic of 1-based rank {@code 1 + floor(level·(count−1))}).
 */
final class ExactRankedSample implements RankedSample {

    private final double[] sorted;
    private final int count;

    private ExactRankedSample(double[] sorted, int count) {
        this.sorted = sorted;
        this.count = count;
    }

    /** A sample of the given values (copied and sorted). */
    static ExactRankedSample of(double... values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return new ExactRankedSample(copy, copy.length);
    }

    /** A view of the first {@code count} values of an already sorted array (not copied). */
    static ExactRankedSample sortedPrefix(double[] sorted, int count) {
        return new ExactRankedSample(sorted, count);
    }

    /** The exact order statistic of 1-based rank {@code rank}. */
    double orderStatistic(long rank) {
        return sorted[(int) rank - 1];
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public double quantile(double level) {
        if (count == 0) {
            return Double.NaN;
        }
        int index = (int) Math.floor(level * (count - 1));
        return sorted[Math.max(0, Math.min(count - 1, index))];
    }

    @Override
    public double relativeAccuracy() {
        return 0.0;
    }
}
