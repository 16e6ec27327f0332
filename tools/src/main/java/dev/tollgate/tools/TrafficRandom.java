package dev.tollgate.tools;

import java.util.SplittableRandom;

/**
 * The random draws of Tollgate's traffic generators ({@link Simulator} for scenarios, {@link FleetTraffic} for
 * the bench): one seeded {@link SplittableRandom}, log-normal latencies from one Box-Muller normal, request ids.
 * Both generators draw their latencies, chances and ids here, so a latency or an id means the same in a simulated
 * rollout and in a benchmark.
 */
public final class TrafficRandom {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final SplittableRandom random;
    private final char[] idBuf = new char[32];

    /** Draws from {@code random} (shared with the caller, which may draw from it too). */
    public TrafficRandom(SplittableRandom random) {
        this.random = random;
    }

    /** The underlying random source. */
    public SplittableRandom source() {
        return random;
    }

    /** True with probability {@code p}. */
    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** A standard normal draw (Box-Muller, one of the pair: two uniform draws). */
    public double gaussian() {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** A log-normal latency in ms: {@code medianMs * exp(sigma * N(0,1))} (sigma 0.2: p95 about 1.4 x the median). */
    public double latencyMs(double medianMs, double sigma) {
        return medianMs * Math.exp(sigma * gaussian());
    }

    /** A request id: 32 hex digits (two 64-bit draws). */
    public String requestId() {
        long a = random.nextLong();
        long b = random.nextLong();
        for (int k = 0; k < 16; k++) {
            idBuf[k] = HEX[(int) (a >>> (k * 4)) & 0xf];
            idBuf[16 + k] = HEX[(int) (b >>> (k * 4)) & 0xf];
        }
        return new String(idBuf);
    }
}
