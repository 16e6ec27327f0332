package dev.tollgate.topology.stats;

import java.util.Arrays;

/**
 * Test helper: a stream of values whose sorted prefix is materialised only when asked (the unsorted tail
 * is sorted and merged in), so checking a geometric grid of sample sizes stays cheap.
 */
final class GrowingSample {

    private final double[] values;
    private int size;
    private double[] sorted = new double[0];

    GrowingSample(int capacity) {
        this.values = new double[capacity];
    }

    void add(double value) {
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /** The exact sample of all values added so far. */
    ExactRankedSample snapshot() {
        if (sorted.length < size) {
            double[] tail = Arrays.copyOfRange(values, sorted.length, size);
            Arrays.sort(tail);
            double[] merged = new double[size];
            int i = 0;
            int j = 0;
            int k = 0;
            while (i < sorted.length && j < tail.length) {
                merged[k++] = sorted[i] <= tail[j] ? sorted[i++] : tail[j++];
            }
            while (i < sorted.length) {
                merged[k++] = sorted[i++];
            }
            while (j < tail.length) {
                merged[k++] = tail[j++];
            }
            sorted = merged;
        }
        return ExactRankedSample.sortedPrefix(sorted, size);
    }

    /** Sample sizes {@code ⌈first·ratio^j⌉} up to {@code last}, deduplicated, ending with {@code last}. */
    static int[] geometricGrid(int first, double ratio, int last) {
        int[] grid = new int[256];
        int count = 0;
        for (double n = first; n < last; n *= ratio) {
            int rounded = (int) Math.ceil(n);
            if (count == 0 || grid[count - 1] != rounded) {
                grid[count++] = rounded;
            }
        }
        grid[count++] = last;
        return Arrays.copyOf(grid, count);
    }
}
