package dev.tollgate.bench;

import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.StreamOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic, realistic request logs of a fleet in the middle of a canary step: {@code services} services,
 * each with a baseline and a canary revision at {@code canaryShare} of the traffic, lognormal latencies (a
 * different median per service, canary like baseline), {@code errorShare} 5xx, about 1 % 4xx, 0.1 % cold
 * starts, 90 % GET / 10 % POST, a route template and a 32-hex request id on every record, and event time
 * advancing at {@code eventsPerSecond} (with up to 50 ms of jitter, well inside the 2 s grace).
 */
final class RequestLogGenerator {
    private static final String[] ROUTES = {
        "/api/v1/items/{id}", "/api/v1/items", "/api/v1/search", "/api/v1/users/{id}/orders", "/healthz"};
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final int services;
    private final double canaryShare;
    private final double errorShare;
    private final int eventsPerSecond;
    private final double postWithKeyShare;
    private final long baseTime;
    private final SplittableRandom random;
    private final String[] names;
    private final String[] baselines;
    private final String[] canaries;
    private final String[] releases;
    private final double[] mu;
    private final char[] idBuf = new char[32];
    private long index;

    RequestLogGenerator(BenchOptions o, long baseTime) {
        this.services = o.services();
        this.canaryShare = o.canaryShare();
        this.errorShare = o.errorShare();
        this.eventsPerSecond = o.eventsPerSecond();
        this.postWithKeyShare = o.postWithKeyShare();
        this.baseTime = baseTime;
        this.random = new SplittableRandom(o.seed());
        this.names = new String[services];
        this.baselines = new String[services];
        this.canaries = new String[services];
        this.releases = new String[services];
        this.mu = new double[services];
        SplittableRandom setup = new SplittableRandom(o.seed() ^ 0x5eed);
        for (int s = 0; s < services; s++) {
            names[s] = String.format("svc-%02d", s);
            int rev = 40 + setup.nextInt(60);
            baselines[s] = names[s] + "-00" + rev;
            canaries[s] = names[s] + "-00" + (rev + 1);
            releases[s] = names[s] + "-release-" + (rev + 1);
            mu[s] = Math.log(15 + setup.nextDouble() * 105); // median 15..120 ms
        }
    }

    /** Service names, index = service number. */
    List<String> serviceNames() {
        return List.of(names);
    }

    /** One STARTED rollout per service at 5 % (step index 1 of the default steps), 1 s before the first request. */
    List<RolloutEvent> rollouts() {
        List<RolloutEvent> out = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            out.add(RolloutEvent.newBuilder()
                    .setService(names[s])
                    .setReleaseId(releases[s])
                    .setTimestamp(baseTime - 1_000)
                    .setBaselineRevision(baselines[s])
                    .setCanaryRevision(canaries[s])
                    .setPhase(RolloutPhase.STARTED)
                    .setStepIndex(1)
                    .setTrafficPercent(canaryShare * 100)
                    .build());
        }
        return out;
    }

    /** The next request log (reuse nothing: the producer may still hold the previous one). */
    RequestLog next() {
        long i = index++;
        int s = random.nextInt(services);
        boolean canary = random.nextDouble() < canaryShare;
        long ts = baseTime + i * 1000L / eventsPerSecond + random.nextInt(50);
        double u = random.nextDouble();
        int status = u < errorShare ? (random.nextBoolean() ? 500 : 503) : u < errorShare + 0.01 ? 404 : 200;
        double latency = Math.exp(mu[s] + 0.5 * gaussian());
        boolean post = random.nextDouble() < 0.1;
        boolean keyed = postWithKeyShare > 0 && random.nextDouble() < postWithKeyShare;
        RequestLog r = new RequestLog();
        r.setService(names[s]);
        r.setReleaseId(releases[s]);
        r.setRevision(canary ? canaries[s] : baselines[s]);
        r.setTimestamp(ts);
        r.setStatus(status);
        r.setLatencyMs(latency);
        r.setColdStart(random.nextDouble() < 0.001);
        r.setMethod(post || keyed ? "POST" : "GET");
        r.setRoute(ROUTES[random.nextInt(ROUTES.length)]);
        r.setRequestId(hex32());
        r.setPinnedRelease(null);
        r.setStreamOutcome(StreamOutcome.NONE);
        // keys repeat now and then (client retries) so the dedupe gate has something to count
        r.setIdempotencyKey(keyed ? "idem-" + (random.nextInt(20) == 0 ? i - 1 - random.nextInt(1000) : i) : null);
        r.setDedupeHit(false);
        return r;
    }

    private String hex32() {
        long a = random.nextLong();
        long b = random.nextLong();
        for (int k = 0; k < 16; k++) {
            idBuf[k] = HEX[(int) (a >>> (k * 4)) & 0xf];
            idBuf[16 + k] = HEX[(int) (b >>> (k * 4)) & 0xf];
        }
        return new String(idBuf);
    }

    private double gaussian() {
        // Box-Muller, one of the pair (SplittableRandom has no nextGaussian on Java 17)
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
