package dev.tollgate.topology.stats;

/**
 * Test helper, independent of the production code: the Beta(a,b)-mixture martingale of a Bernoulli(p)
 * stream, updated per observation as the mixture's predictive probability of the outcome divided by its
 * probability under p: {@code M_{n+1} = M_n · [(a + s)/(a + b + n)] / p} on a success, and
 * {@code M_n · [(b + n − s)/(a + b + n)] / (1 − p)} on a failure.
 */
final class MixtureMartingale {

    private final double a;
    private final double b;
    private final double lnP;
    private final double ln1mP;
    private long successes;
    private long trials;
    private double log;

    MixtureMartingale(double p, double a, double b) {
        this.a = a;
        this.b = b;
        this.lnP = Math.log(p);
        this.ln1mP = Math.log1p(-p);
    }

    /** Jeffreys mixture at rate p. */
    static MixtureMartingale jeffreys(double p) {
        return new MixtureMartingale(p, 0.5, 0.5);
    }

    void observe(boolean success) {
        if (success) {
            log += Math.log((a + successes) / (a + b + trials)) - lnP;
            successes++;
        } else {
            log += Math.log((b + trials - successes) / (a + b + trials)) - ln1mP;
        }
        trials++;
    }

    /** {@code ln M_n}. */
    double log() {
        return log;
    }

    long successes() {
        return successes;
    }

    long trials() {
        return trials;
    }
}
