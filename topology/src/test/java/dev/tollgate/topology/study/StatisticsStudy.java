package dev.tollgate.topology.study;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.InconclusiveAction;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.topology.engine.Emitter;
import dev.tollgate.topology.engine.Evaluator;
import dev.tollgate.topology.engine.KeyLedger;
import dev.tollgate.topology.engine.ServiceState;
import dev.tollgate.topology.evidence.LatencySketch;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.gates.ErrorRateGate;
import dev.tollgate.topology.gates.GateIds;
import dev.tollgate.topology.gates.GateInput;
import dev.tollgate.topology.stats.SpecialFunctions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The statistics study of issue 7: drives the real {@link Evaluator} (the gate engine of the topology, free of
 * Kafka) with replay-style per-request {@link RequestLog} events of simulated rollouts, and compares, on the
 * very same request streams, Tollgate's sequential gates with a raw threshold checked on every event and with a
 * Flagger-style check (every 60 s, last minute, rollback after 2 consecutive failed checks). Writes
 * {@code docs/statistics.md}.
 *
 * <pre>
 * mvn -B -q -o -pl topology test-compile org.codehaus.mojo:exec-maven-plugin:3.6.3:java \
 *   -Dexec.mainClass=dev.tollgate.topology.study.StatisticsStudy -Dexec.classpathScope=test \
 *   -Dexec.args="--rollouts 1000 --threads 2"
 * </pre>
 *
 * Options: {@code --rollouts N} per scenario (default 1000), {@code --threads T} (default 2), {@code --seed S},
 * {@code --alpha A} (policy alpha, default 0.01), {@code --out FILE} (default {@code docs/statistics.md} of the
 * repository), {@code --no-write} (print only).
 *
 * <p>{@code --grid} runs the grid of {@link StudyGrid} instead (base 5xx share × traffic, {@code --rollouts N} per
 * cell and scenario) and puts its section into the output file (replacing the previous one), or writes it alone to
 * {@code --grid-out FILE}; {@code --cells 0.01:100,0.05:2000} selects cells (base 5xx share : total req/s).
 * Regenerating the single-cell study keeps a grid section already in the file.
 */
public final class StatisticsStudy {
    // ------------------------------------------------------------------ the simulated service
    static final String SERVICE = "checkout";
    static final String BASE = "rev-1";
    static final String CANARY = "rev-2";
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a whole second
    static final int RPS = 2_000;
    static final double[] STEPS = {1, 5, 25, 50, 100};
    static final double BASE_5XX = 0.002;
    static final double LATENCY_MEDIAN_MS = 80;
    static final double LATENCY_SIGMA = 0.5;
    static final double BASE_COLD = 0.01;
    // ------------------------------------------------------------------ policy and engine settings
    static final long MIN_SAMPLES = 200;
    static final long MIN_STEP_MS = 60_000;
    static final long MAX_STEP_MS = 600_000;
    static final long WARMUP_MS = 10_000;
    static final long GRACE_MS = 2_000;
    static final long TICK_MS = 1_000;
    static final long REFRESH_MS = 10_000;
    // ------------------------------------------------------------------ the two baselines
    static final double ERROR_THRESHOLD = 0.0005;
    static final double LATENCY_THRESHOLD = 0.10;
    static final double COLD_THRESHOLD = 0.05;
    static final long FLAGGER_INTERVAL_MS = 60_000;
    static final int FLAGGER_FAILED_CHECKS = 2;
    /** After Tollgate stops a regression rollout, the baselines keep watching the same step this long. */
    static final long EXTRA_OBSERVATION_MS = 600_000;

    /** The scenarios: A/A and three regressions present from the start of the rollout. */
    enum Kind {
        AA("A/A (canary = baseline)", null, 1.0, 1.0, BASE_COLD),
        ERRORS("canary 5xx 1.0 % vs 0.2 %", GateIds.ERROR_RATE, 5.0, 1.0, BASE_COLD),
        LATENCY("canary p95 +25 %", GateIds.LATENCY_P95, 1.0, 1.25, BASE_COLD),
        COLD("canary cold starts 12 % vs 1 %", GateIds.COLD_START, 1.0, 1.0, 0.12);

        final String label;
        final String gate;
        /** The canary's 5xx share as a multiple of the baseline's. */
        final double errorFactor;

        final double canaryLatencyFactor;
        final double canaryCold;

        Kind(String label, String gate, double errorFactor, double canaryLatencyFactor, double canaryCold) {
            this.label = label;
            this.gate = gate;
            this.errorFactor = errorFactor;
            this.canaryLatencyFactor = canaryLatencyFactor;
            this.canaryCold = canaryCold;
        }

        /** The traffic of this scenario at {@code rps} requests/s in total and a baseline 5xx share {@code base5xx}. */
        Traffic traffic(int rps, double base5xx) {
            return new Traffic(
                    rps, base5xx, errorFactor * base5xx, canaryLatencyFactor, BASE_COLD, canaryCold, this != AA);
        }

        /** The traffic of the single-cell study (2,000 req/s, 0.2 % 5xx). */
        Traffic traffic() {
            return traffic(RPS, BASE_5XX);
        }
    }

    /**
     * The simulated requests of one rollout: {@code rps} requests/s in total, evenly spaced, each sent to the canary
     * with probability equal to the step's share; the canary's 5xx share, latency factor (all latencies scaled) and
     * cold-start share against the baseline's; {@code regression} when the canary is worse (not A/A).
     */
    record Traffic(
            int rps,
            double base5xx,
            double canary5xx,
            double canaryLatencyFactor,
            double baseCold,
            double canaryCold,
            boolean regression) {}

    /**
     * The random numbers of one request, drawn once and shared by every method that looks at the request (common
     * random numbers): which revision serves it (against the step's canary share), whether it fails, its latency's
     * normal deviate and whether it is a cold start.
     */
    static final class Draw {
        double share;
        double error;
        double gaussian;
        double cold;

        void next(SplittableRandom rng) {
            share = rng.nextDouble();
            error = rng.nextDouble();
            gaussian = rng.nextGaussian();
            cold = rng.nextDouble();
        }
    }

    /** One request as seen by a method whose rollout is at canary share {@code percent}. */
    static final class Request {
        long ts;
        boolean canary;
        boolean error;
        double latency;
        boolean cold;
        int bucket;

        Request set(long ts, Draw d, Traffic t, double percent) {
            this.ts = ts;
            canary = d.share * 100 < percent;
            error = d.error < (canary ? t.canary5xx() : t.base5xx());
            latency = (canary ? LATENCY_MEDIAN_MS * t.canaryLatencyFactor() : LATENCY_MEDIAN_MS)
                    * Math.exp(LATENCY_SIGMA * d.gaussian);
            cold = d.cold < (canary ? t.canaryCold() : t.baseCold());
            bucket = Histogram.bucket(latency);
            return this;
        }
    }

    /** Settings of one run. */
    record Config(int rollouts, int threads, long seed, double alpha) {
        static Config defaults() {
            return new Config(1_000, 2, 20_260_101L, 0.01);
        }
    }

    /** When and where one method first decided to roll back (time in ms since the rollout started), or none. */
    static final class Detection {
        long at = -1;
        int step = -1;
        String what = "";

        boolean detected() {
            return at >= 0;
        }

        void set(long at, int step, String what) {
            if (this.at < 0) {
                this.at = at;
                this.step = step;
                this.what = what;
            }
        }
    }

