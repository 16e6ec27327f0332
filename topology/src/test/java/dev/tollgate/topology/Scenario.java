package dev.tollgate.topology;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RevisionPins;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.schemas.serde.InMemorySchemaRegistry;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.schemas.serde.SpecificAvroSerializer;
import dev.tollgate.topology.gates.GateIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Test fixture: the real topology in a TopologyTestDriver with the in-memory registry, a traffic generator
 * for a baseline and a canary at the step's split, and a router stand-in that follows decisions.
 */
final class Scenario implements AutoCloseable {
    static final String SERVICE = "checkout";
    static final String BASE = "rev-1";
    static final String CANARY = "rev-2";

    final String scope = "scenario-" + UUID.randomUUID();
    final TopologySettings settings;
    final TopologyTestDriver driver;
    final TestInputTopic<String, SpecificRecord> requests;
    final TestInputTopic<String, SpecificRecord> metrics;
    final TestInputTopic<String, SpecificRecord> rollouts;
    final TestInputTopic<String, SpecificRecord> policies;
    final TestInputTopic<String, SpecificRecord> sideEffects;
    final TestInputTopic<String, SpecificRecord> queueWork;
    final TestInputTopic<String, SpecificRecord> probes;
    final TestOutputTopic<String, SpecificRecord> results;
    final TestOutputTopic<String, SpecificRecord> decisionsOut;
    final TestOutputTopic<String, SpecificRecord> timeline;
    final List<GateDecision> decisions = new ArrayList<>();
    final List<GateResult> gateResults = new ArrayList<>();
    final SplittableRandom random;
    String releaseId = "rel-1";
    long now;
    int step;
    double traffic;
    RevisionPins canaryPins;
    RevisionPins baselinePins;

    Scenario(long seed, long startMs) {
        this(seed, startMs, TopologySettings.defaults("mock://x"));
    }

    Scenario(long seed, long startMs, TopologySettings base) {
        this.settings = base.withSerdeConfig(Map.of("schema.registry.url", "mock://" + scope));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tollgate-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/tollgate-ttd-" + scope);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put("processing.exception.handler.global.enabled", true); // by name: the constant is deprecated in 4.4
        this.driver = new TopologyTestDriver(TollgateTopology.build(settings), props);
        SpecificAvroSerializer<SpecificRecord> ser = new SpecificAvroSerializer<>();
        ser.configure(Map.of("schema.registry.url", "mock://" + scope), false);
        TopicNames t = settings.topics();
        var keySer = Serdes.String().serializer();
        requests = driver.createInputTopic(t.requests(), keySer, ser);
        metrics = driver.createInputTopic(t.metrics(), keySer, ser);
        rollouts = driver.createInputTopic(t.rollouts(), keySer, ser);
        policies = driver.createInputTopic(t.policies(), keySer, ser);
        sideEffects = driver.createInputTopic(t.sideEffects(), keySer, ser);
        queueWork = driver.createInputTopic(t.queueWork(), keySer, ser);
        probes = driver.createInputTopic(t.probes(), keySer, ser);
        SpecificAvroDeserializer<SpecificRecord> de = new SpecificAvroDeserializer<>();
        de.configure(Map.of("schema.registry.url", "mock://" + scope), false);
        var keyDe = Serdes.String().deserializer();
        results = driver.createOutputTopic(t.gateResults(), keyDe, de);
        decisionsOut = driver.createOutputTopic(t.decisions(), keyDe, de);
        timeline = driver.createOutputTopic(t.timeline(), keyDe, de);
        this.random = new SplittableRandom(seed);
        this.now = startMs;
    }

    /** A policy for request-gate scenarios: the issue-4 gates (which need probes, queues) are disabled. */
    static GatePolicy.Builder requestGatesPolicy() {
        Map<String, GateSettings> gates = new HashMap<>();
        for (String g : List.of(
                GateIds.DEDUPE,
                GateIds.SIDE_EFFECTS,
                GateIds.SEMANTIC_DRIFT,
                GateIds.LAMBDA,
                GateIds.QUEUE_AGE,
                GateIds.QUEUE_FENCE)) {
            gates.put(g, GateSettings.newBuilder().setEnabled(false).build());
        }
        return GatePolicy.newBuilder()
                .setGates(gates)
                .setMinSamples(200)
                .setMinStepDurationMs(30_000)
                .setWarmupMs(10_000)
                .setNoDataTimeoutMs(60_000);
    }

