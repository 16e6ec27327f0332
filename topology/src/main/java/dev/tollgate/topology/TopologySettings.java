package dev.tollgate.topology;

import dev.tollgate.schemas.avro.GatePolicy;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the topology needs, as one immutable value. Built by the service from its validated config,
 * or by tests and replay directly.
 *
 * @param topics           topic names (with prefix)
 * @param serdeConfig      configuration of the Avro serdes ({@code schema.registry.url}, auth, ...)
 * @param graceMs          how late (event time) an event may arrive and still count; later ones are dropped
 * @param tickMs           evaluation tick: evidence is sealed and gates evaluated once per tick of event time
 * @param resultRefreshMs  a gate result is re-published at least this often (event time) while its verdict
 *                         is unchanged, so dashboards see values move
 * @param defaultPolicy    policy used when neither the service nor {@code *} has one on the policies topic
 * @param decisionsHistory decisions kept per rollout for the API
 * @param listener         observability callback
 * @param ledgerRetentionMs how long idempotency keys, side-effect keys and worked queue offsets are kept at
 *                         most; a policy's {@code dedupeRetentionMs} longer than this is capped to it
 * @param live             the checks and stamps that use the wall clock ({@link LiveSettings#OFF} in replay and
 *                         tests, which stay deterministic)
 */
public record TopologySettings(
        TopicNames topics,
        Map<String, Object> serdeConfig,
        long graceMs,
        long tickMs,
        long resultRefreshMs,
        GatePolicy defaultPolicy,
        int decisionsHistory,
        TopologyListener listener,
        long ledgerRetentionMs,
        LiveSettings live) {

    public static final long DEFAULT_GRACE_MS = 2_000L;
    public static final long DEFAULT_TICK_MS = 1_000L;
    public static final long DEFAULT_RESULT_REFRESH_MS = 10_000L;
    public static final int DEFAULT_DECISIONS_HISTORY = 50;
    public static final long DEFAULT_LEDGER_RETENTION_MS = 7L * 24 * 3_600_000L;

    /** Settings with the default ledger retention. */
    public TopologySettings(
            TopicNames topics,
            Map<String, Object> serdeConfig,
            long graceMs,
            long tickMs,
            long resultRefreshMs,
            GatePolicy defaultPolicy,
            int decisionsHistory,
            TopologyListener listener) {
        this(
                topics,
                serdeConfig,
                graceMs,
                tickMs,
                resultRefreshMs,
                defaultPolicy,
                decisionsHistory,
                listener,
                DEFAULT_LEDGER_RETENTION_MS,
                LiveSettings.OFF);
    }

    /** Settings without wall-clock checks ({@link LiveSettings#OFF}). */
    public TopologySettings(
            TopicNames topics,
            Map<String, Object> serdeConfig,
            long graceMs,
            long tickMs,
            long resultRefreshMs,
            GatePolicy defaultPolicy,
            int decisionsHistory,
            TopologyListener listener,
            long ledgerRetentionMs) {
        this(
                topics,
                serdeConfig,
                graceMs,
                tickMs,
                resultRefreshMs,
                defaultPolicy,
                decisionsHistory,
                listener,
                ledgerRetentionMs,
                LiveSettings.OFF);
    }

    public TopologySettings {
        Objects.requireNonNull(topics, "topics");
        serdeConfig = Map.copyOf(Objects.requireNonNull(serdeConfig, "serdeConfig"));
        if (graceMs < 0) {
            throw new IllegalArgumentException("graceMs must be >= 0, was " + graceMs);
        }
        if (tickMs <= 0) {
            throw new IllegalArgumentException("tickMs must be > 0, was " + tickMs);
        }
        if (resultRefreshMs <= 0) {
            throw new IllegalArgumentException("resultRefreshMs must be > 0, was " + resultRefreshMs);
        }
        if (decisionsHistory <= 0) {
            throw new IllegalArgumentException("decisionsHistory must be > 0, was " + decisionsHistory);
        }
        Objects.requireNonNull(defaultPolicy, "defaultPolicy");
        Objects.requireNonNull(listener, "listener");
        if (ledgerRetentionMs <= 0) {
            throw new IllegalArgumentException("ledgerRetentionMs must be > 0, was " + ledgerRetentionMs);
        }
        Objects.requireNonNull(live, "live");
    }

    /** Settings with every default and the given registry URL (e.g. {@code mock://tollgate}). */
    public static TopologySettings defaults(String schemaRegistryUrl) {
        return new TopologySettings(
                TopicNames.defaults(),
                Map.of("schema.registry.url", schemaRegistryUrl),
                DEFAULT_GRACE_MS,
                DEFAULT_TICK_MS,
                DEFAULT_RESULT_REFRESH_MS,
                GatePolicy.newBuilder().build(),
                DEFAULT_DECISIONS_HISTORY,
                TopologyListener.NOOP);
    }

    public TopologySettings withTopics(TopicNames t) {
        return new TopologySettings(
                t,
                serdeConfig,
                graceMs,
                tickMs,
                resultRefreshMs,
                defaultPolicy,
                decisionsHistory,
                listener,
                ledgerRetentionMs,
                live);
    }

    public TopologySettings withGraceMs(long g) {
        return new TopologySettings(
                topics,
                serdeConfig,
                g,
                tickMs,
                resultRefreshMs,
                defaultPolicy,
                decisionsHistory,
                listener,
                ledgerRetentionMs,
                live);
    }

    public TopologySettings withTickMs(long t) {
        return new TopologySettings(
                topics,
                serdeConfig,
                graceMs,
                t,
                resultRefreshMs,
                defaultPolicy,
                decisionsHistory,
                listener,
                ledgerRetentionMs,
                live);
    }

    public TopologySettings withResultRefreshMs(long r) {
        return new TopologySettings(
                topics,
                serdeConfig,
                graceMs,
                tickMs,
                r,
                defaultPolicy,
                decisionsHistory,
                listener,
                ledgerRetentionMs,
                live);
    }

    public TopologySettings withDefaultPolicy(GatePolicy p) {
        return new TopologySettings(
                topics,
                serdeConfig,
                graceMs,
                tickMs,
                resultRefreshMs,
                p,
                decisionsHistory,
                listener,
                ledgerRetentionMs,
                live);
    }

    public TopologySettings withListener(TopologyListener l) {
        return new TopologySettings(
                topics,
                serdeConfig,
                graceMs,
                tickMs,
                resultRefreshMs,
                defaultPolicy,
                decisionsHistory,
                l,
                ledgerRetentionMs,
                live);
    }

    public TopologySettings withSerdeConfig(Map<String, Object> c) {
        return new TopologySettings(
                topics,
                c,
                graceMs,
                tickMs,
                resultRefreshMs,
                defaultPolicy,
                decisionsHistory,
                listener,
                ledgerRetentionMs,
                live);
    }

    public TopologySettings withLive(LiveSettings l) {
        return new TopologySettings(
                topics,
                serdeConfig,
                graceMs,
                tickMs,
                resultRefreshMs,
                defaultPolicy,
                decisionsHistory,
                listener,
                ledgerRetentionMs,
                l);
    }
}