    /** How Tollgate's rollout ended. */
    enum End {
        COMPLETE,
        ROLLBACK,
        FREEZE,
        HELD,
        CAPPED
    }

    /** The result of one simulated rollout. */
    static final class Rollout {
        final Detection tollgate = new Detection();
        final Detection raw = new Detection();
        final Detection flagger = new Detection();
        End end = End.CAPPED;
        long endAt;
        /** For a HELD rollout: the step and the gates still inconclusive. */
        String held = "";

        long evaluatorEvents;
    }

    // ================================================================== one rollout

    static GatePolicy policy(double alpha) {
        Map<String, GateSettings> gates = new HashMap<>();
        // gates that need other event types (metrics, probes, queues, side effects) are off: the study is about
        // the request-statistics gates; dedupe stays on (no idempotent POSTs here, so it passes trivially)
        for (String g : List.of(
                GateIds.WARM_CAPACITY,
                GateIds.SIDE_EFFECTS,
                GateIds.SEMANTIC_DRIFT,
                GateIds.LAMBDA,
                GateIds.QUEUE_AGE,
                GateIds.QUEUE_FENCE,
                GateIds.SCHEMA_PINS,
                GateIds.STICKY_ROUTING,
                GateIds.STREAM_DRAIN)) {
            gates.put(g, GateSettings.newBuilder().setEnabled(false).build());
        }
        return GatePolicy.newBuilder()
                .setGates(gates)
                .setMinSamples(MIN_SAMPLES)
                .setMinStepDurationMs(MIN_STEP_MS)
                .setMaxStepDurationMs(MAX_STEP_MS)
                .setOnInconclusive(InconclusiveAction.DECIDE)
                .setWarmupMs(WARMUP_MS)
                .setAlpha(alpha)
                .setNoDataTimeoutMs(60_000)
                .build();
    }

    private static RolloutEvent rolloutEvent(RolloutPhase phase, int stepIndex, double percent, long ts) {
        return RolloutEvent.newBuilder()
                .setService(SERVICE)
                .setReleaseId("rel-1")
                .setTimestamp(ts)
                .setBaselineRevision(BASE)
                .setCanaryRevision(CANARY)
                .setPhase(phase)
                .setStepIndex(stepIndex)
                .setTrafficPercent(percent)
                .build();
    }

    private static RequestLog requestTemplate(String revision) {
        return RequestLog.newBuilder()
                .setService(SERVICE)
                .setReleaseId("rel-1")
                .setRevision(revision)
                .setTimestamp(T0)
                .setStatus(200)
                .setLatencyMs(1)
                .setColdStart(false)
                .setMethod("GET")
                .setStreamOutcome(StreamOutcome.NONE)
                .build();
    }

    /**
     * Tollgate driving one rollout: the real {@link Evaluator} fed request by request, and a router stand-in that
     * follows its decisions (on PROMOTE it publishes the next STEP at the current event time; ROLLBACK, FREEZE,
     * COMPLETE or a max-duration HOLD end the rollout). Writes the outcome into a {@link Rollout}.
     */
    static final class TollgateRun {
        private final Evaluator evaluator;
        private final ServiceState state = new ServiceState();
        private final Decisions out = new Decisions();
        private final KeyLedger ledger = new MapLedger();
        // the Evaluator reads each event during ingest and keeps nothing of it, so one mutable record per
        // revision stands for a freshly decoded one (as an Avro reader reusing its record would)
        private final RequestLog canaryLog = requestTemplate(CANARY);
        private final RequestLog baseLog = requestTemplate(BASE);
        private final Rollout result;
        int step;
        double traffic = STEPS[0];
        long stepStart = T0;
        boolean on = true;

        TollgateRun(GatePolicy policy, Rollout result) {
            this.result = result;
            this.evaluator = new Evaluator(GRACE_MS, TICK_MS, REFRESH_MS, s -> policy);
            evaluator.ingest(state, SERVICE, rolloutEvent(RolloutPhase.STARTED, 0, traffic, T0), T0, ledger);
        }

        void ingest(Request q) {
            RequestLog r = q.canary ? canaryLog : baseLog;
            r.setTimestamp(q.ts);
            r.setStatus(q.error ? 503 : 200);
            r.setLatencyMs(q.latency);
            r.setColdStart(q.cold);
            evaluator.ingest(state, SERVICE, r, q.ts, ledger);
            result.evaluatorEvents++;
        }

        /**
         * Advances the engine to event time {@code now} and applies its decisions, calling {@code onPromote} after
         * each PROMOTE; returns true when the rollout ended (it is then off).
         */
        boolean advance(long now, Runnable onPromote) {
            evaluator.advance(state, SERVICE, out);
            for (GateDecision d : out.drain()) {
                End end = null;
                switch (d.getAction()) {
                    case PROMOTE -> {
                        step = d.getStepIndex() + 1;
                        traffic = d.getNextTrafficPercent();
                        stepStart = now;
                        evaluator.ingest(
                                state, SERVICE, rolloutEvent(RolloutPhase.STEP, step, traffic, now), now, ledger);
                        onPromote.run();
                    }
                    case COMPLETE -> end = End.COMPLETE;
                    case ROLLBACK, FREEZE -> {
                        end = d.getAction() == Action.ROLLBACK ? End.ROLLBACK : End.FREEZE;
                        result.tollgate.set(
                                d.getDecidedAt() - T0, d.getStepIndex(), String.join(",", d.getFailingGates()));
                    }
                    case HOLD -> {
                        if (!d.getReasons().isEmpty() && d.getReasons().get(0).startsWith("step still inconclusive")) {
                            end = End.HELD;
                            result.held = String.format(
                                    Locale.ROOT,
                                    "%.0f %%: %s",
                                    d.getTrafficPercent(),
                                    String.join(",", d.getFailingGates()));
                        }
                    }
                    default -> {}
                }
                if (end != null) {
                    result.end = end;
                    result.endAt = d.getDecidedAt() - T0;
                    on = false;
                    return true;
                }
            }
            return false;
        }
    }

    /** The last moment a rollout may run: every step at its maximum duration, plus a minute each for the router. */
    static final long HARD_CAP_MS = STEPS.length * (MAX_STEP_MS + 60_000);

    /**
     * Simulates one rollout of {@code kind} with its own random stream: Tollgate drives the steps and the two
     * baselines watch the same requests at Tollgate's steps.
     */
    static Rollout simulate(Kind kind, long seed, GatePolicy policy) {
        Traffic traffic = kind.traffic();
        SplittableRandom rng = new SplittableRandom(seed);
        Rollout result = new Rollout();
        TollgateRun tollgate = new TollgateRun(policy, result);
        RawThreshold raw = new RawThreshold();
        FlaggerCheck flagger = new FlaggerCheck();
        Draw draw = new Draw();
        Request q = new Request();
        Runnable newStep = () -> raw.newStep(tollgate.traffic >= 100);

        long now = T0;
        long stopAt = Long.MAX_VALUE;
        long hardCap = T0 + HARD_CAP_MS;
        while (now < stopAt && now < hardCap) {
            // one second of traffic, split by the current canary share
            for (int k = 0; k < traffic.rps(); k++) {
                draw.next(rng);
                q.set(now + (k * 1_000L) / traffic.rps(), draw, traffic, tollgate.traffic);
                if (tollgate.on) {
                    tollgate.ingest(q);
                }
                boolean afterWarmup = q.ts >= tollgate.stepStart + WARMUP_MS;
                if (!result.raw.detected() && raw.add(q.canary, q.error, q.bucket, q.cold, afterWarmup)) {
                    result.raw.set(q.ts - T0, tollgate.step, raw.what);
                }
                flagger.add(q.canary, q.error, q.bucket, q.cold, afterWarmup);
            }
            now += 1_000;
            if ((now - T0) % FLAGGER_INTERVAL_MS == 0 && !result.flagger.detected() && flagger.check()) {
                result.flagger.set(now - T0, tollgate.step, flagger.what);
            }
            if (!tollgate.on) {
                if (result.raw.detected() && result.flagger.detected()) {
                    break;
                }
                continue;
            }
            if (tollgate.advance(now, newStep)) {
                // the rollout is over; in a regression the baselines keep watching the same stream
                stopAt = traffic.regression() ? now + EXTRA_OBSERVATION_MS : now;
            }
        }
        if (result.end == End.CAPPED) {
            result.endAt = now - T0;
        }
        return result;
    }