    void policy(String key, GatePolicy p) {
        policies.pipeInput(key, p, now);
    }

    void rollout(RolloutPhase phase, int stepIndex, double percent) {
        step = stepIndex;
        traffic = percent;
        rollouts.pipeInput(
                SERVICE,
                RolloutEvent.newBuilder()
                        .setService(SERVICE)
                        .setReleaseId(releaseId)
                        .setTimestamp(now)
                        .setBaselineRevision(BASE)
                        .setCanaryRevision(CANARY)
                        .setPhase(phase)
                        .setStepIndex(stepIndex)
                        .setTrafficPercent(percent)
                        .setCanaryPins(canaryPins)
                        .setBaselinePins(baselinePins)
                        .build(),
                now);
    }

    /** Traffic shape of one revision. */
    static final class Shape {
        double errorRate = 0.002;
        double latencyMedianMs = 80;
        double latencySigma = 0.35;
        double coldStartRate = 0.0;
        String schemaRev;
        String pinnedRelease;
        double cutRate;
        Consumer<RequestLog.Builder> extra = b -> {};
    }

    final Shape baseline = new Shape();
    final Shape canary = new Shape();

    /** Plays {@code seconds} of traffic at {@code rps} in total, split by the current canary share. */
    void play(double seconds, int rps) {
        long end = now + (long) (seconds * 1000);
        double gap = 1000.0 / rps;
        double t = now;
        while (t < end) {
            boolean isCanary = random.nextDouble() * 100 < traffic;
            request(isCanary ? CANARY : BASE, isCanary ? canary : baseline, (long) t);
            t += gap;
        }
        now = end;
        collect();
    }

    void request(String revision, Shape s, long ts) {
        double latency = s.latencyMedianMs * Math.exp(s.latencySigma * gaussian());
        RequestLog.Builder b = RequestLog.newBuilder()
                .setService(SERVICE)
                .setReleaseId(releaseId)
                .setRevision(revision)
                .setTimestamp(ts)
                .setStatus(random.nextDouble() < s.errorRate ? 503 : 200)
                .setLatencyMs(latency)
                .setColdStart(random.nextDouble() < s.coldStartRate)
                .setMethod("GET")
                .setStreamOutcome(random.nextDouble() < s.cutRate ? StreamOutcome.CUT : StreamOutcome.NONE)
                .setSchemaRev(s.schemaRev)
                .setPinnedRelease(s.pinnedRelease);
        s.extra.accept(b);
        requests.pipeInput(SERVICE, b.build(), ts);
    }

    void metric(String revision, String name, double value) {
        metrics.pipeInput(
                SERVICE,
                MetricSample.newBuilder()
                        .setService(SERVICE)
                        .setRevision(revision)
                        .setTimestamp(now)
                        .setName(name)
                        .setValue(value)
                        .build(),
                now);
    }

    double gaussian() {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    void collect() {
        while (!decisionsOut.isEmpty()) {
            decisions.add((GateDecision) decisionsOut.readValue());
        }
        while (!results.isEmpty()) {
            gateResults.add((GateResult) results.readValue());
        }
    }

    GateDecision lastDecision() {
        collect();
        return decisions.isEmpty() ? null : decisions.get(decisions.size() - 1);
    }

    /**
     * Router stand-in: plays traffic in 5 s slices until a decision other than HOLD arrives (or the time
     * budget runs out); on PROMOTE it shifts traffic and starts the next step.
     */
    GateDecision runStep(int rps, double maxSeconds) {
        int seen = decisions.size();
        double played = 0;
        while (played < maxSeconds) {
            play(5, rps);
            played += 5;
            for (int i = seen; i < decisions.size(); i++) {
                GateDecision d = decisions.get(i);
                if (d.getAction() != Action.HOLD) {
                    if (d.getAction() == Action.PROMOTE) {
                        rollout(RolloutPhase.STEP, d.getStepIndex() + 1, d.getNextTrafficPercent());
                    }
                    return d;
                }
            }
        }
        return null;
    }

    RolloutStatus status() {
        KeyValueStore<String, RolloutStatus> s = driver.getKeyValueStore(Names.STORE_ROLLOUT_STATUS);
        return s.get(SERVICE);
    }

    List<GateResult> resultsFor(String gate) {
        collect();
        return gateResults.stream().filter(r -> r.getGate().equals(gate)).toList();
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistry.dropScope(scope);
    }
}
