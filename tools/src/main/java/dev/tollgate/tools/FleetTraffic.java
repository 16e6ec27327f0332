package dev.tollgate.tools;

import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.StreamOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Steady request-log traffic of a fleet in the middle of a canary step, as fast as the caller takes it (the
 * throughput bench's load): {@code services} services, each with a baseline and a canary revision at
 * {@code canaryShare} of the traffic, log-normal latencies (sigma 0.5, a different median of 15..120 ms per service,
 * canary like baseline), {@code errorShare} 5xx, about 1 % 4xx, 0.1 % cold starts, 90 % GET / 10 % POST, a route
 * template and a 32-hex request id on every record, and event time advancing at {@code eventsPerSecond} (with up
 * to 50 ms of jitter, well inside the 2 s grace).
 *
 * <p>The scenario {@link Simulator} and this generator draw from the same {@link TrafficRandom}. They stay two
 * loops: the simulator is closed-loop (a router following Tollgate's decisions, one service, every evidence kind,
 * paced per slice), this one is open-loop request logs only, one record per call without allocation beyond the
 * record, which is what the bench's produce rate and figures are measured with.
 */
public final class FleetTraffic {
    private static final String[] ROUTES = {
        "/api/v1/items/{id}", "/api/v1/items", "/api/v1/search", "/api/v1/users/{id}/orders", "/healthz"
    };
    /** Latency spread of every service (sigma of the log-normal). */
    private static final double LATENCY_SIGMA = 0.5;

    /**
     * The fleet.
     *
     * @param services         number of services ({@code svc-00}, {@code svc-01}, ...)
     * @param canaryShare      share of each service's requests served by its canary (0..1)
     * @param errorShare       share of 5xx answers (0..1)
     * @param eventsPerSecond  event-time rate of the whole fleet
     * @param postWithKeyShare share of requests that are POSTs with an idempotency key (some keys repeat)
     * @param seed             random seed: the same settings and base time give the same records
     */
    public record Settings(
            int services,
            double canaryShare,
            double errorShare,
            int eventsPerSecond,
            double postWithKeyShare,
            long seed) {}

    private final Settings settings;
    private final long baseTime;
    private final SplittableRandom random;
    private final TrafficRandom draws;
    private final String[] names;
    private final String[] baselines;
    private final String[] canaries;
    private final String[] releases;
    private final double[] medianMs;
    private long index;

    /** A fleet whose first request is at {@code baseTime} (epoch ms). */
    public FleetTraffic(Settings settings, long baseTime) {
        this.settings = settings;
        this.baseTime = baseTime;
        this.random = new SplittableRandom(settings.seed());
        this.draws = new TrafficRandom(random);
        int services = settings.services();
        this.names = new String[services];
        this.baselines = new String[services];
        this.canaries = new String[services];
        this.releases = new String[services];
        this.medianMs = new double[services];
        SplittableRandom setup = new SplittableRandom(settings.seed() ^ 0x5eed);
        for (int s = 0; s < services; s++) {
            names[s] = String.format(Locale.ROOT, "svc-%02d", s);
            int rev = 40 + setup.nextInt(60);
            baselines[s] = names[s] + "-00" + rev;
            canaries[s] = names[s] + "-00" + (rev + 1);
            releases[s] = names[s] + "-release-" + (rev + 1);
            medianMs[s] = 15 + setup.nextDouble() * 105; // median 15..120 ms
        }
    }

    /** Service names, index = service number. */
    public List<String> serviceNames() {
        return List.of(names);
    }

    /** One STARTED rollout per service at 5 % (step index 1 of the default steps), 1 s before the first request. */
    public List<RolloutEvent> rollouts() {
        List<RolloutEvent> out = new ArrayList<>();
        for (int s = 0; s < names.length; s++) {
            out.add(RolloutEvent.newBuilder()
                    .setService(names[s])
                    .setReleaseId(releases[s])
                    .setTimestamp(baseTime - 1_000)
                    .setBaselineRevision(baselines[s])
                    .setCanaryRevision(canaries[s])
                    .setPhase(RolloutPhase.STARTED)
                    .setStepIndex(1)
                    .setTrafficPercent(settings.canaryShare() * 100)
                    .build());
        }
        return out;
    }

    /** The next request log (a new record each time: a producer may still hold the previous one). */
    public RequestLog next() {
        long i = index++;
        int s = random.nextInt(names.length);
        boolean canary = draws.chance(settings.canaryShare());
        long ts = baseTime + i * 1000L / settings.eventsPerSecond() + random.nextInt(50);
        double u = random.nextDouble();
        double errorShare = settings.errorShare();
        int status = u < errorShare ? (random.nextBoolean() ? 500 : 503) : u < errorShare + 0.01 ? 404 : 200;
        double latency = draws.latencyMs(medianMs[s], LATENCY_SIGMA);
        boolean post = draws.chance(0.1);
        boolean keyed = settings.postWithKeyShare() > 0 && draws.chance(settings.postWithKeyShare());
        RequestLog r = new RequestLog();
        r.setService(names[s]);
        r.setReleaseId(releases[s]);
        r.setRevision(canary ? canaries[s] : baselines[s]);
        r.setTimestamp(ts);
        r.setStatus(status);
        r.setLatencyMs(latency);
        r.setColdStart(draws.chance(0.001));
        r.setMethod(post || keyed ? "POST" : "GET");
        r.setRoute(ROUTES[random.nextInt(ROUTES.length)]);
        r.setRequestId(draws.requestId());
        r.setPinnedRelease(null);
        r.setStreamOutcome(StreamOutcome.NONE);
        // keys repeat now and then (client retries) so the dedupe gate has something to count
        r.setIdempotencyKey(keyed ? "idem-" + (random.nextInt(20) == 0 ? i - 1 - random.nextInt(1000) : i) : null);
        r.setDedupeHit(false);
        return r;
    }
}