    /** Collects decisions; results and timeline minutes are not needed. */
    static final class Decisions implements Emitter {
        private final List<GateDecision> pending = new ArrayList<>();

        @Override
        public void result(GateResult result) {}

        @Override
        public void decision(GateDecision decision) {
            pending.add(decision);
        }

        @Override
        public void minute(RevisionMinuteStats stats) {}

        List<GateDecision> drain() {
            List<GateDecision> d = new ArrayList<>(pending);
            pending.clear();
            return d;
        }
    }

    /** A plain in-memory ledger (the topology uses a windowed store); retention is not needed here. */
    static final class MapLedger implements KeyLedger {
        private final Map<String, long[]> deliveries = new HashMap<>();
        private final Map<String, String> effects = new HashMap<>();
        private final Map<String, String> offsets = new HashMap<>();

        @Override
        public long[] delivery(String service, String key, long timestamp, boolean dedupeHit, long retentionMs) {
            long[] seen = deliveries.computeIfAbsent(service + "|" + key, k -> new long[2]);
            long[] before = {seen[0], seen[1]};
            seen[0]++;
            seen[1] += dedupeHit ? 1 : 0;
            return before;
        }

        @Override
        public String sideEffect(String service, String key, long timestamp, String revision, long retentionMs) {
            return effects.putIfAbsent(service + "|" + key, revision);
        }

        @Override
        public String queueOffset(String service, String key, long timestamp, String revision, long retentionMs) {
            String before = offsets.putIfAbsent(service + "|" + key, revision);
            return before == null || before.equals(revision) ? null : before;
        }
    }

    // ================================================================== the two baselines

    /**
     * Log buckets with the sketch's 0.5 % relative accuracy, and an order-statistic cursor that follows the p95
     * bucket incrementally (amortised O(1) per value), so a running p95 can be checked on every event.
     */
    static final class Histogram {
        private static final double GAMMA =
                (1 + LatencySketch.RELATIVE_ACCURACY) / (1 - LatencySketch.RELATIVE_ACCURACY);
        private static final double LN_GAMMA = Math.log(GAMMA);
        private static final int OFFSET = 700;
        static final int BUCKETS = 2_000;
        private static final double Q = 0.95;

        final long[] counts = new long[BUCKETS];
        long n;
        private int cursor = -1;
        private long below; // values in buckets below the cursor

        static int bucket(double value) {
            int i = value > 1e-3 ? (int) Math.ceil(Math.log(value) / LN_GAMMA) + OFFSET : 0;
            return Math.max(0, Math.min(BUCKETS - 1, i));
        }

        static double value(int bucket) {
            return 2 * Math.pow(GAMMA, bucket - OFFSET) / (GAMMA + 1);
        }

        void add(int bucket) {
            counts[bucket]++;
            n++;
            if (cursor < 0) {
                cursor = bucket;
                below = 0;
            } else if (bucket < cursor) {
                below++;
            }
            long rank = (long) Math.floor(Q * (n - 1)); // 0-based, the sketch's convention
            while (below > rank) {
                cursor--;
                below -= counts[cursor];
            }
            while (below + counts[cursor] <= rank) {
                below += counts[cursor];
                cursor++;
            }
        }

        /** The running p95 (bucket representative), NaN when empty. */
        double p95() {
            return n == 0 ? Double.NaN : value(cursor);
        }

        void clear() {
            Arrays.fill(counts, 0);
            n = 0;
            cursor = -1;
            below = 0;
        }

        void copyFrom(Histogram o) {
            System.arraycopy(o.counts, 0, counts, 0, BUCKETS);
            n = o.n;
            cursor = o.cursor;
            below = o.below;
        }
    }

    /** Request counts and latency histograms of the canary and the baseline over some span. */
    static final class Window {
        long cReq;
        long cErr;
        long bReq;
        long bErr;
        long cAfter;
        long cCold;
        final Histogram cLat = new Histogram();
        final Histogram bLat = new Histogram();

        void add(boolean canary, boolean error, int bucket, boolean cold, boolean afterWarmup) {
            if (canary) {
                cReq++;
                cErr += error ? 1 : 0;
                cLat.add(bucket);
                if (afterWarmup) {
                    cAfter++;
                    cCold += cold ? 1 : 0;
                }
            } else {
                bReq++;
                bErr += error ? 1 : 0;
                bLat.add(bucket);
            }
        }

        /**
         * The first threshold the canary breaches against the given baseline figures (error rate, then p95, then
         * cold starts), or null.
         */
        String breach(long baseReq, long baseErr, Histogram baseLat) {
            if (cReq == 0) {
                return null;
            }
            if (baseReq > 0 && (double) cErr / cReq - (double) baseErr / baseReq > ERROR_THRESHOLD) {
                return GateIds.ERROR_RATE;
            }
            if (baseReq > 0 && cLat.p95() / baseLat.p95() - 1 > LATENCY_THRESHOLD) {
                return GateIds.LATENCY_P95;
            }
            if (cAfter > 0 && (double) cCold / cAfter > COLD_THRESHOLD) {
                return GateIds.COLD_START;
            }
            return null;
        }

        void clearCanary() {
            cReq = 0;
            cErr = 0;
            cAfter = 0;
            cCold = 0;
            cLat.clear();
        }

        void clearBaseline() {
            bReq = 0;
            bErr = 0;
            bLat.clear();
        }
    }

    /** Raw running rates since the step started, the thresholds checked on every event. */
    static final class RawThreshold {
        final Window w = new Window();
        String what = "";

        /** Adds one request and checks; true when a threshold is breached. */
        boolean add(boolean canary, boolean error, int bucket, boolean cold, boolean afterWarmup) {
            w.add(canary, error, bucket, cold, afterWarmup);
            String failed = w.breach(w.bReq, w.bErr, w.bLat);
            if (failed != null) {
                what = failed;
            }
            return failed != null;
        }

        /** A new step: the canary starts over; at 100 % the baseline's last step stays the reference (as in Tollgate). */
        void newStep(boolean keepBaseline) {
            w.clearCanary();
            if (!keepBaseline || w.bReq == 0) {
                w.clearBaseline();
            }
        }
    }

    /**
     * Flagger-style analysis: every 60 s of event time the same thresholds are checked on the last minute of
     * requests; two consecutive failed checks roll back. A minute without canary requests is skipped; a minute
     * without baseline requests (the 100 % step) compares with the last minute that had some.
     */
    static final class FlaggerCheck {
        final Window w = new Window();
        final Histogram lastBLat = new Histogram();
        long lastBReq;
        long lastBErr;
        int consecutive;
        String what = "";

