package dev.tollgate.app.metrics;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.topology.TopologyListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tollgate's own meters, fed by the topology through {@link TopologyListener} and by the dead-letter
 * handlers through {@link DlqListener}:
 * <ul>
 *   <li>{@code tollgate_events_in_total{type}}: input events accepted, by contract type;</li>
 *   <li>{@code tollgate_events_late_total{type,service}}: events dropped as late: their tick was sealed and their
 *       step decided already (named in the next results of the gates that read them);</li>
 *   <li>{@code tollgate_events_late_merged_total{type,service}}: events whose tick was sealed but whose step was
 *       still evaluated: merged into the step's evidence (also counted in {@code tollgate_events_in_total});</li>
 *   <li>{@code tollgate_dlq_total{stage}}: records sent to the dead-letter topic (stage deserialization or
 *       processing);</li>
 *   <li>{@code tollgate_gate_verdicts_total{gate,verdict}}: gate results published;</li>
 *   <li>{@code tollgate_decisions_total{action}}: decisions published;</li>
 *   <li>{@code tollgate_evaluation_lag_seconds}: wall clock minus {@code decidedAt} (event time) of the newest
 *       decision; NaN until the first decision.</li>
 * </ul>
 * Counters are cached per tag value, so the stream thread neither allocates nor looks up the registry per
 * record. Thread-safe.
 */
public final class TollgateMetrics implements TopologyListener, DlqListener {
    public static final String EVENTS_IN = "tollgate.events.in";
    public static final String EVENTS_LATE = "tollgate.events.late";
    public static final String EVENTS_LATE_MERGED = "tollgate.events.late.merged";
    public static final String DLQ = "tollgate.dlq";
    public static final String GATE_VERDICTS = "tollgate.gate.verdicts";
    public static final String DECISIONS = "tollgate.decisions";
    public static final String EVALUATION_LAG = "tollgate.evaluation.lag";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Counter> eventsIn = new ConcurrentHashMap<>();
    /** Per type, per service: created on a service's first late event only (late events are rare). */
    private final Map<String, Map<String, Counter>> eventsLate = new ConcurrentHashMap<>();

    private final Map<String, Map<String, Counter>> eventsLateMerged = new ConcurrentHashMap<>();
    private final Map<String, Counter> dlq = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Counter>> verdicts = new ConcurrentHashMap<>();
    private final Map<String, Counter> decisions = new ConcurrentHashMap<>();
    private final AtomicLong newestDecidedAt = new AtomicLong(Long.MIN_VALUE);

    /**
     * Registers the meters that exist from the start (DLQ counters and the lag gauge) on the registry.
     *
     * @param registry where the meters live
     * @param clock    wall clock of the lag gauge
     */
    public TollgateMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        dlqCounter(DlqListener.STAGE_DESERIALIZATION);
        dlqCounter(DlqListener.STAGE_PROCESSING);
        Gauge.builder(EVALUATION_LAG, this, TollgateMetrics::evaluationLagSeconds)
                .description("Wall clock minus decidedAt (event time) of the newest decision")
                .baseUnit("seconds")
                .register(registry);
    }

    /** Meters on the given registry with the system clock. */
    public TollgateMetrics(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    @Override
    public void onEvent(String type) {
        eventsIn.computeIfAbsent(
                        type,
                        t -> Counter.builder(EVENTS_IN)
                                .description("Input events accepted, by contract type")
                                .tag("type", t)
                                .register(registry))
                .increment();
    }

    @Override
    public void onLateEvent(String type, String service) {
        late(eventsLate, EVENTS_LATE, "Input events dropped as late (their step was decided already)", type, service)
                .increment();
    }

    @Override
    public void onLateMerged(String type, String service) {
        late(
                        eventsLateMerged,
                        EVENTS_LATE_MERGED,
                        "Input events later than the watermark merged into their step, still evaluated",
                        type,
                        service)
                .increment();
    }

    private Counter late(
            Map<String, Map<String, Counter>> counters, String name, String description, String type, String service) {
        return counters.computeIfAbsent(type, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(
                        service,
                        s -> Counter.builder(name)
                                .description(description)
                                .tag("type", type)
                                .tag("service", s)
                                .register(registry));
    }

    @Override
    public void onGateResult(GateResult result) {
        String verdict =
                result.getVerdict() == null ? "UNKNOWN" : result.getVerdict().name();
        verdicts.computeIfAbsent(result.getGate(), g -> new ConcurrentHashMap<>())
                .computeIfAbsent(
                        verdict,
                        v -> Counter.builder(GATE_VERDICTS)
                                .description("Gate results published, by gate and verdict")
                                .tag("gate", result.getGate())
                                .tag("verdict", v)
                                .register(registry))
                .increment();
    }

    @Override
    public void onDecision(GateDecision decision) {
        String action =
                decision.getAction() == null ? "UNKNOWN" : decision.getAction().name();
        decisions
                .computeIfAbsent(
                        action,
                        a -> Counter.builder(DECISIONS)
                                .description("Decisions published, by action")
                                .tag("action", a)
                                .register(registry))
                .increment();
        long at = decision.getDecidedAt();
        newestDecidedAt.accumulateAndGet(at, Math::max);
    }

    @Override
    public void onDeadLetter(String stage, String topic) {
        dlqCounter(stage).increment();
    }

    private Counter dlqCounter(String stage) {
        return dlq.computeIfAbsent(
                stage,
                s -> Counter.builder(DLQ)
                        .description("Records sent to the dead-letter topic, by stage")
                        .tag("stage", s)
                        .register(registry));
    }

    /** Seconds between now and the newest decision's event time; NaN before any decision. */
    public double evaluationLagSeconds() {
        long at = newestDecidedAt.get();
        if (at == Long.MIN_VALUE) {
            return Double.NaN;
        }
        return Math.max(0L, clock.millis() - at) / 1000.0;
    }
}
