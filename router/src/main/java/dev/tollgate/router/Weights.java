package dev.tollgate.router;

/**
 * HAProxy weights for a canary share: the two servers' weights add up to {@link #TOTAL}, so a share is exact to
 * half a percent (1 % is 2 against 198) and stays within HAProxy's 0..256.
 *
 * @param baseline weight of the baseline server
 * @param canary   weight of the canary server
 */
public record Weights(int baseline, int canary) {
    /** The sum of the two weights. */
    public static final int TOTAL = 200;

    /** The weights that send {@code canaryPercent} of the traffic to the canary. */
    public static Weights of(double canaryPercent) {
        if (Double.isNaN(canaryPercent) || canaryPercent < 0 || canaryPercent > 100) {
            throw new IllegalArgumentException("canary share " + canaryPercent + " % is outside 0..100");
        }
        int canary = (int) Math.round(canaryPercent * TOTAL / 100.0);
        return new Weights(TOTAL - canary, canary);
    }

    /** The canary share these weights give, percent (NaN when both are 0). */
    public double canaryPercent() {
        return baseline + canary == 0 ? Double.NaN : 100.0 * canary / (baseline + canary);
    }
}