        void add(boolean canary, boolean error, int bucket, boolean cold, boolean afterWarmup) {
            w.add(canary, error, bucket, cold, afterWarmup);
        }

        /** Runs one check over the minute just ended and starts the next; true when it rolls back. */
        boolean check() {
            if (w.bReq > 0) {
                lastBReq = w.bReq;
                lastBErr = w.bErr;
                lastBLat.copyFrom(w.bLat);
            }
            boolean rollback = false;
            if (w.cReq > 0) {
                String failed = w.breach(lastBReq, lastBErr, lastBLat);
                consecutive = failed == null ? 0 : consecutive + 1;
                if (failed != null) {
                    what = failed;
                }
                rollback = consecutive >= FLAGGER_FAILED_CHECKS;
            }
            w.clearCanary();
            w.clearBaseline();
            return rollback;
        }
    }

    // ================================================================== the study

    /** All rollouts of one run. */
    static final class Report {
        final Config config;
        final Map<Kind, Rollout[]> rollouts = new TreeMap<>();
        long elapsedMs;
        long events;

        Report(Config config) {
            this.config = config;
        }
    }

    static long seedOf(long seed, Kind kind, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (kind.ordinal() + 1) + 0xBF58476D1CE4E5B9L * index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Runs every scenario {@code config.rollouts} times. */
    static Report run(Config config, boolean progress) {
        Report report = new Report(config);
        GatePolicy policy = policy(config.alpha);
        long start = System.nanoTime();
        List<Callable<Rollout>> tasks = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (int i = 0; i < config.rollouts; i++) {
                long seed = seedOf(config.seed, kind, i);
                tasks.add(() -> simulate(kind, seed, policy));
            }
        }
        List<Rollout> all = parallel(tasks, config.threads, progress);
        int k = 0;
        for (Kind kind : Kind.values()) {
            Rollout[] rs = new Rollout[config.rollouts];
            for (int i = 0; i < rs.length; i++) {
                rs[i] = all.get(k++);
                report.events += rs[i].evaluatorEvents;
            }
            report.rollouts.put(kind, rs);
        }
        report.elapsedMs = (System.nanoTime() - start) / 1_000_000;
        return report;
    }

    /** Runs the simulations on {@code threads} threads; the results in the order of the tasks. */
    static <T> List<T> parallel(List<Callable<T>> tasks, int threads, boolean progress) {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            int total = tasks.size();
            AtomicInteger done = new AtomicInteger();
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    T r = task.call();
                    int n = done.incrementAndGet();
                    if (progress && (n % Math.max(1, total / 20) == 0 || n == total)) {
                        System.err.printf(
                                Locale.ROOT,
                                "[study] %d/%d rollouts, %.0f s%n",
                                n,
                                total,
                                (System.nanoTime() - start) / 1e9);
                    }
                    return r;
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    // ================================================================== summaries

    /** The detections of one method over one scenario. */
    record Summary(int n, int detected, double[] ci, double medianS, double p95S, int[] steps) {
        static Summary of(Rollout[] rs, java.util.function.Function<Rollout, Detection> method) {
            List<Long> times = new ArrayList<>();
            int[] steps = new int[STEPS.length];
            for (Rollout r : rs) {
                Detection d = method.apply(r);
                if (d.detected()) {
                    times.add(d.at);
                    steps[d.step]++;
                }
            }
            long[] t = times.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Summary(
                    rs.length,
                    t.length,
                    clopperPearson(t.length, rs.length, 0.05),
                    t.length == 0 ? Double.NaN : nearestRank(t, 0.5) / 1000.0,
                    t.length == 0 ? Double.NaN : nearestRank(t, 0.95) / 1000.0,
                    steps);
        }

        double rate() {
            return (double) detected / n;
        }
    }

    static long nearestRank(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** The exact (Clopper-Pearson) two-sided {@code 1 − level} interval for a binomial proportion. */
    static double[] clopperPearson(int x, int n, double level) {
        double lo = x == 0 ? 0.0 : bisect(p -> 1 - binomialCdf(x - 1, n, p) - level / 2, false);
        double hi = x == n ? 1.0 : bisect(p -> binomialCdf(x, n, p) - level / 2, true);
        return new double[] {lo, hi};
    }

    /** Root in (0, 1) of a function increasing ({@code decreasing == false}) or decreasing in p. */
    private static double bisect(java.util.function.DoubleUnaryOperator f, boolean decreasing) {
        double a = 0;
        double b = 1;
        for (int i = 0; i < 200; i++) {
            double m = 0.5 * (a + b);
            double v = f.applyAsDouble(m);
            if ((v > 0) != decreasing) {
                b = m;
            } else {
                a = m;
            }
        }
        return 0.5 * (a + b);
    }

    /** P(Binomial(n, p) ≤ x). */
    static double binomialCdf(int x, int n, double p) {
        if (x < 0) {
            return 0;
        }
        if (x >= n) {
            return 1;
        }
        double lnP = Math.log(p);
        double ln1mP = Math.log1p(-p);
        double lnN = SpecialFunctions.lnGamma(n + 1.0);
        double sum = 0;
        for (int k = 0; k <= x; k++) {
            sum += Math.exp(lnN
                    - SpecialFunctions.lnGamma(k + 1.0)
                    - SpecialFunctions.lnGamma(n - k + 1.0)
                    + k * lnP
                    + (n - k) * ln1mP);
        }
        return Math.min(1, sum);
    }

    // ================================================================== the document

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * v);
    }

    static String pct2(double v) {
        return String.format(Locale.ROOT, "%.2f %%", 100 * v);
    }

    static String secs(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f s", v);
    }

