package dev.tollgate.topology.processor;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.topology.Names;
import dev.tollgate.topology.TopologyListener;
import dev.tollgate.topology.TopologySettings;
import dev.tollgate.topology.engine.Evaluator;
import dev.tollgate.topology.engine.ServiceState;
import dev.tollgate.topology.gates.Gates;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The gate evaluator node: every evidence event of a service goes into that service's state (an entry of the
 * buffered step-state store, whose object cache makes the hot path cost map lookups, not serialization); the {@link Evaluator} seals ticks
 * and decides; results, decisions and timeline minutes go to their sinks; the rollout status view used by
 * the HTTP API is refreshed only when something was published.
 */
public final class EvaluatorProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {
    private final TopologySettings settings;
    private final EventValidator validator;
    private final long ledgerRetentionMs;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, ServiceState> states;
    private TimestampedKeyValueStore<String, GatePolicy> policies;
    private WindowStoreLedger ledger;
    private Evaluator evaluator;
    private Sensor lateSensor;
    private Sensor lateMergedSensor;
    /** Tollgate's own cross-topic event-time progress (live); null when input arrives in event-time order (replay). */
    private SourceWatermarks watermarks;

    private StaleEvents staleEvents;
    /** Event time of the event being processed: the policy cache's clock (never a rejected event's time). */
    private long currentEventTime;

    private TopologyListener listener;
    private final Collector collector = new Collector();
    private StatusView statusView;
    /** Wall-clock time of the latest event per service on this task (not state: a restart re-arms it). */
    private final Map<String, long[]> lastSeenWallClock = new HashMap<>();

    private final Map<String, CachedPolicy> policyCache = new HashMap<>();
    private static final Duration STALL_CHECK_INTERVAL = Duration.ofSeconds(5);

    EvaluatorProcessor(TopologySettings settings, long ledgerRetentionMs) {
        this.settings = settings;
        this.ledgerRetentionMs = ledgerRetentionMs;
        this.validator = new EventValidator(settings.topics(), settings.live());
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> ctx) {
        this.context = ctx;
        this.states = ctx.getStateStore(Names.STORE_STEP_STATE);
        KeyValueStore<String, RolloutStatus> statuses = ctx.getStateStore(Names.STORE_ROLLOUT_STATUS);
        this.statusView = new StatusView(statuses, settings.decisionsHistory());
        this.policies = ctx.getStateStore(Names.STORE_POLICIES);
        WindowStore<String, String> keys = ctx.getStateStore(Names.STORE_DEDUPE_KEYS);
        this.ledger = new WindowStoreLedger(keys, ledgerRetentionMs);
        this.listener = settings.listener();
        this.evaluator = new Evaluator(
                settings.graceMs(),
                settings.tickMs(),
                settings.resultRefreshMs(),
                this::policyFor,
                Gates.all(),
                settings.ledgerRetentionMs());
        this.lateSensor = ctx.metrics()
                .addRateTotalSensor("tollgate", ctx.taskId().toString(), "late-events", Sensor.RecordingLevel.INFO);
        this.lateMergedSensor = ctx.metrics()
                .addRateTotalSensor(
                        "tollgate", ctx.taskId().toString(), "late-merged-events", Sensor.RecordingLevel.INFO);
        this.staleEvents = new StaleEvents(
                ctx.taskId(),
                ctx.metrics()
                        .addRateTotalSensor(
                                "tollgate", ctx.taskId().toString(), "stale-events", Sensor.RecordingLevel.INFO),
                settings.live().inputRetentionMs());
        ctx.schedule(STALL_CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::checkStalls);
        long idleMs = settings.live().sourceIdleMs();
        if (idleMs > 0) {
            // the task holds the same partition of every (co-partitioned) input topic
            this.watermarks = new SourceWatermarks(
                    idleMs,
                    settings.tickMs(),
                    settings.topics().evidenceInputs(),
                    ctx.currentSystemTimeMs(),
                    ctx.taskId().partition(),
                    settings.live().sourceLag());
            // sources turn idle with no record arriving: the source time must move without one
            ctx.schedule(
                    Duration.ofMillis(Math.max(10, idleMs / 4)),
                    PunctuationType.WALL_CLOCK_TIME,
                    now -> sweep(watermarks.sourceTime(now)));
        }
    }

    /** Advances the services that were waiting for the source time (per-source watermarks) to move. */
    private void sweep(long sourceTime) {
        for (String service : watermarks.sweep(sourceTime)) {
            ServiceState st = load(service);
            if (st != null) {
                advance(service, st, sourceTime);
            }
        }
    }

    private void advance(String service, ServiceState st, long sourceTime) {
        collector.clear();
        evaluator.advance(st, service, sourceTime, collector);
        if (watermarks != null && st.maxEventTime() > sourceTime) {
            watermarks.ahead(service);
        }
        save(service, st);
        if (!collector.isEmpty()) {
            publish(service, st);
        }
    }

    /** The service's state: the step-state store is a buffered store whose cache holds live objects. */
    private ServiceState load(String service) {
        return states.get(service);
    }

    private void save(String service, ServiceState st) {
        states.put(service, st);
    }

