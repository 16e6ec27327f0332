package dev.tollgate.topology.state;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.QueueWork;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RevisionPins;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.SideEffect;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.schemas.serde.InMemorySchemaRegistry;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.schemas.serde.SpecificAvroSerializer;
import dev.tollgate.topology.Names;
import dev.tollgate.topology.TollgateTopology;
import dev.tollgate.topology.TopicNames;
import dev.tollgate.topology.TopologySettings;
import dev.tollgate.topology.engine.ServiceState;
import dev.tollgate.topology.engine.ServiceStateAccess;
import dev.tollgate.topology.engine.ServiceStateSerde;
import dev.tollgate.topology.evidence.LatencySketch;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.gates.GateIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Deterministic generator of the golden v1 service states ({@code src/test/resources/state/v1/}) and of
 * their continuation, guarded by {@link GoldenStateV1Test}.
 *
 * <p><b>What it does.</b> Part A drives the real topology ({@link TollgateTopology#build} in a
 * {@link TopologyTestDriver}, in-memory registry, default settings: tick 1 s, grace 2 s) for two services from
 * the fixed event time {@link #T0} (no broker is involved, so event times need not be near now), with a
 * router stand-in that follows the decisions one second later:
 * <ul>
 *   <li>{@code checkout} (HTTP, idempotent POSTs, webhooks; steps 10/20/50/100 %): step 0 rolls back on
 *       {@code error-rate} (canary 25 % 5xx), is retried healthy and promotes; step 1 (20 %, next 50 %) holds
 *       on {@code warm-capacity} (2 warm instances for an expected load of 4). Pin mismatches, misrouted
 *       pinned requests, CUT streams on the old revision, POST duplicates with and without dedupeHit and a
 *       duplicate side effect are recorded by dry-run gates. Part A stops with step 1 ACTIVE.</li>
 *   <li>{@code search} (RAG: probes on seeds 1 and 2, queue work, queue_age_ms per partition): step 0 rolls
 *       back on {@code side-effects} (a vector write executed by both revisions), is retried and promotes;
 *       step 1 records a fence violation (dry-run {@code queue-fence}) and a non-convergent baseline
 *       trajectory, and promotes; the router's STEP 2 (50 %) is the last event of part A, still pending.</li>
 * </ul>
 * Part A ends with open (unsealed) ticks, pending rollout events and open timeline minutes. Each service's
 * {@link ServiceState} is then read from the driver's {@link Names#STORE_STEP_STATE} store and encoded with
 * {@code new ServiceStateSerde().serialize(changelogTopic, state)}: that is {@code <service>.bin}.
 *
 * <p>Part B ({@link #partB()}) is a fixed, non-reactive script of 60 s from {@link #B_START}: both
 * policies again (the policies store is global, not part of the service state), the warm-capacity fix for
 * {@code checkout} and a scripted STEP 2 at B+40 s, the 50 % step of {@code search} with a new probe set.
 * Part B only uses idempotency keys, side-effect keys and queue offsets that part A never used, so it does
 * not depend on the key ledger (the dedupe window store, which is not part of the service state). It is
 * replayed into a FRESH driver whose step-state store was first loaded with the decoded v1 states; every
 * output record (gate results, decisions, timeline minutes, drained after each input in that order) is
 * written as one JSON line to {@code continuation-expected.jsonl}.
 *
 * <p>{@link #main} also runs A and B in one driver (uninterrupted) and fails unless its part-B outputs equal
 * the continuation's line for line; it prints which ServiceState / RevisionEvidence fields are still at
 * their default in the fixtures.
 *
 * <p>The v1 fixtures were written by Tollgate 0.1.0 (commit 493b80d) and cannot be regenerated by later code:
 * {@link #main} writes the format of the build it runs in. A new format version gets its own directory
 * ({@code state/v<N>/}, written once when the version is introduced) and every older directory stays as it
 * is, so {@code GoldenStateTest} keeps every released format readable.
 *
 * <p><b>Generate</b> the fixtures of the current format (only when a format version is introduced), from the
 * repository root after
 * {@code mvn -B -q -pl topology -am test-compile}:
 * <pre>
 * mvn -B -q -o -pl topology -am dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp topology/target/test-classes:topology/target/classes:schemas/target/classes:$(tr ':' '\n' &lt; /tmp/cp.txt \
 *     | grep -v tollgate-schemas | paste -sd:) \
 *     dev.tollgate.topology.state.GoldenStateFixtures topology/src/test/resources/state/v2
 * </pre>
 * The output is byte-for-byte reproducible (fixed seeds, fixed event times).
 */
public final class GoldenStateFixtures {
    /** Fixed event time of part A's first second (2025-12-29T09:20:00Z). */
    public static final long T0 = 1_767_000_000_000L;
    /** Event time part B starts at: after part A's last event (checked by {@link #main}). */
    public static final long B_START = T0 + 55_000L;
    /** Length of part B. */
    public static final int B_SECONDS = 60;

    public static final String CHECKOUT = "checkout";
    public static final String SEARCH = "search";
    public static final List<String> SERVICES = List.of(CHECKOUT, SEARCH);

    public static final String CHECKOUT_RELEASE = "checkout-r7";
    public static final String CHECKOUT_BASE = "co-41";
    public static final String CHECKOUT_CANARY = "co-42";
    public static final String SEARCH_RELEASE = "search-r2";
    public static final String SEARCH_BASE = "se-8";
    public static final String SEARCH_CANARY = "se-9";

    static final String APPLICATION_ID = "tollgate-golden";
    /** The step-state store's changelog topic: the topic the store's serde is called with. */
    public static final String CHANGELOG = APPLICATION_ID + "-" + Names.STORE_STEP_STATE + "-changelog";
    /** Classpath directory of the fixtures. */
    public static final String RESOURCE_DIR = "/state/v1/";

    public static final String EXPECTED = "continuation-expected.jsonl";

    static final List<Double> STEPS = List.of(10.0, 20.0, 50.0, 100.0);
    static final List<Double> CONVERGENT = List.of(0.4, 0.3, 0.25, 0.22, 0.21);
    /** Δ = 0.05 > 0.04 at the last step: chaotic. */
    static final List<Double> CHAOTIC = List.of(0.2, 0.25, 0.3);

    private GoldenStateFixtures() {}

    // ------------------------------------------------------------------ events and driver

    /** One input event: topic, key, value, timestamp. */
    public record Event(String topic, String key, SpecificRecord value, long timestamp) {}

    /** One output record, with its stable JSON line. */
    public record Output(String topic, String key, long timestamp, SpecificRecord value) {
        /** {"topic":…,"key":…,"timestamp":…,"value":Avro's JSON rendering of the record}. */
        public String json() {
            return "{\"topic\":\"" + topic + "\",\"key\":\"" + key + "\",\"timestamp\":" + timestamp + ",\"value\":"
                    + value + "}";
        }
    }

    /** The real topology in a TopologyTestDriver with its own in-memory registry scope. */
    public static final class Harness implements AutoCloseable {
        private final String scope = "golden-" + UUID.randomUUID();
        private final TopologyTestDriver driver;
        private final Map<String, TestInputTopic<String, SpecificRecord>> inputs = new HashMap<>();
        private final Map<String, TestOutputTopic<String, SpecificRecord>> outputs = new LinkedHashMap<>();

        public Harness() {
            TopologySettings settings = TopologySettings.defaults("mock://" + scope);
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/tollgate-ttd-" + scope);
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            props.put("processing.exception.handler.global.enabled", true);
            driver = new TopologyTestDriver(TollgateTopology.build(settings), props);
            Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://" + scope);
            SpecificAvroSerializer<SpecificRecord> ser = new SpecificAvroSerializer<>();
            ser.configure(serdeConfig, false);
            SpecificAvroDeserializer<SpecificRecord> de = new SpecificAvroDeserializer<>();
            de.configure(serdeConfig, false);
            TopicNames t = settings.topics();
            for (String topic : List.of(
                    t.requests(),
                    t.sideEffects(),
                    t.queueWork(),
                    t.metrics(),
                    t.probes(),
                    t.rollouts(),
                    t.policies())) {
                inputs.put(topic, driver.createInputTopic(topic, Serdes.String().serializer(), ser));
            }
            for (String topic : List.of(t.gateResults(), t.decisions(), t.timeline())) {
                outputs.put(
                        topic, driver.createOutputTopic(topic, Serdes.String().deserializer(), de));
            }
        }

        /** Pipes one event and returns everything the topology published for it. */
        public List<Output> pipe(Event e) {
            inputs.get(e.topic()).pipeInput(e.key(), e.value(), e.timestamp());
            List<Output> out = new ArrayList<>();
            for (Map.Entry<String, TestOutputTopic<String, SpecificRecord>> o : outputs.entrySet()) {
                while (!o.getValue().isEmpty()) {
                    TestRecord<String, SpecificRecord> r = o.getValue().readRecord();
                    out.add(new Output(o.getKey(), r.key(), r.timestamp(), r.value()));
                }
            }
            return out;
        }

        /** Pipes events in order; returns all outputs. */
        public List<Output> pipeAll(List<Event> events) {
            List<Output> out = new ArrayList<>();
            for (Event e : events) {
                out.addAll(pipe(e));
            }
            return out;
        }

        public KeyValueStore<String, ServiceState> stepStates() {
            return driver.getKeyValueStore(Names.STORE_STEP_STATE);
        }

        /** Loads service states into the step-state store (before any event of the driver). */
        public void restore(Map<String, ServiceState> states) {
            states.forEach(stepStates()::put);
        }

        @Override
        public void close() {
            driver.close();
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    // ------------------------------------------------------------------ serde helpers

    /** Encodes a state exactly as the step-state store does. */
    public static byte[] encode(ServiceState st) {
        return new ServiceStateSerde().serialize(CHANGELOG, st);
    }

    public static ServiceState decode(byte[] bytes) {
        return new ServiceStateSerde().deserialize(CHANGELOG, bytes);
    }

    /** Reads a committed v1 fixture file from the test classpath. */
    public static byte[] resource(String name) {
        return resource(1, name);
    }

    /** Reads a committed fixture file of state format {@code version} from the test classpath. */
    public static byte[] resource(int version, String name) {
        String path = "/state/v" + version + "/" + name;
        try (var in = GoldenStateFixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The committed v1 states, decoded, by service. */
    public static Map<String, ServiceState> committedStates() {
        return committedStates(1);
    }

    /** The committed states of state format {@code version}, decoded, by service. */
    public static Map<String, ServiceState> committedStates(int version) {
        Map<String, ServiceState> m = new TreeMap<>();
        for (String s : SERVICES) {
            m.put(s, decode(resource(version, s + ".bin")));
        }
        return m;
    }

    /** Replays part B into a fresh driver restored from {@code states}; returns the output JSON lines. */
    public static List<String> continuation(Map<String, ServiceState> states) {
        try (Harness h = new Harness()) {
            h.restore(states);
            return h.pipeAll(partB()).stream().map(Output::json).toList();
        }
    }

    // ------------------------------------------------------------------ policies

    private static GateSettings off() {
        return GateSettings.newBuilder().setEnabled(false).build();
    }

    private static GateSettings dryRun() {
        return GateSettings.newBuilder().setDryRun(true).build();
    }

    static GatePolicy checkoutPolicy() {
        Map<String, GateSettings> g = new HashMap<>();
        g.put(GateIds.SEMANTIC_DRIFT, off());
        g.put(GateIds.LAMBDA, off());
        g.put(GateIds.QUEUE_AGE, off());
        g.put(GateIds.QUEUE_FENCE, off());
        g.put(GateIds.SCHEMA_PINS, dryRun());
        g.put(GateIds.STICKY_ROUTING, dryRun());
        g.put(GateIds.STREAM_DRAIN, dryRun());
        g.put(GateIds.SIDE_EFFECTS, dryRun());
        g.put(GateIds.DEDUPE, dryRun());
        return GatePolicy.newBuilder()
                .setSteps(STEPS)
                .setGates(g)
                .setMinSamples(100)
                .setMinStepDurationMs(20_000)
                .setWarmupMs(5_000)
                .setNoDataTimeoutMs(60_000)
                .build();
    }

    static GatePolicy searchPolicy() {
        Map<String, GateSettings> g = new HashMap<>();
        g.put(GateIds.DEDUPE, off());
        g.put(GateIds.STICKY_ROUTING, off());
        g.put(GateIds.STREAM_DRAIN, off());
        g.put(GateIds.QUEUE_FENCE, dryRun());
        return GatePolicy.newBuilder()
                .setSteps(STEPS)
                .setGates(g)
                .setMinSamples(100)
                .setMinStepDurationMs(20_000)
                .setWarmupMs(5_000)
                .setNoDataTimeoutMs(60_000)
                .setDedupeRetentionMs(3_600_000L)
                .build();
    }

    static List<Event> policies(long at) {
        String topic = TopicNames.defaults().policies();
        return List.of(new Event(topic, CHECKOUT, checkoutPolicy(), at), new Event(topic, SEARCH, searchPolicy(), at));
    }

    // ------------------------------------------------------------------ traffic

    /** One service's generator and router stand-in. */
    static final class Svc {
        final String name;
        final String release;
        final String base;
        final String canary;
        final int rps;
        final SplittableRandom rnd;
        final RevisionPins canaryPins;
        final RevisionPins baselinePins;
        int step;
        double traffic;
        /** Second (relative to the part's start) the current step started at. */
        int stepSecond;
        /** Part A: the current attempt is the failing one. */
        boolean failing = true;

        long counter;
        boolean done;
        /** Second at which the router publishes its next rollout event, or -1. */
        int pendingAt = -1;

        int pendingStep;

        Svc(
                String name,
                String release,
                String base,
                String canary,
                int rps,
                long seed,
                RevisionPins canaryPins,
                RevisionPins baselinePins) {
            this.name = name;
            this.release = release;
            this.base = base;
            this.canary = canary;
            this.rps = rps;
            this.rnd = new SplittableRandom(seed);
            this.canaryPins = canaryPins;
            this.baselinePins = baselinePins;
        }

        Event rollout(RolloutPhase phase, int stepIndex, long ts) {
            step = stepIndex;
            traffic = STEPS.get(stepIndex);
            return new Event(
                    TopicNames.defaults().rollouts(),
                    name,
                    RolloutEvent.newBuilder()
                            .setService(name)
                            .setReleaseId(release)
                            .setTimestamp(ts)
                            .setBaselineRevision(base)
                            .setCanaryRevision(canary)
                            .setPhase(phase)
                            .setStepIndex(stepIndex)
                            .setTrafficPercent(traffic)
                            .setCanaryPins(canaryPins)
                            .setBaselinePins(baselinePins)
                            .build(),
                    ts);
        }

        double gaussian() {
            double u = 1 - rnd.nextDouble();
            double v = rnd.nextDouble();
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        }

        RequestLog.Builder request(String revision, long ts) {
            return RequestLog.newBuilder()
                    .setService(name)
                    .setReleaseId(release)
                    .setRevision(revision)
                    .setTimestamp(ts)
                    .setStatus(200)
                    .setLatencyMs(80)
                    .setMethod("GET")
                    .setRequestId(name + "-" + (++counter));
        }

        Event event(SpecificRecord value, String topic, long ts) {
            return new Event(topic, name, value, ts);
        }
    }

    static Svc checkout(long seed) {
        return new Svc(
                CHECKOUT,
                CHECKOUT_RELEASE,
                CHECKOUT_BASE,
                CHECKOUT_CANARY,
                400,
                seed,
                RevisionPins.newBuilder()
                        .setSchemaRev("12")
                        .setIndexHash("ix-9")
                        .setModelTag("m-3")
                        .build(),
                RevisionPins.newBuilder()
                        .setSchemaRev("11")
                        .setIndexHash("ix-9")
                        .setModelTag("m-3")
                        .build());
    }

    static Svc search(long seed) {
        return new Svc(
                SEARCH,
                SEARCH_RELEASE,
                SEARCH_BASE,
                SEARCH_CANARY,
                200,
                seed,
                RevisionPins.newBuilder()
                        .setIndexHash("hx-2")
                        .setModelTag("emb-5")
                        .build(),
                RevisionPins.newBuilder()
                        .setIndexHash("hx-1")
                        .setModelTag("emb-4")
                        .build());
    }

    private static final TopicNames T = TopicNames.defaults();

    /**
     * One second of {@code checkout}: 400 requests split by the canary share (5xx, latency, cold starts
     * inside and after warm-up, pins with occasional mismatches, X-Release pins with occasional misroutes,
     * streams with occasional CUTs on the old revision), a POST duplicate pair per revision, webhooks, and
     * the warm-capacity metrics at the step's start. {@code tag} keeps keys of parts A and B apart.
     */
    static void checkoutSecond(Svc s, long t, int sec, String tag, List<Event> out) {
        int inStep = sec - s.stepSecond;
        double gap = 1000.0 / s.rps;
        for (int j = 0; j < s.rps; j++) {
            long ts = t + (long) (j * gap);
            boolean c = s.rnd.nextDouble() * 100 < s.traffic;
            String rev = c ? s.canary : s.base;
            RequestLog.Builder b = s.request(rev, ts);
            double err = c ? (s.failing ? 0.25 : 0.0) : 0.01;
            b.setStatus(s.rnd.nextDouble() < err ? 503 : 200);
            b.setLatencyMs((c ? 84 : 80) * Math.exp(0.1 * s.gaussian()));
            b.setColdStart(c && s.rnd.nextDouble() < (inStep < 5 ? 0.3 : 0.004));
            b.setRoute(j % 25 == 0 ? "/stream" : "/cart");
            double u = s.rnd.nextDouble();
            if (u < 0.1) {
                RevisionPins p = c ? s.canaryPins : s.baselinePins;
                boolean mismatch = s.rnd.nextDouble() < 0.02;
                b.setSchemaRev(mismatch && c ? "13" : p.getSchemaRev())
                        .setIndexHash(p.getIndexHash())
                        .setModelTag(mismatch && !c ? "m-2" : p.getModelTag());
            } else if (u < 0.15) {
                boolean misroute = !c && s.rnd.nextDouble() < 0.05;
                b.setPinnedRelease(misroute ? "canary" : c ? "canary" : (j % 2 == 0 ? "baseline" : s.base));
            }
            if (j % 25 == 0) {
                b.setStreamOutcome(!c && s.rnd.nextDouble() < 0.1 ? StreamOutcome.CUT : StreamOutcome.COMPLETED);
            }
            out.add(s.event(b.build(), T.requests(), ts));
        }
        // one POST duplicate pair per revision; the second delivery of canary pair 7 (and of baseline pair 12) is
        // executed again instead of answered from the idempotency store
        for (String rev : List.of(s.base, s.canary)) {
            String key = "co-" + tag + "-pay-" + sec + "-" + rev;
            boolean miss = tag.equals("a")
                    && ((rev.equals(s.canary) && sec == s.stepSecond + 7)
                            || (rev.equals(s.base) && sec == s.stepSecond + 12));
            long ts = t + (rev.equals(s.base) ? 100 : 130);
            out.add(s.event(
                    s.request(rev, ts)
                            .setMethod("POST")
                            .setRoute("/pay")
                            .setIdempotencyKey(key)
                            .build(),
                    T.requests(),
                    ts));
            out.add(s.event(
                    s.request(rev, ts + 10)
                            .setMethod("POST")
                            .setRoute("/pay")
                            .setIdempotencyKey(key)
                            .setDedupeHit(!miss)
                            .build(),
                    T.requests(),
                    ts + 10));
        }
        // webhooks; one order event delivered twice and executed by both revisions at step 1, second 3 (part A)
        for (String rev : List.of(s.base, s.canary)) {
            long ts = t + (rev.equals(s.base) ? 150 : 170);
            out.add(s.event(
                    SideEffect.newBuilder()
                            .setService(s.name)
                            .setReleaseId(s.release)
                            .setRevision(rev)
                            .setTimestamp(ts)
                            .setKind("webhook")
                            .setSourceId("order-" + tag + "-" + sec + "-" + rev)
                            .setEventRev("1")
                            .setIndexHash("ix-9")
                            .build(),
                    T.sideEffects(),
                    ts));
        }
        if ((tag.equals("a") && s.step == 1 && inStep == 3) || (tag.equals("b") && sec == 10)) {
            for (String rev : List.of(s.base, s.canary)) {
                long ts = t + (rev.equals(s.base) ? 180 : 190);
                out.add(s.event(
                        SideEffect.newBuilder()
                                .setService(s.name)
                                .setReleaseId(s.release)
                                .setRevision(rev)
                                .setTimestamp(ts)
                                .setKind("webhook")
                                .setSourceId("order-" + tag + "-dup")
                                .setEventRev("1")
                                .setIndexHash("ix-9")
                                .build(),
                        T.sideEffects(),
                        ts));
            }
        }
    }

    static MetricSample.Builder metric(Svc s, String revision, String name, double value, long ts) {
        return MetricSample.newBuilder()
                .setService(s.name)
                .setReleaseId(revision == null ? null : s.release)
                .setRevision(revision)
                .setTimestamp(ts)
                .setName(name)
                .setValue(value);
    }

    static void warmMetrics(Svc s, long t, double canaryWarm, double expected, List<Event> out) {
        out.add(s.event(
                metric(s, s.canary, "warm_instances", canaryWarm, t + 200).build(), T.metrics(), t + 200));
        out.add(s.event(
                metric(s, s.canary, "expected_p50_load", expected, t + 200).build(), T.metrics(), t + 200));
        out.add(s.event(metric(s, s.base, "warm_instances", 8, t + 201).build(), T.metrics(), t + 201));
        out.add(s.event(metric(s, null, "expected_p50_load", expected, t + 202).build(), T.metrics(), t + 202));
        out.add(s.event(metric(s, null, "retries", 3, t + 203).build(), T.metrics(), t + 203));
    }

    /**
     * One second of {@code search}: 200 requests (model/index pins), the probe set (questions 0..9, one per
     * second from second 2 of the step, seeds 1 and 2, both revisions; the baseline's seed 2 question 4 has a
     * chaotic trajectory), queue work on partitions 3 (baseline) and 4 (canary, fenced with the release),
     * queue_age_ms per partition (a backlog draining at 1 ms/s) and vector writes; in the failing attempt of part A a vector write executed by
     * both revisions.
     */
    static void searchSecond(Svc s, long t, int sec, String tag, List<Event> out) {
        int inStep = sec - s.stepSecond;
        double gap = 1000.0 / s.rps;
        for (int j = 0; j < s.rps; j++) {
            long ts = t + (long) (j * gap);
            boolean c = s.rnd.nextDouble() * 100 < s.traffic;
            String rev = c ? s.canary : s.base;
            RequestLog.Builder b = s.request(rev, ts).setRoute("/search");
            b.setStatus(!c && s.rnd.nextDouble() < 0.005 ? 500 : 200);
            b.setLatencyMs((c ? 120 : 118) * Math.exp(0.15 * s.gaussian()));
            b.setColdStart(c && inStep < 5 && s.rnd.nextDouble() < 0.05);
            if (j % 5 == 0) {
                RevisionPins p = c ? s.canaryPins : s.baselinePins;
                b.setModelTag(p.getModelTag()).setIndexHash(p.getIndexHash());
            }
            out.add(s.event(b.build(), T.requests(), ts));
        }
        int q = inStep - 2;
        if (q >= 0 && q < 10) {
            for (long seed = 1; seed <= 2; seed++) {
                double base = 0.15 + 0.01 * q;
                out.add(s.event(
                        probe(
                                s,
                                s.base,
                                t + 300 + seed,
                                q,
                                seed,
                                base,
                                tag.equals("a") && seed == 2 && q == 4 ? CHAOTIC : CONVERGENT),
                        T.probes(),
                        t + 300 + seed));
                out.add(s.event(
                        probe(s, s.canary, t + 600 + seed, q, seed, base + 0.01, CONVERGENT),
                        T.probes(),
                        t + 600 + seed));
            }
        }
        long offset = (tag.equals("a") ? 1_000 : 20_000) + sec;
        out.add(s.event(work(s, s.base, t + 400, 3, offset, s.release), T.queueWork(), t + 400));
        boolean badFence = tag.equals("a") && s.step == 1 && inStep == 4;
        out.add(s.event(
                work(s, s.canary, t + 450, 4, offset + 5_000, badFence ? "search-r1" : s.release),
                T.queueWork(),
                t + 450));
        for (String part : List.of("3", "4")) {
            // a backlog draining at 1 ms/s with noise: queue-age passes clearly (a flat noisy series can
            // false-alarm on an unlucky seed, which would tie the fixture to the statistic's borderline)
            double age = (part.equals("3") ? 220 : 200) - 1.0 * inStep + 5 * s.gaussian();
            out.add(s.event(
                    metric(s, null, "queue_age_ms", age, t + 500)
                            .setLabels(Map.of("partition", part))
                            .build(),
                    T.metrics(),
                    t + 500));
        }
        long ts = t + 700;
        out.add(s.event(vectorWrite(s, s.canary, ts, "doc-" + tag + "-" + sec, "hx-2"), T.sideEffects(), ts));
        if (tag.equals("a") && s.failing && inStep == 3) {
            // the same document (same index) written by both revisions: a duplicate side effect
            out.add(s.event(vectorWrite(s, s.base, ts + 10, "doc-a-dup", "hx-2"), T.sideEffects(), ts + 10));
            out.add(s.event(vectorWrite(s, s.canary, ts + 20, "doc-a-dup", "hx-2"), T.sideEffects(), ts + 20));
        }
    }

    static ProbeResult probe(
            Svc s, String revision, long ts, int question, long seed, double deltaS, List<Double> traj) {
        return ProbeResult.newBuilder()
                .setService(s.name)
                .setReleaseId(s.release)
                .setRevision(revision)
                .setTimestamp(ts)
                .setProbeSet("rag-v1")
                .setQuestionId("q" + question)
                .setSeed(seed)
                .setDeltaS(deltaS)
                .setTrajectory(traj)
                .build();
    }

    static QueueWork work(Svc s, String revision, long ts, int partition, long offset, String fence) {
        return QueueWork.newBuilder()
                .setService(s.name)
                .setReleaseId(s.release)
                .setRevision(revision)
                .setTimestamp(ts)
                .setQueue("reindex")
                .setPartition(partition)
                .setOffset(offset)
                .setFence(fence)
                .build();
    }

    static SideEffect vectorWrite(Svc s, String revision, long ts, String sourceId, String indexHash) {
        return SideEffect.newBuilder()
                .setService(s.name)
                .setReleaseId(s.release)
                .setRevision(revision)
                .setTimestamp(ts)
                .setKind("vector-write")
                .setSourceId(sourceId)
                .setEventRev("4")
                .setIndexHash(indexHash)
                .build();
    }

    // ------------------------------------------------------------------ part A (reactive) and part B (scripted)

    /** Part A's inputs as piped, and where it ended. */
    public record PartA(List<Event> events, List<GateDecision> decisions, long end) {}

    private static final Comparator<Event> BY_TIME = Comparator.comparingLong(Event::timestamp);

    /**
     * Runs part A on {@code h}: a router stand-in follows each decision one second later. Deterministic: the
     * same code on the same topology gives the same events.
     */
    public static PartA runPartA(Harness h) {
        List<Event> all = new ArrayList<>();
        List<GateDecision> decisions = new ArrayList<>();
        all.addAll(policies(T0 - 1_000));
        h.pipeAll(all);
        Svc co = checkout(101);
        Svc se = search(202);
        List<Event> first = List.of(co.rollout(RolloutPhase.STARTED, 0, T0), se.rollout(RolloutPhase.STARTED, 0, T0));
        all.addAll(first);
        h.pipeAll(first);
        int holdSeen = -1;
        int sec = 0;
        for (; sec < 140 && !(co.done && se.done); sec++) {
            long t = T0 + sec * 1_000L;
            List<Event> batch = new ArrayList<>();
            for (Svc s : List.of(co, se)) {
                if (s.done) {
                    continue;
                }
                if (s.pendingAt == sec) {
                    boolean last = s == se && s.pendingStep == 2;
                    batch.add(s.rollout(RolloutPhase.STEP, s.pendingStep, t));
                    s.stepSecond = sec;
                    s.pendingAt = -1;
                    if (last) {
                        s.done = true; // STEP 2 of search stays pending at the end of part A
                        continue;
                    }
                    if (s == co && s.step == 1) {
                        warmMetrics(s, t, 2, 4, batch);
                    }
                    if (s == se) {
                        warmMetrics(s, t, 6, 4, batch);
                    }
                }
                if (sec == 0 && s == se) {
                    warmMetrics(s, t, 6, 4, batch);
                }
                if (s == co) {
                    checkoutSecond(s, t, sec, "a", batch);
                } else {
                    searchSecond(s, t, sec, "a", batch);
                }
            }
            batch.sort(BY_TIME);
            all.addAll(batch);
            for (Event e : batch) {
                for (Output o : h.pipe(e)) {
                    if (o.value() instanceof GateDecision d) {
                        decisions.add(d);
                        Svc s = d.getService().equals(CHECKOUT) ? co : se;
                        if (d.getAction() == Action.ROLLBACK) {
                            s.failing = false;
                            s.pendingAt = sec + 1;
                            s.pendingStep = d.getStepIndex();
                        } else if (d.getAction() == Action.PROMOTE) {
                            s.pendingAt = sec + 1;
                            s.pendingStep = d.getStepIndex() + 1;
                        } else if (d.getAction() == Action.HOLD && s == co && d.getStepIndex() == 1 && holdSeen < 0) {
                            holdSeen = sec;
                        } else if (d.getAction() != Action.HOLD) {
                            throw new IllegalStateException("unexpected decision in part A: " + d);
                        }
                    }
                }
            }
            if (holdSeen >= 0 && sec >= holdSeen + 6) {
                co.done = true;
            }
        }
        if (!(co.done && se.done)) {
            throw new IllegalStateException("part A did not reach its end state within " + sec + " s");
        }
        long end = all.stream().mapToLong(Event::timestamp).max().orElseThrow();
        return new PartA(all, decisions, end);
    }

    /**
     * Part B: 60 s from {@link #B_START}, a pure function of nothing (fixed seeds), independent of part A's
     * key ledger. {@code checkout} continues step 1 at 20 % with its warm capacity raised to 6, and the router
     * (scripted) starts STEP 2 (50 %) at B+40 s; {@code search} runs step 2 (50 %, the STEP pending in the
     * fixture) with a new probe set.
     */
    public static List<Event> partB() {
        List<Event> all = new ArrayList<>(policies(B_START));
        Svc co = checkout(1_001);
        co.failing = false;
        co.step = 1;
        co.traffic = STEPS.get(1);
        co.stepSecond = -1_000; // long after warm-up: the step started in part A
        Svc se = search(2_002);
        se.failing = false;
        se.step = 2;
        se.traffic = STEPS.get(2);
        se.stepSecond = 0;
        for (int sec = 0; sec < B_SECONDS; sec++) {
            long t = B_START + sec * 1_000L;
            List<Event> batch = new ArrayList<>();
            if (sec == 0) {
                warmMetrics(co, t, 6, 4, batch);
            }
            if (sec == 40) {
                batch.add(co.rollout(RolloutPhase.STEP, 2, t));
                co.stepSecond = sec;
            }
            checkoutSecond(co, t, sec, "b", batch);
            searchSecond(se, t, sec, "b", batch);
            batch.sort(BY_TIME);
            all.addAll(batch);
        }
        return all;
    }

    // ------------------------------------------------------------------ field coverage report

    /** Names of ServiceState / RevisionEvidence fields that are at their default in every given state. */
    public static List<String> defaultFields(Collection<ServiceState> states) {
        List<String> defaults = new ArrayList<>();
        ServiceState fresh = new ServiceState();
        for (Field f : fields(ServiceState.class)) {
            boolean set = false;
            for (ServiceState st : states) {
                set |= !isDefault(get(f, st), get(f, fresh));
            }
            if (!set) {
                defaults.add("ServiceState." + f.getName());
            }
        }
        List<RevisionEvidence> evidence = new ArrayList<>();
        for (ServiceState st : states) {
            evidence.add(ServiceStateAccess.baseline(st));
            evidence.add(ServiceStateAccess.canary(st));
            evidence.add(ServiceStateAccess.serviceLevel(st));
            ServiceStateAccess.openTicks(st).values().forEach(m -> evidence.addAll(m.values()));
            ServiceStateAccess.minutes(st).values().forEach(m -> evidence.addAll(m.values()));
        }
        RevisionEvidence freshEvidence = new RevisionEvidence();
        for (Field f : fields(RevisionEvidence.class)) {
            boolean set = false;
            for (RevisionEvidence e : evidence) {
                set |= !isDefault(get(f, e), get(f, freshEvidence));
            }
            if (!set) {
                defaults.add("RevisionEvidence." + f.getName());
            }
        }
        return defaults;
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
    }

    private static Object get(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isDefault(Object v, Object fresh) {
        if (v instanceof Map<?, ?> m) {
            return m.isEmpty();
        }
        if (v instanceof Collection<?> c) {
            return c.isEmpty();
        }
        if (v instanceof LatencySketch s) {
            return s.count() == 0;
        }
        if (v instanceof RevisionEvidence e) {
            return e.isEmpty() && e.traffic.errors5xx == 0;
        }
        if (v instanceof Double d) {
            return Double.compare(d, (Double) fresh) == 0;
        }
        return Objects.equals(v, fresh);
    }

    // ------------------------------------------------------------------ main

    /** Regenerates the fixture files into {@code args[0]} (default: the module's test resources). */
    public static void main(String[] args) throws IOException {
        if (System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES") == null) {
            // as in the tollgate CLI: Avro resolves enum defaults by class name only for trusted packages
            System.setProperty(
                    "org.apache.avro.SERIALIZABLE_PACKAGES",
                    "dev.tollgate.schemas.avro,java.lang,java.util,org.apache.avro.util");
        }
        Path dir =
                Path.of(args.length > 0 ? args[0] : "topology/src/test/resources/state/v" + ServiceStateSerde.VERSION);
        Files.createDirectories(dir);
        Map<String, byte[]> fixtures = new TreeMap<>();
        List<String> uninterrupted;
        try (Harness h = new Harness()) {
            PartA a = runPartA(h);
            if (a.end() >= B_START) {
                throw new IllegalStateException("part A ended at " + a.end() + ", after B_START " + B_START);
            }
            System.out.println(
                    "part A: " + a.events().size() + " events, T0.." + a.end() + " (+" + (a.end() - T0) + " ms)");
            for (GateDecision d : a.decisions()) {
                System.out.println("  A +" + (d.getDecidedAt() - T0) + " ms " + d.getService() + " step "
                        + d.getStepIndex() + " " + d.getAction() + " " + d.getFailingGates());
            }
            for (String s : SERVICES) {
                ServiceState st = h.stepStates().get(s);
                fixtures.put(s, encode(st));
                System.out.println(s + ": state " + st.state() + ", step "
                        + st.rollout().getStepIndex() + ", "
                        + st.openTicks().size() + " open ticks, "
                        + ServiceStateAccess.pendingRollouts(st).size()
                        + " pending rollouts, " + ServiceStateAccess.minutes(st).size() + " open minutes, failures "
                        + ServiceStateAccess.failures(st) + ", last decision key '"
                        + ServiceStateAccess.lastDecisionKey(st)
                        + "', " + fixtures.get(s).length + " bytes");
            }
            uninterrupted = h.pipeAll(partB()).stream().map(Output::json).toList();
        }
        Map<String, ServiceState> decoded = new TreeMap<>();
        fixtures.forEach((s, b) -> decoded.put(s, decode(b)));
        System.out.println("default in every fixture state: " + defaultFields(decoded.values()));
        List<String> continued = continuation(decoded);
        boolean same = continued.equals(uninterrupted);
        continued.stream()
                .filter(l -> l.contains("\"topic\":\"" + TopicNames.defaults().decisions() + "\""))
                .forEach(l -> System.out.println("  B " + l.substring(0, Math.min(l.length(), 400))));
        System.out.println(
                "continuation: " + continued.size() + " output records; equals the uninterrupted run: " + same);
        if (!same) {
            for (int i = 0; i < Math.max(continued.size(), uninterrupted.size()); i++) {
                String c = i < continued.size() ? continued.get(i) : "<none>";
                String u = i < uninterrupted.size() ? uninterrupted.get(i) : "<none>";
                if (!c.equals(u)) {
                    System.out.println("first difference at line " + (i + 1) + ":\n  continued     " + c
                            + "\n  uninterrupted " + u);
                    break;
                }
            }
            throw new IllegalStateException("continuation differs from the uninterrupted run");
        }
        for (Map.Entry<String, byte[]> f : fixtures.entrySet()) {
            Files.write(dir.resolve(f.getKey() + ".bin"), f.getValue());
        }
        Files.writeString(dir.resolve(EXPECTED), String.join("\n", continued) + "\n", StandardCharsets.UTF_8);
        System.out.println("wrote " + dir.toAbsolutePath());
    }
}