    private static String steps(int[] byStep) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < byStep.length; i++) {
            if (byStep[i] > 0) {
                sb.append(sb.length() == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%.0f %%: %d", STEPS[i], byStep[i]));
            }
        }
        return sb.length() == 0 ? "–" : sb.toString();
    }

    private static String rateCell(Summary s) {
        return String.format(
                Locale.ROOT, "%d / %d = %s [%s, %s]", s.detected, s.n, pct2(s.rate()), pct2(s.ci[0]), pct2(s.ci[1]));
    }

    /** The measured tables (the part of docs/statistics.md the run regenerates). */
    static String tables(Report report) {
        StringBuilder md = new StringBuilder();
        Rollout[] aa = report.rollouts.get(Kind.AA);
        int n = aa.length;
        Summary tg = Summary.of(aa, r -> r.tollgate);
        Summary raw = Summary.of(aa, r -> r.raw);
        Summary fl = Summary.of(aa, r -> r.flagger);
        md.append("### A/A: false rollbacks\n\n");
        md.append(String.format(
                Locale.ROOT,
                "%d rollouts, canary and baseline from the same distributions. "
                        + "Share of rollouts with any rollback, with its exact 95 %% (Clopper-Pearson) interval.%n%n",
                n));
        md.append("| method | false rollbacks | at step | median / p95 time of the false rollback |\n");
        md.append("|---|---|---|---|\n");
        md.append("| **Tollgate** (sequential, alpha ")
                .append(report.config.alpha)
                .append(" per gate and step) | ")
                .append(rateCell(tg))
                .append(" | ")
                .append(steps(tg.steps))
                .append(" | ")
                .append(secs(tg.medianS))
                .append(" / ")
                .append(secs(tg.p95S))
                .append(" |\n");
        md.append("| raw threshold on the running rate, every event | ")
                .append(rateCell(raw))
                .append(" | ")
                .append(steps(raw.steps))
                .append(" | ")
                .append(secs(raw.medianS))
                .append(" / ")
                .append(secs(raw.p95S))
                .append(" |\n");
        md.append("| Flagger-style (60 s checks, last minute, 2 consecutive failures) | ")
                .append(rateCell(fl))
                .append(" | ")
                .append(steps(fl.steps))
                .append(" | ")
                .append(secs(fl.medianS))
                .append(" / ")
                .append(secs(fl.p95S))
                .append(" |\n\n");
        Map<End, Integer> ends = new TreeMap<>();
        List<Long> durations = new ArrayList<>();
        Map<String, Integer> falseGates = new TreeMap<>();
        Map<String, Integer> rawGates = new TreeMap<>();
        Map<String, Integer> heldBy = new TreeMap<>();
        Map<String, Integer> flaggerGates = new TreeMap<>();
        for (Rollout r : aa) {
            ends.merge(r.end, 1, Integer::sum);
            if (r.end == End.COMPLETE) {
                durations.add(r.endAt);
            }
            if (r.end == End.HELD) {
                heldBy.merge(r.held, 1, Integer::sum);
            }
            if (r.tollgate.detected()) {
                falseGates.merge(r.tollgate.what, 1, Integer::sum);
            }
            if (r.raw.detected()) {
                rawGates.merge(r.raw.what, 1, Integer::sum);
            }
            if (r.flagger.detected()) {
                flaggerGates.merge(r.flagger.what, 1, Integer::sum);
            }
        }
        long[] d = durations.stream().mapToLong(Long::longValue).sorted().toArray();
        md.append("Tollgate's A/A rollouts ended: ")
                .append(ends)
                .append("; a completed rollout took a median of ")
                .append(d.length == 0 ? "–" : secs(nearestRank(d, 0.5) / 1000.0))
                .append(" (p95 ")
                .append(d.length == 0 ? "–" : secs(nearestRank(d, 0.95) / 1000.0))
                .append(") of event time for the five steps");
        md.append(
                heldBy.isEmpty()
                        ? ". "
                        : "; HELD (inconclusive after maxStepDurationMs, handed to a person) at step: " + heldBy
                                + ". ");
        md.append("Gates behind false rollbacks: Tollgate ")
                .append(falseGates.isEmpty() ? "none" : falseGates)
                .append("; raw threshold ")
                .append(rawGates)
                .append("; Flagger-style ")
                .append(flaggerGates)
                .append(".\n\n");

        md.append("### Regressions: detection\n\n");
        md.append("Each regression is present on the canary from the start of the rollout; time to detection is event "
                + "time from that start to the rollback decision (Tollgate: the end of the evaluation tick that "
                + "decided). Rates with exact 95 % intervals.\n\n");
        md.append(
                "| regression | method | detected | at step | median time | p95 time | Tollgate named the regressed gate |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (Kind kind : Kind.values()) {
            if (kind == Kind.AA) {
                continue;
            }
            Rollout[] rs = report.rollouts.get(kind);
            int named = 0;
            for (Rollout r : rs) {
                if (r.tollgate.detected()
                        && Arrays.asList(r.tollgate.what.split(",")).contains(kind.gate)) {
                    named++;
                }
            }
            String[] names = {"**Tollgate**", "raw threshold, every event", "Flagger-style"};
            List<java.util.function.Function<Rollout, Detection>> methods =
                    List.of(r -> r.tollgate, r -> r.raw, r -> r.flagger);
            for (int m = 0; m < 3; m++) {
                Summary s = Summary.of(rs, methods.get(m));
                md.append("| ")
                        .append(m == 0 ? kind.label : "")
                        .append(" | ")
                        .append(names[m])
                        .append(" | ")
                        .append(rateCell(s))
                        .append(" | ")
                        .append(steps(s.steps))
                        .append(" | ")
                        .append(secs(s.medianS))
                        .append(" | ")
                        .append(secs(s.p95S))
                        .append(" | ")
                        .append(m == 0 ? named + " / " + s.detected : "")
                        .append(" |\n");
            }
        }
        md.append("\n");
        md.append(String.format(
                Locale.ROOT,
                "Run: %d rollouts per scenario (%d in all), seed %d, %d thread(s); "
                        + "%,d request events through the Evaluator; wall-clock runtime %.1f min (%.0f k events/s).%n",
                report.config.rollouts,
                report.config.rollouts * Kind.values().length,
                report.config.seed,
                report.config.threads,
                report.events,
                report.elapsedMs / 60_000.0,
                report.events / Math.max(1.0, report.elapsedMs)));
        return md.toString();
    }

    /** The whole of docs/statistics.md. */
    static String document(Report report, String command) {
        return DOC_HEAD.replace("%EXAMPLE%", exampleDetail())
                + "\n## Measured\n\nRegenerate with (from the repository root):\n\n```\n" + command + "\n```\n\n"
                + tables(report) + "\n" + DOC_TAIL;
    }

    /** A real detail line of the error-rate gate, for the document. */
    static String exampleDetail() {
        RevisionEvidence baseline = new RevisionEvidence();
        baseline.traffic.requests = 100_000;
        baseline.traffic.errors5xx = 200;
        RevisionEvidence canary = new RevisionEvidence();
        canary.traffic.requests = 5_000;
        canary.traffic.errors5xx = 110;
        GateInput in = new GateInput(
                GatePolicy.newBuilder().build(),
                1,
                5,
                25.0,
                false,
                0,
                60_000,
                baseline,
                canary,
                new RevisionEvidence());
        ErrorRateGate gate = new ErrorRateGate();
        return gate.evaluate(in, gate.defaultThreshold()).detail();
    }

    static String command(Config c) {
        return "mvn -B -q -o -pl topology test-compile org.codehaus.mojo:exec-maven-plugin:3.6.3:java \\\n"
                + "  -Dexec.mainClass=dev.tollgate.topology.study.StatisticsStudy -Dexec.classpathScope=test \\\n"
                + "  -Dexec.args=\"--rollouts " + c.rollouts + " --threads " + c.threads + "\"";
    }

    public static void main(String[] args) {
        if (System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES") == null) {
            // as in the tollgate CLI: Avro resolves enum defaults by class name only for trusted packages
            System.setProperty(
                    "org.apache.avro.SERIALIZABLE_PACKAGES",
                    "dev.tollgate.schemas.avro,java.lang,java.util,org.apache.avro.util");
        }
        Config c = Config.defaults();
        Path out = null;
        boolean write = true;
        boolean grid = false;
        Path gridOut = null;
        List<StudyGrid.Cell> cells = StudyGrid.Cell.all();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rollouts" -> c = new Config(Integer.parseInt(args[++i]), c.threads, c.seed, c.alpha);
                case "--threads" -> c = new Config(c.rollouts, Integer.parseInt(args[++i]), c.seed, c.alpha);
                case "--seed" -> c = new Config(c.rollouts, c.threads, Long.parseLong(args[++i]), c.alpha);
                case "--alpha" -> c = new Config(c.rollouts, c.threads, c.seed, Double.parseDouble(args[++i]));
                case "--out" -> out = Paths.get(args[++i]);
                case "--no-write" -> write = false;
                case "--grid" -> grid = true;
                case "--grid-out" -> gridOut = Paths.get(args[++i]);
                case "--cells" -> cells = StudyGrid.Cell.parse(args[++i]);
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + " (use --rollouts N --threads T --seed S --alpha A --out FILE --no-write"
                            + " --grid [--cells BASE:RPS,… --grid-out FILE])");
            }
        }
        if (!grid && (gridOut != null || cells.size() != StudyGrid.Cell.all().size())) {
            throw new IllegalArgumentException("--cells and --grid-out need --grid");
        }
        Path target = out != null ? out : repositoryRoot().resolve("docs").resolve("statistics.md");
        if (grid) {
            String section = StudyGrid.report(StudyGrid.run(c, cells, true), StudyGrid.command(c, cells));
            System.out.println(section);
            if (write) {
                // the section alone in --grid-out, or in place of the previous one in the study's document
                write(
                        gridOut != null ? gridOut : target,
                        gridOut != null ? section : StudyGrid.insert(read(target), section));
            }
            return;
        }
        Report report = run(c, true);
        String doc = document(report, command(c));
        if (!write) {
            System.out.println(tables(report));
            return;
        }
        // a grid section of an earlier --grid run stays
        String previousGrid = StudyGrid.section(read(target));
        write(target, previousGrid == null ? doc : StudyGrid.insert(doc, previousGrid));
        System.out.println(tables(report));
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path target, String text) {
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(target, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.err.println("[study] wrote " + target.toAbsolutePath());
    }

    /** The repository root: the nearest directory upwards holding both pom.xml and topology/. */
    static Path repositoryRoot() {
        Path p = Paths.get("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isRegularFile(q.resolve("pom.xml")) && Files.isDirectory(q.resolve("topology"))) {
                return q;
            }
        }
        return p;
    }

    // ================================================================== the fixed text of docs/statistics.md

    static final String DOC_HEAD = """
            # Statistics: gates that stay honest under continuous monitoring

            Tollgate evaluates its gates on every evaluation tick (1 s of event time by default), from the first canary
            request of a step on. A fixed threshold on a raw rate, looked at that often, rolls back healthy canaries
            (one 5xx among the first 20 requests of a 1 % canary is a "5 % error rate") and a fixed-sample test
            looked at repeatedly loses its error guarantee (by the law of the iterated logarithm, a z-test checked
            after every observation eventually rejects a true null with probability one). The four gates on rates
            and quantiles therefore judge an *anytime-valid confidence sequence* (CS): a sequence of intervals
            `C_1, C_2, …` that contains the true value at all sample sizes simultaneously with probability at least
            `1 − alpha`, so it may be looked at after every event and acted on whenever it excludes the threshold.

            ## The gates

            | gate | quantity | confidence sequence | FAIL (rolls back) | PASS |
            |---|---|---|---|---|
            | `error-rate` | `δ = p_canary − p_baseline` (5xx shares, same span) | `rate-diff-cs`: beta-binomial CS per arm at `alpha/2`, `[L_c − U_b, U_c − L_b]` | lower bound of δ > threshold (0.05 pp) | both arms ≥ `minSamples`, no FAIL, and `δ̂ ≤` threshold, or `δ̂` (below 25 %) / the upper bound (from 25 % on) ≤ the resolution target `0.05 pp + 3 × max(p̂_baseline, 0.05 pp)` |
            | `latency-p95` | `p95_canary / p95_baseline − 1` | `quantile-ratio-cs`: order-statistic quantile CS per arm at `alpha/2`, widened by the sketch error, `[L_c/U_b, U_c/L_b] − 1` | lower bound > threshold (+10 %) | both arms ≥ `minSamples`, no FAIL, and estimate ≤ threshold, or the estimate (below 25 %) / upper bound (from 25 % on) ≤ +25 % |
            | `cold-start` | canary cold-start share after `warmupMs` | `beta-binomial-cs` at `alpha` | lower bound > threshold (5 %) | ≥ `minSamples` requests after warm-up, no FAIL, and share ≤ threshold, or the share (below 25 %) / upper bound (from 25 % on) ≤ 10 % |
            | `dedupe` | canary share of duplicate POSTs answered with `dedupeHit` | `beta-binomial-cs` at `alpha`, plus an exact executed-duplicate budget (below) | upper bound < threshold (0.999), **or** more executed duplicates than the budget allows | no duplicates, or all deduped, or ≥ `minSamples` duplicates with share ≥ threshold |

            **Why `dedupe` also has a budget.** A duplicate POST that was not answered from the idempotency store
            was *executed twice*: a double charge or a second webhook, an observed fact rather than a noisy sample of
            a rate. The gate therefore also keeps an exact budget: the threshold allows `floor((1 − θ) · W)` executed
            duplicates among `W = max(n, ⌈1/(1 − θ)⌉)` duplicate deliveries (at θ = 0.999: 1 per 1,000, counted over
            at least the first 1,000). One more fails: the share over those `W` deliveries is then below θ whatever
            comes next, so 2 misses among 1,000 duplicates fail (0.998 < 0.999) and 1 passes. This rule is not
            anytime-valid in the CS sense: a service whose *true* miss rate sits just inside the threshold can spend
            its budget by chance (for a true share of exactly 0.999 the chance of 2+ misses among the first 1,000
            alone is 26 %; at 0.9999 it is 0.5 %; a correctly idempotent service, share 1, never does). That is the
            intended reading of "dedupe hit rate ≥ 99.9 %" for executed side effects, and the CS bounds in the result
            still say what the true share plausibly is. The three other gates have no such rule.

            Everything else is INCONCLUSIVE (the step holds; at `maxStepDurationMs` the policy's `onInconclusive`
            decides, below), and a gate without canary evidence is NODATA. FAIL needs no minimum sample size: the CS is
            valid at every sample size, so a canary that fails half its requests is rolled back after a few dozen.
            PASS does *not* claim the canary is confidently within the threshold (at a 1 % canary that would take
            tens of thousands of requests for a 0.05 pp tolerance). The rule (issue 11) is the sequential-testing route
            of Lindon et al.: the CS only looks for a confident regression, and

            - **below the 25 % step** a step with its `minSamples` and `minStepDurationMs` and no FAIL passes when the
              estimate is within the threshold or within the *resolution target* (error rate: the threshold plus three
              times the baseline's rate; p95: +25 %; cold starts: 10 %): its blast radius is small, and the 25 %, 50 % and
              100 % steps see 5–100 times its traffic, so they catch what it could not; a canary whose estimate is beyond
              the target (e.g. 3 % 5xx against 0 %) is held there until the CS clears the threshold;
            - **from the 25 % step on** a PASS needs the estimate within the threshold (the old rule) or the resolution
              *reached*: the CS upper bound at most the target. So a healthy canary whose noise exceeds a tight tolerance
              passes once the evidence excludes a regression worth catching, and a canary at 5× the baseline's 5xx rate
              cannot pass that way (its upper bound stays above the target) and is held until its lower bound clears the
              threshold.

            Every PASS states what it excluded: "regressions above X excluded" is the CS upper bound at that evaluation,
            the smallest regression the step's evidence would have flagged. The guarantee on false rollbacks is
            unchanged (FAIL still needs the lower bound above the threshold). Why this rule: with the old one (PASS only
            with the estimate within the threshold) an A/A canary at a base rate whose noise exceeds the tolerance held
            at the 100 % step, whose stale baseline estimate can sit below the true rate by more than the tolerance for
            good; and in the 9-cell grid below A/A completion was 55–75 % at 100 req/s. With the resolution target
            required at every step, A/A rollouts at 0.1 % base 5xx and 100 req/s still held 23 % of the time at the 1 %
            step (one 5xx among a few hundred canary requests puts the estimate above the threshold, and 600 s at
            1 request/s cannot resolve 0.35 pp); a pure "no confident regression" rule at small steps promoted an
            error spike of 3 % against 0 % at 1 % (lower bound 0.048 pp, a hair under the threshold). The estimate within
            the target below 25 % and the upper bound within it from 25 % on is the measured compromise (grid below).

            **At the step's maximum: a truncated sequential test (`onInconclusive` DECIDE, the default).** A confidence
            sequence may run forever; a rollout step may not. At `maxStepDurationMs` the step's test is truncated and
            decides on the evidence it has, as Wald's truncated sequential probability ratio test does at its horizon: it
            takes the hypothesis the likelihood favours. Each gate is built on two: the canary *at the threshold* θ (what
            may ship) and the canary *at the resolution target* τ (the smallest regression the step is meant to catch).
            Under a normal approximation with one variance the likelihood favours τ exactly when the estimate is beyond
            their midpoint. So a gate still INCONCLUSIVE with its `minSamples` in *leans*: towards a regression when its
            estimate is nearer the target than the threshold (beyond `(θ + τ) / 2`: for 5xx 0.2 pp at 0.1 % base 5xx, 1.55 pp
            at 1 %; for p95 +17.5 %; for cold starts 7.5 %), within otherwise. Then

            - a gate leaning towards a regression → ROLLBACK naming it ("suspected regression not cleared"). Below the 25 %
              step every INCONCLUSIVE estimate with its samples is beyond the target (within it the gate passes), so there
              this reads: the estimate never came back within the target during the whole step;
            - every open gate leaning within → PROMOTE (COMPLETE at the last step), naming the gates it promoted over;
            - anything else → HOLD: a gate short of its samples, NODATA, or a gate without a statistic. Too little evidence
              never promotes.

            `HOLD` (wait for a person, whatever the evidence) and `ROLLBACK` (roll back, whatever the evidence) keep their
            meaning for policies that set them; a reader of an older schema reads `DECIDE` as `HOLD`. FAIL's guarantee is
            unchanged, but the decision at the maximum is not anytime-valid: its false-rollback rate is the chance that a
            healthy canary's estimate stays nearer the target for a whole step. That is only material where a step cannot
            separate the two hypotheses at all: at 0.1 % base 5xx and 100 req/s the 1 % step sees 600 canary requests in 10
            minutes, 0.6 expected 5xx for a healthy canary against 3 for one at 5× the base rate. Measured in that cell on
            the same seeds (N = 1,000; the `HOLD` figure is the earlier N = 100 run): with `HOLD` a 5× canary was detected
            in 66 % of rollouts and held in the rest; rolling back only an estimate beyond the target (not the midpoint) and
            holding otherwise detected 93.0 % (held 7.0 %, at the 25 % step with estimates of 0.25–0.35 pp whose CS could
            not resolve the target) and completed 98.5 % of A/A rollouts (false rollbacks 0.8 %, held 0.7 %: at 25 % and at
            100 % against a stale baseline of about 3,000 requests); `DECIDE` detected 100.0 % and completed 99.2 % of A/A
            rollouts, with 8 false rollbacks in 1,000 (0.8 %, 95 % interval [0.3 %, 1.6 %]) and none held (all 8 at the 1 %
            step's maximum, on `error-rate`, none by a FAIL; the same 8 false rollbacks as with the target-only rule, which
            differs from `DECIDE` only from the 25 % step on). Promoting every small step on "no confident regression"
            (Netflix's route) was not taken: it promoted the bundled error spike (3 % against 0 % at 1 %) and would let a 5×
            canary that the 1 % and 5 % steps cannot confirm reach 25 % of the traffic.

            Every GateResult carries the statistic: `name` = the method (`rate-diff-cs`, `quantile-ratio-cs`,
            `beta-binomial-cs`), `value` = the estimate, `lowerBound`/`upperBound` = the CS at this evaluation
            (for `latency-p95` on the relative-delta scale, ratio − 1; an infinite bound is written as null),
            `alpha` = the policy's alpha. The detail line (copied into the decision's reasons) names the values,
            sample sizes, the CS, the threshold and which side of it the bound is, e.g. (generated by the gate)

                %EXAMPLE%

            ## Method

            **Rates: the beta-binomial mixture (Robbins' method of mixtures).** For `X_i` i.i.d. Bernoulli(p) with
            `S_n` successes in `n` trials and a Beta(a, b) mixing distribution,

                M_n(p) = [B(a + S_n, b + n − S_n) / B(a, b)] / [p^S_n (1 − p)^(n − S_n)]

            is a nonnegative martingale with `M_0 = 1` under the true `p`. Ville's inequality gives
            `P(∃ n : M_n(p) ≥ 1/alpha) ≤ alpha`, so `C_n = {p : M_n(p) < 1/alpha}` is a (1 − alpha) CS. `ln M_n` is
            convex in `p`, so `C_n` is an interval around `S_n/n`; both ends are found by safeguarded Newton
            iterations (closed forms when `S_n = 0` or `S_n = n`). The prior is Jeffreys' Beta(½, ½), whose density
            is large near 0 where 5xx and cold-start shares live. (Robbins 1970; Howard, Ramdas, McAuliffe, Sekhon
            2021; betting CSs of Waudby-Smith & Ramdas 2024 are the general bounded-mean alternative; for Bernoulli
            data the conjugate mixture is near-optimal and has an exact, cheap form.)

            **Difference of two rates.** One CS per arm at `alpha/2`; by the union bound both hold at all times with
            probability ≥ 1 − alpha, and then `L_c − U_b ≤ p_c − p_b ≤ U_c − L_b`. This needs no assumption on how
            the two arms interleave; it is conservative, and at a 1 % canary its width is the canary arm's.

            **Quantiles (Howard & Ramdas 2022).** With `T_n = #{i ≤ n : U_i ≤ q} ~ Binomial(n, q)` for the uniforms
            behind the observations, the beta-binomial CS for the known rate `q` gives the set of ranks
            `K_n = {k : ln M_n(q; k) < ln(1/alpha)} = {k_min … k_max}` that contains `T_n` at all `n` with
            probability ≥ 1 − alpha, hence `[X_(k_min), X_(k_max+1)]` is a CS for the q-quantile (with 0 and +∞
            outside the sample). The order statistics come from the step's latency sketch (DDSketch-style, relative
            accuracy `r = 0.5 %`): a sketch value `v` is within `r·x` of the exact order statistic `x`, so the bounds
            are widened to `v_lower/(1 + r)` and `v_upper/(1 − r)`. This is deterministic, so time-uniform coverage is
            preserved; the unit test `LatencyP95StatisticsTest.shouldBoundTheExactQuantileDespiteTheSketchError`
            checks that the sketch's interval contains the interval from the exact order statistics and is at most
            `2r` wider. Caveats of the sketch (not of the statistics): values ≤ 1 µs count as 0, and beyond 4,096
            buckets (a dynamic range of about e^41) the lowest buckets collapse; neither affects a p95 of
            milliseconds.

            **Ratio of quantiles.** One quantile CS per arm at `alpha/2`; all values being nonnegative,
            `L_c / U_b ≤ ξ_c / ξ_b ≤ U_c / L_b` at all times with probability ≥ 1 − alpha. The gate compares
            `ratio − 1` with its threshold.

            **Assumptions.** Within a step, each revision's requests are exchangeable draws from one distribution
            (i.i.d. Bernoulli for the shares, i.i.d. latencies for the quantiles); the sequences need nothing about
            sample sizes, traffic split or how often they are looked at. Correlated failures (a burst of 5xx from
            one bad instance) or a drift of the baseline within the step break the i.i.d. model, and the guarantee
            holds only approximately; the step structure (a fresh sequence per step, same-span comparison with the
            baseline) limits how far such effects carry.

            **Error budget and the family-wise rate.** Each gate uses the policy's `alpha` (default 0.01) for its
            own CS at each step; the two-arm gates split it internally. The step's evidence restarts at every step
            (a new sequence each step, the 100 % step keeping the 50 % step's baseline as its fixed reference), so the
            union bound over `K` statistical gates and `S` steps gives, in the worst case,
            `P(any false rollback in a rollout) ≤ K · S · alpha = 4 · 5 · 0.01 = 0.20` (a retry of a rolled-back
            step starts another sequence and adds another `K · alpha`). That bound is loose in practice: a false
            FAIL needs the sequence to miss the truth by more than the gate's tolerance, not just to miss it, and
            mixture boundaries over a finite horizon are conservative; the measured rate is in the table below.
            A policy that needs a strict rollout-wide guarantee sets `alpha` to `0.01 / (K · S) = 0.0005`; the
            boundary `ln(1/alpha) + ½ ln n + O(1)` grows by `ln 20 ≈ 3` nats. Measured once on the same 30 seeds per
            scenario (`--rollouts 30`, with and without `--alpha 0.0005`): median time to detection 97 → 107 s
            (5xx), 63 → 89 s (p95), 19 → 24 s (cold starts), still 30/30 detected at the 1 % step, no A/A
            rollback either way.

            **What the A/A rate can and cannot show.** With `N` rollouts and zero false rollbacks the exact 95 % upper
            bound is `1 − 0.025^(1/N)` (0.37 % for N = 1000), so N = 1000 suffices to show the rate is below
            alpha = 1 %, not to measure it precisely.

            """;

    static final String DOC_TAIL = """
            ## Set-up of the study

            - **Engine.** The real gate engine (`engine.Evaluator` with every gate class of `Gates.all()`), exactly as
              the topology runs it: per-request `RequestLog` events ingested in event-time order, ticks of 1 s
              sealed after a 2 s grace, gates evaluated on every sealed tick ("continuous evaluation"), the
              decision state machine deciding PROMOTE / HOLD / ROLLBACK / FREEZE / COMPLETE. No Kafka: the topology
              adds serialization and state stores around the same `Evaluator`, not different decisions.
            - **Policy.** `alpha` 0.01, `minSamples` 200, `minStepDurationMs` 60 s, `warmupMs` 10 s,
              `maxStepDurationMs` 10 min (`onInconclusive` DECIDE; a HOLD there is counted as "HELD" and ends the rollout),
              default thresholds. Gates that need other event types (warm capacity, side effects, semantic drift,
              λ, queues, pins, sticky routing, stream drain) are disabled; `dedupe` is on but sees no idempotent
              POSTs (its statistics are covered by `DedupeStatisticsTest`).
            - **Traffic.** 2,000 requests/s in total, evenly spaced, each sent to the canary with probability equal
              to the step's share (1 → 5 → 25 → 50 → 100 %). Baseline and A/A canary: 0.2 % 5xx, latency lognormal
              with median 80 ms and σ = 0.5 (p95 ≈ 182 ms), 1 % cold starts. Regressions (on the canary, from the
              start): 5xx 1.0 %; all latencies × 1.25 (p95 +25 %); cold starts 12 %. Random numbers come from
              `SplittableRandom`, one independent stream per rollout, so results do not depend on the thread count.
            - **Router stand-in.** Follows Tollgate: on PROMOTE it publishes the next STEP at the current event
              time (a few seconds after the decided tick, as a real router would lag the watermark); ROLLBACK,
              FREEZE, COMPLETE or a max-duration HOLD end the rollout. A/A rollouts end there. In a regression the
              stream continues at the same step for up to 10 more minutes so that the two baselines' detection
              times are measured rather than cut off by Tollgate's earlier rollback.
            - **Raw threshold.** On every request event, from the first canary request on: the canary − baseline
              running 5xx share since the step began exceeds 0.05 pp, or the running p95 ratio − 1 exceeds 10 %
              (log-bucket histogram with the sketch's 0.5 % accuracy), or the canary cold-start share after warm-up
              exceeds 5 %. The first breach rolls back.
            - **Flagger-style.** Every 60 s of event time since the rollout began: the same three thresholds on the
              last minute's requests (a minute without canary requests is skipped; at 100 % the last minute with
              baseline requests is the reference); two consecutive failed checks = rollback. Like Flagger and Argo
              Rollouts analysis runs, it has no statistics and one check per interval.
            - All three methods see the very same requests; "at step" is the canary share at the moment of the rollback.

            ## Reading the results

            - The raw threshold "detects" fastest because it rolls back nearly every rollout, healthy or not: at a
              1 % canary the first few requests decide, and a 5xx or a slow request among them is enough. Its
              detection times measure its trigger, not the regression.
            - The Flagger-style check cannot decide before two intervals (120 s), and its last-minute thresholds still
              false-alarm at small steps, where a minute holds about 1,200 canary requests against a 0.05 pp
              tolerance on a 0.2 % base rate.
            - Tollgate's false-rollback rate is bounded by the union bound above and measured far below it; its
              detection time is the time the confidence sequence needs to separate the regression from the
              tolerance at the 1 % step (fastest for the large cold-start effect, slowest for +0.8 pp 5xx).
            - The cost of deciding at the step's maximum: a healthy canary whose estimate stays nearer the resolution
              target than the threshold for all of `maxStepDurationMs` is rolled back ("suspected regression not
              cleared"), and one that leans within is promoted; only a gate short of its samples holds. At 2,000 req/s
              a 10-minute 1 % step has 12,000 canary requests and that almost never happens; the grid's A/A tables report
              how often it does at low traffic.

            ## References

            - J. Ville (1939). *Étude critique de la notion de collectif.* Gauthier-Villars.
            - H. Robbins (1970). Statistical methods related to the law of the iterated logarithm. *Ann. Math.
              Statist.* 41(5), 1397–1409.
            - S. R. Howard, A. Ramdas, J. McAuliffe, J. Sekhon (2021). Time-uniform, nonparametric, nonasymptotic
              confidence sequences. *Ann. Statist.* 49(2), 1055–1080.
            - S. R. Howard, A. Ramdas (2022). Sequential estimation of quantiles with applications to A/B-testing and
              best-arm identification. *Bernoulli* 28(3), 1704–1728.
            - I. Waudby-Smith, A. Ramdas (2024). Estimating means of bounded random variables by betting. *J. R. Stat.
              Soc. B* 86(1), 1–27.
            - M. Lindon, C. Sanden, V. Shirikian (2022). Rapid regression detection in software deployments through
              sequential testing. *KDD 2022.*
            - C. Masson, J. E. Rim, H. K. Lee (2019). DDSketch: a fast and fully-mergeable quantile sketch with
              relative-error guarantees. *PVLDB* 12(12).
            - C. J. Clopper, E. S. Pearson (1934). The use of confidence or fiducial limits illustrated in the case of
              the binomial. *Biometrika* 26(4), 404–413.
            """;

    private StatisticsStudy() {}
}