    /** Holds active steps of services that went silent for longer than their no-data timeout. */
    private void checkStalls(long wallClockNow) {
        Iterator<Map.Entry<String, long[]>> it = lastSeenWallClock.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, long[]> e = it.next();
            String service = e.getKey();
            long silent = wallClockNow - e.getValue()[0];
            if (silent < policyFor(service).getNoDataTimeoutMs()) {
                continue;
            }
            if (watermarks != null && !watermarks.caughtUp(settings.topics().requests(), e.getValue()[0])) {
                // its requests wait on the broker (a backlog, a busy thread, a broker away): behind, not stalled
                continue;
            }
            it.remove(); // once per silence; the next event re-arms it
            ServiceState st = load(service);
            collector.clear();
            if (st != null && evaluator.stall(st, service, silent, collector)) {
                save(service, st);
                publish(service, st);
            }
        }
    }

    /**
     * The effective policy of a service. The global store holds bytes, so a lookup decodes a GatePolicy;
     * the decoded policy is reused for the rest of the current tick of event time (a policy change takes
     * effect at the next tick at the latest, as it would anyway: the global store updates asynchronously).
     * The clock is the accepted event's time, not Kafka Streams' stream time, which a rejected far-future
     * record would otherwise have moved ahead, freezing the cache.
     */
    GatePolicy policyFor(String service) {
        long tick = Math.floorDiv(currentEventTime, settings.tickMs());
        CachedPolicy c = policyCache.get(service);
        if (c == null || c.tick != tick) {
            c = new CachedPolicy(lookupPolicy(service), tick);
            policyCache.put(service, c);
        }
        return c.policy;
    }

    private GatePolicy lookupPolicy(String service) {
        ValueAndTimestamp<GatePolicy> p = policies.get(service);
        if (p == null) {
            p = policies.get("*");
        }
        return p == null ? settings.defaultPolicy() : p.value();
    }

    private record CachedPolicy(GatePolicy policy, long tick) {}

    @Override
    public void process(Record<String, SpecificRecord> record) {
        SpecificRecord event = record.value();
        long now = context.currentSystemTimeMs();
        // before any state or watermark is touched: an invalid event throws, and is dead-lettered
        String topic = topicOf();
        validator.check(topic, record.key(), event, now);
        staleEvents.check(record.key(), record.timestamp(), now);
        long sourceTime = SourceWatermarks.NONE;
        if (watermarks != null) {
            watermarks.observe(topic, record.timestamp(), now);
            sourceTime = watermarks.sourceTime(now);
        }
        currentEventTime = record.timestamp();
        String service = record.key();
        ServiceState st = load(service);
        if (st == null) {
            st = new ServiceState();
        }
        long[] seen = lastSeenWallClock.get(service);
        if (seen == null) {
            seen = new long[1];
            lastSeenWallClock.put(service, seen);
        }
        seen[0] = context.currentSystemTimeMs();
        String type = event.getSchema().getName();
        switch (evaluator.ingest(st, service, event, record.timestamp(), ledger)) {
            case LATE -> {
                lateSensor.record();
                listener.onLateEvent(type, service);
                if (!(event instanceof RolloutEvent)) {
                    save(service, st);
                    return;
                }
            }
            case MERGED -> {
                lateMergedSensor.record();
                listener.onLateMerged(type, service);
                listener.onEvent(type);
            }
            case ACCEPTED -> listener.onEvent(type);
            default -> {}
        }
        advance(service, st, sourceTime);
        if (watermarks != null) {
            sweep(sourceTime);
        }
    }

    private String topicOf() {
        // the evaluator's records all come from its source node, which always sets the metadata
        return context.recordMetadata().map(RecordMetadata::topic).orElse(null);
    }

    /**
     * The record timestamp of an output: its event time (replay, tests), or with {@link
     * dev.tollgate.topology.LiveSettings#wallClockOutputTimes()} the wall clock, so the broker's time-based
     * retention keeps it for the topic's retention whatever its events' times (the record's fields keep event time).
     */
    private long outputTime(long eventTime) {
        return settings.live().wallClockOutputTimes() ? context.currentSystemTimeMs() : eventTime;
    }

    private void publish(String service, ServiceState st) {
        for (GateResult r : collector.results) {
            context.forward(
                    new Record<String, SpecificRecord>(service, r, outputTime(r.getEvaluatedAt())), Names.SINK_RESULTS);
            listener.onGateResult(r);
        }
        for (GateDecision d : collector.decisions) {
            context.forward(
                    new Record<String, SpecificRecord>(service, d, outputTime(d.getDecidedAt())), Names.SINK_DECISIONS);
            listener.onDecision(d);
        }
        if (!collector.decisions.isEmpty()) {
            // routers act on decisions: make them readable (read_committed) now, not at the next commit interval
            context.commit();
        }
        for (RevisionMinuteStats m : collector.minutes) {
            context.forward(
                    new Record<String, SpecificRecord>(service, m, outputTime(m.getWindowEnd())), Names.SINK_TIMELINE);
        }
        if (!collector.results.isEmpty() || !collector.decisions.isEmpty()) {
            statusView.update(service, st, collector);
        }
    }
}
