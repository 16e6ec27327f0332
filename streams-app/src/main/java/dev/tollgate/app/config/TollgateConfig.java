package dev.tollgate.app.config;

import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.schemas.avro.FullTrafficBaseline;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.InconclusiveAction;
import dev.tollgate.topology.LiveSettings;
import dev.tollgate.topology.TopicNames;
import dev.tollgate.topology.TopologyListener;
import dev.tollgate.topology.TopologySettings;
import dev.tollgate.topology.gates.Gate;
import dev.tollgate.topology.gates.Gates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The validated configuration of the Tollgate service: one {@link ConfigDef} in which every key has a
 * type, a default, a validator and a doc string.
 *
 * <p>Sources, later ones winning: the defaults, a properties file ({@code --config FILE}), then
 * environment variables named {@code TOLLGATE_} + the key upper-cased with dots and dashes turned into
 * underscores (e.g. {@code TOLLGATE_BOOTSTRAP_SERVERS}, {@code TOLLGATE_POLICY_DEFAULT_GATE_ERROR_RATE_THRESHOLD}).
 *
 * <p>Keys that are not Tollgate's own but are standard Kafka client or Streams settings
 * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, {@code producer.*}, ...) pass through to the
 * Kafka clients unchanged; so does any key prefixed {@code kafka.} (with the prefix removed). Keys prefixed
 * {@code schema.registry.} or {@code basic.auth.} go to the Avro serdes. Anything else is reported as
 * unknown (and ignored).
 *
 * <p>Problems are reported all at once as a {@link TollgateConfigException} naming each key, what is
 * expected, and where the value came from. Callers' maps and {@link Properties} are never modified.
 */
public final class TollgateConfig extends AbstractConfig {

    // ---- keys -----------------------------------------------------------------------------------------
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String STATE_DIR = "state.dir";
    public static final String NUM_STREAM_THREADS = "num.stream.threads";
    public static final String NUM_STANDBY_REPLICAS = "num.standby.replicas";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String GRACE_MS = "grace.ms";
    public static final String TICK_MS = "tick.ms";
    public static final String MAX_FUTURE_SKEW_MS = "max.future.skew.ms";
    public static final String MAX_EVENT_AGE_MS = "max.event.age.ms";
    /** Per-source watermarks: how long an input partition may deliver nothing before it stops holding ticks back. */
    public static final String SOURCE_IDLE_MS = "source.idle.ms";

    public static final long DEFAULT_MAX_FUTURE_SKEW_MS = 300_000L;
    public static final long DEFAULT_MAX_EVENT_AGE_MS = 365L * 24 * 3_600_000L;
    public static final String RESULT_REFRESH_MS = "result.refresh.ms";
    public static final String DECISIONS_HISTORY = "decisions.history";
    public static final String LEDGER_RETENTION_MS = "ledger.retention.ms";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_ADVERTISED_HOST = "http.advertised.host";
    public static final String HTTP_ADVERTISED_PORT = "http.advertised.port";
    public static final String TOPICS_PARTITIONS = "topics.partitions";
    public static final String TOPICS_REPLICATION_FACTOR = "topics.replication.factor";
    public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
    // ---- issue 17: deployment (RocksDB memory bound) ----
    public static final String ROCKSDB_MEMORY_BYTES = "rocksdb.memory.bytes";
    public static final long DEFAULT_ROCKSDB_MEMORY_BYTES = 256L * 1024 * 1024;
    // ---- end issue 17 ----

    /** Prefix of the keys that override the default {@link GatePolicy}. */
    public static final String POLICY_PREFIX = "policy.default.";

    public static final String POLICY_STEPS = POLICY_PREFIX + "steps";
    public static final String POLICY_MIN_SAMPLES = POLICY_PREFIX + "min.samples";
    public static final String POLICY_MIN_STEP_DURATION_MS = POLICY_PREFIX + "min.step.duration.ms";
    public static final String POLICY_MAX_STEP_DURATION_MS = POLICY_PREFIX + "max.step.duration.ms";
    public static final String POLICY_ON_INCONCLUSIVE = POLICY_PREFIX + "on.inconclusive";
    public static final String POLICY_WARMUP_MS = POLICY_PREFIX + "warmup.ms";
    public static final String POLICY_ALPHA = POLICY_PREFIX + "alpha";
    public static final String POLICY_FAILURES_TO_FREEZE = POLICY_PREFIX + "failures.to.freeze";
    public static final String POLICY_NO_DATA_TIMEOUT_MS = POLICY_PREFIX + "no.data.timeout.ms";
    public static final String POLICY_DEDUPE_RETENTION_MS = POLICY_PREFIX + "dedupe.retention.ms";
    public static final String POLICY_PROBE_SEEDS = POLICY_PREFIX + "probe.seeds";
    public static final String POLICY_PROBE_SET_SIZE = POLICY_PREFIX + "probe.set.size";
    public static final String POLICY_REQUIRED_GATES = POLICY_PREFIX + "required.gates";
    public static final String POLICY_FULL_TRAFFIC_BASELINE = POLICY_PREFIX + "full.traffic.baseline";

    /** Prefix of keys passed to the Kafka clients with the prefix removed. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Prefix of environment variables that override keys. */
    public static final String ENV_PREFIX = "TOLLGATE_";

    /** Gate ids, from the registry ({@link Gates}); each has {@code policy.default.gate.<id>.*} keys. */
    public static final List<String> GATE_IDS = Gates.ids();

    // ---- defaults of the policy (equal to the GatePolicy Avro defaults; a test guards that) -----------
    static final String DEFAULT_STEPS = "1,5,25,50,100";
    static final long DEFAULT_MIN_SAMPLES = 200L;
    static final long DEFAULT_MIN_STEP_DURATION_MS = 30_000L;
    static final long DEFAULT_MAX_STEP_DURATION_MS = 1_800_000L;
    static final long DEFAULT_WARMUP_MS = 10_000L;
    static final double DEFAULT_ALPHA = 0.01;
    static final int DEFAULT_FAILURES_TO_FREEZE = 2;
    static final long DEFAULT_NO_DATA_TIMEOUT_MS = 60_000L;
    static final int DEFAULT_PROBE_SEEDS = 2;
    static final int DEFAULT_PROBE_SET_SIZE = 10;

    private static final Pattern KAFKA_NAME = Pattern.compile("[a-zA-Z0-9._-]*");
    private static final List<String> STREAMS_CLIENT_PREFIXES = List.of(
            StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX,
            StreamsConfig.ADMIN_CLIENT_PREFIX,
            StreamsConfig.TOPIC_PREFIX);
    private static final List<String> SERDE_PREFIXES = List.of("schema.registry.", "basic.auth.");
    private static final Set<String> SERDE_KEYS =
            Set.of("auto.register.schemas", "use.latest.version", "specific.avro.reader");

    private static final ConfigDef DEF = buildConfigDef();
    private static final Set<String> CLIENT_CONFIG_NAMES = clientConfigNames();

    private final Map<String, Object> clientOverrides;
    private final Map<String, Object> serdeOverrides;
    private final Set<String> unknownKeys;

    private TollgateConfig(
            Map<String, Object> ownValues,
            Map<String, Object> clientOverrides,
            Map<String, Object> serdeOverrides,
            Set<String> unknownKeys) {
        super(DEF, ownValues, false);
        this.clientOverrides = Collections.unmodifiableMap(new TreeMap<>(clientOverrides));
        this.serdeOverrides = Collections.unmodifiableMap(new TreeMap<>(serdeOverrides));
        this.unknownKeys = Collections.unmodifiableSet(new TreeSet<>(unknownKeys));
    }

    // ---- loading ---------------------------------------------------------------------------------------

    /**
     * Loads the configuration from an optional properties file, overridden by the environment.
     *
     * @param file properties file, or null for environment and defaults only
     * @param env  environment variables (usually {@link System#getenv()})
     * @return the validated configuration
     * @throws TollgateConfigException when the file cannot be read, a required key is missing or a value is invalid
     */
    public static TollgateConfig load(Path file, Map<String, String> env) {
        Properties props = new Properties();
        String origin = "defaults";
        if (file != null) {
            origin = "config file " + file;
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            } catch (NoSuchFileException e) {
                throw new TollgateConfigException("Config file " + file + " does not exist");
            } catch (IOException | IllegalArgumentException e) {
                throw new TollgateConfigException("Config file " + file + " cannot be read: " + e.getMessage());
            }
        }
        return fromProperties(props, origin, env);
    }

    /**
     * Builds the configuration from properties (e.g. a loaded file) overridden by the environment. The
     * given properties are copied, never modified.
     *
     * @param props  the settings; values are strings or already-typed values
     * @param origin where the properties came from, for error messages (e.g. "config file a.properties")
     * @param env    environment variables; entries named {@code TOLLGATE_<KEY>} override the properties
     * @return the validated configuration
     * @throws TollgateConfigException naming every missing or invalid key
     */
    public static TollgateConfig fromProperties(Properties props, String origin, Map<String, String> env) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            copy.put(name, props.getProperty(name));
        }
        // values that are not strings (put() by a program) are kept as they are
        props.forEach((k, v) -> {
            if (k instanceof String key && !(v instanceof String)) {
                copy.put(key, v);
            }
        });
        return fromMap(copy, origin, env);
    }

    /**
     * Builds the configuration from a map overridden by the environment; the map is copied, never modified.
     *
     * @param values settings by key
     * @param origin where the settings came from, for error messages
     * @param env    environment variables; entries named {@code TOLLGATE_<KEY>} override the map
     * @return the validated configuration
     * @throws TollgateConfigException naming every missing or invalid key
     */
    public static TollgateConfig fromMap(Map<String, ?> values, String origin, Map<String, String> env) {
        Map<String, Object> merged = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            merged.put(k, v instanceof String s ? s.trim() : v);
            origins.put(k, origin);
        });
        envKeys().forEach((envName, key) -> {
            String v = env.get(envName);
            if (v != null) {
                merged.put(key, v.trim());
                origins.put(key, "environment variable " + envName);
            }
        });

        List<String> problems = new ArrayList<>();
        Map<String, Object> own = new LinkedHashMap<>();
        Map<String, Object> client = new LinkedHashMap<>();
        Map<String, Object> serde = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        merged.forEach((key, value) -> {
            if (DEF.names().contains(key)) {
                own.put(key, value);
            } else if (key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length()) {
                client.put(key.substring(KAFKA_PREFIX.length()), value);
            } else if (SERDE_KEYS.contains(key) || SERDE_PREFIXES.stream().anyMatch(key::startsWith)) {
                serde.put(key, value);
            } else if (isClientConfig(key)) {
                client.put(key, value);
            } else {
                unknown.add(key);
            }
        });

        for (ConfigDef.ConfigKey key : DEF.configKeys().values()) {
            Object raw = own.get(key.name);
            if (raw == null || (raw instanceof String s && s.isEmpty() && key.type != Type.STRING)) {
                if (!key.hasDefault()) {
                    problems.add("Missing required configuration \"" + key.name + "\" (" + key.documentation
                            + "): set it in the config file or " + envName(key.name));
                }
                own.remove(key.name);
                continue;
            }
            try {
                Object parsed = ConfigDef.parseType(key.name, raw, key.type);
                if (key.validator != null) {
                    key.validator.ensureValid(key.name, parsed);
                }
            } catch (ConfigException e) {
                problems.add(e.getMessage() + " (from " + origins.getOrDefault(key.name, origin) + "; "
                        + "expected " + key.type.name().toLowerCase(Locale.ROOT)
                        + (key.validator != null ? " " + key.validator : "") + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new TollgateConfigException(problems);
        }
        return new TollgateConfig(own, client, serde, unknown);
    }

    /** The environment variable that overrides a key: {@code TOLLGATE_} + upper-cased key, dots and dashes → '_'. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** A copy of the definition of every key (for docs and {@code --help}). */
    public static ConfigDef configDef() {
        return new ConfigDef(DEF);
    }

    private static Map<String, String> envKeys() {
        Map<String, String> byEnv = new LinkedHashMap<>();
        DEF.names().forEach(k -> byEnv.putIfAbsent(envName(k), k));
        CLIENT_CONFIG_NAMES.forEach(k -> byEnv.putIfAbsent(envName(k), k));
        SERDE_ENV_KEYS.forEach(k -> byEnv.putIfAbsent(envName(k), k));
        return byEnv;
    }

    private static boolean isClientConfig(String key) {
        if (CLIENT_CONFIG_NAMES.contains(key)) {
            return true;
        }
        for (String prefix : STREAMS_CLIENT_PREFIXES) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> clientConfigNames() {
        Set<String> names = new TreeSet<>();
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        names.addAll(StreamsConfig.configDef().names());
        names.removeAll(DEF.names());
        return Collections.unmodifiableSet(names);
    }

    // ---- typed accessors -------------------------------------------------------------------------------

    /** Kafka bootstrap servers, comma-joined. */
    public String bootstrapServers() {
        return String.join(",", getList(BOOTSTRAP_SERVERS));
    }

    /** The Kafka Streams application id. */
    public String applicationId() {
        return getString(APPLICATION_ID);
    }

    /** Topic names with the configured prefix. */
    public TopicNames topicNames() {
        return new TopicNames(getString(TOPIC_PREFIX));
    }

    /** The schema registry URL (http(s) or mock://). */
    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL);
    }

    /** The Kafka Streams state directory. */
    public String stateDir() {
        return getString(STATE_DIR);
    }

    /** Stream threads of this instance: the configured number, or with 0 (the default) {@link #defaultStreamThreads()}. */
    public int numStreamThreads() {
        int n = getInt(NUM_STREAM_THREADS);
        return n == 0 ? defaultStreamThreads() : n;
    }

    /**
     * The stream threads of an instance that does not set {@code num.stream.threads}: one per available processor.
     * Kafka Streams runs one stream thread unless told otherwise, and a stream thread uses one core at most; on two
     * cores one thread ran the evaluator at 0.54 of a decoding consumer and two at 0.75 (docs/performance.md).
     */
    public static int defaultStreamThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Standby replicas of each state store. */
    public int numStandbyReplicas() {
        return getInt(NUM_STANDBY_REPLICAS);
    }

    /** exactly_once_v2 or at_least_once. */
    public String processingGuarantee() {
        return getString(PROCESSING_GUARANTEE);
    }

    /** Commit interval, or null for the default of the processing guarantee (see {@link #COMMIT_INTERVAL_MS}). */
    public Long commitIntervalMs() {
        return getLong(COMMIT_INTERVAL_MS);
    }

    /** Allowed lateness in event time, ms. */
    public long graceMs() {
        return getLong(GRACE_MS);
    }

    /** {@value #SOURCE_IDLE_MS}: per-source watermarks (default 1000 ms); 0 = off (Kafka Streams' own synchronization). */
    public long sourceIdleMs() {
        return getLong(SOURCE_IDLE_MS);
    }

    /** {@value #MAX_FUTURE_SKEW_MS}: 0 = no check. */
    public long maxFutureSkewMs() {
        return getLong(MAX_FUTURE_SKEW_MS);
    }

    /** {@value #MAX_EVENT_AGE_MS}: 0 = no check. */
    public long maxEventAgeMs() {
        return getLong(MAX_EVENT_AGE_MS);
    }

    /** Evaluation tick in event time, ms. */
    public long tickMs() {
        return getLong(TICK_MS);
    }

    /** Re-publication interval of unchanged gate results, event time ms. */
    public long resultRefreshMs() {
        return getLong(RESULT_REFRESH_MS);
    }

    /** Decisions kept per rollout for the API. */
    public int decisionsHistory() {
        return getInt(DECISIONS_HISTORY);
    }

    /** Longest retention of idempotency, dedupe and queue-offset keys, ms. */
    public long ledgerRetentionMs() {
        return getLong(LEDGER_RETENTION_MS);
    }

    /** Port the HTTP API binds to (0: a free one). */
    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    /** Address the HTTP API binds to. */
    public String httpHost() {
        return getString(HTTP_HOST);
    }

    /** The configured advertised host, or empty for automatic. */
    public String httpAdvertisedHost() {
        return getString(HTTP_ADVERTISED_HOST);
    }

    /** The configured advertised port, or 0 for the bound port. */
    public int httpAdvertisedPort() {
        return getInt(HTTP_ADVERTISED_PORT);
    }

    /** Partitions of topics created by --create-topics. */
    public int topicPartitions() {
        return getInt(TOPICS_PARTITIONS);
    }

    /** Replication factor of created topics; -1 means the broker default. */
    public short topicReplicationFactor() {
        return getInt(TOPICS_REPLICATION_FACTOR).shortValue();
    }

    /** How long a graceful shutdown waits for Kafka Streams, ms. */
    public long shutdownTimeoutMs() {
        return getLong(SHUTDOWN_TIMEOUT_MS);
    }

    // ---- issue 17: deployment (RocksDB memory bound) ----
    /**
     * Off-heap bytes all RocksDB stores of this process share (block cache, index/filter blocks and memtables,
     * through one LRU cache and a write-buffer manager charged to it); 0 leaves RocksDB's per-store defaults.
     */
    public long rocksDbMemoryBytes() {
        return getLong(ROCKSDB_MEMORY_BYTES);
    }
    // ---- end issue 17 ----

    /** Kafka client and Streams settings passed through unchanged (security, sasl, ssl, prefixed ones...). */
    public Map<String, Object> clientOverrides() {
        return clientOverrides;
    }

    /** Keys that were neither Tollgate's, nor Kafka client settings, nor serde settings (ignored). */
    public Set<String> unknownKeys() {
        return unknownKeys;
    }

    /** Configuration of the Avro serdes: the registry URL plus any {@code schema.registry.*}/{@code basic.auth.*}. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> m = new LinkedHashMap<>(serdeOverrides);
        m.put(SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        return Collections.unmodifiableMap(m);
    }

    /** Settings of a Kafka admin client: bootstrap servers plus the passed-through client settings. */
    public Map<String, Object> adminClientConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        clientOverrides.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                m.put(k, v);
            } else if (k.startsWith(StreamsConfig.ADMIN_CLIENT_PREFIX)) {
                m.put(k.substring(StreamsConfig.ADMIN_CLIENT_PREFIX.length()), v);
            }
        });
        return m;
    }

    /** Settings of a plain producer or consumer (tools, tests): bootstrap plus the unprefixed client settings. */
    public Map<String, Object> plainClientConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        clientOverrides.forEach((k, v) -> {
            if (STREAMS_CLIENT_PREFIXES.stream().noneMatch(k::startsWith)) {
                m.put(k, v);
            }
        });
        return m;
    }

    /**
     * The default gate policy: the Avro defaults overridden by {@code policy.default.*}. A gate appears in
     * {@link GatePolicy#getGates()} only when one of its keys was set.
     */
    public GatePolicy defaultPolicy() {
        Map<String, GateSettings> gates = new LinkedHashMap<>();
        Map<String, Object> originals = originals();
        for (String gate : GATE_IDS) {
            String enabled = gateKey(gate, "enabled");
            String threshold = gateKey(gate, "threshold");
            String dryRun = gateKey(gate, "dry.run");
            if (originals.containsKey(enabled) || originals.containsKey(threshold) || originals.containsKey(dryRun)) {
                gates.put(
                        gate,
                        GateSettings.newBuilder()
                                .setEnabled(getBoolean(enabled))
                                .setThreshold(getDouble(threshold))
                                .setDryRun(getBoolean(dryRun))
                                .build());
            }
        }
        List<Double> steps = new ArrayList<>();
        for (String s : getList(POLICY_STEPS)) {
            steps.add(Double.parseDouble(s));
        }
        return GatePolicy.newBuilder()
                .setSteps(steps)
                .setGates(gates)
                .setMinSamples(getLong(POLICY_MIN_SAMPLES))
                .setMinStepDurationMs(getLong(POLICY_MIN_STEP_DURATION_MS))
                .setMaxStepDurationMs(getLong(POLICY_MAX_STEP_DURATION_MS))
                .setOnInconclusive(InconclusiveAction.valueOf(getString(POLICY_ON_INCONCLUSIVE)))
                .setWarmupMs(getLong(POLICY_WARMUP_MS))
                .setAlpha(getDouble(POLICY_ALPHA))
                .setFailuresToFreeze(getInt(POLICY_FAILURES_TO_FREEZE))
                .setDedupeRetentionMs(getLong(POLICY_DEDUPE_RETENTION_MS))
                .setNoDataTimeoutMs(getLong(POLICY_NO_DATA_TIMEOUT_MS))
                .setProbeSeeds(getInt(POLICY_PROBE_SEEDS))
                .setProbeSetSize(getInt(POLICY_PROBE_SET_SIZE))
                .setRequiredGates(new ArrayList<>(getList(POLICY_REQUIRED_GATES)))
                .setFullTrafficBaseline(FullTrafficBaseline.valueOf(getString(POLICY_FULL_TRAFFIC_BASELINE)))
                .build();
    }

    /**
     * The topology's settings built from this configuration.
     *
     * @param listener observability callback (the service binds it to Micrometer)
     */
    public TopologySettings topologySettings(TopologyListener listener) {
        return new TopologySettings(
                topicNames(),
                serdeConfig(),
                graceMs(),
                tickMs(),
                resultRefreshMs(),
                defaultPolicy(),
                decisionsHistory(),
                listener,
                ledgerRetentionMs(),
                new LiveSettings(
                        maxFutureSkewMs(), maxEventAgeMs(), TopicAdmin.INPUT_RETENTION_MS, true, sourceIdleMs()));
    }

    /**
     * The effective configuration, one {@code key=value} per entry, sorted, with secrets masked, for the
     * start-up log.
     */
    public Map<String, String> describe() {
        Map<String, String> out = new TreeMap<>();
        Map<String, Object> originals = originals();
        values().forEach((k, v) -> {
            if (!k.startsWith(POLICY_PREFIX + "gate.") || originals.containsKey(k)) {
                out.put(k, String.valueOf(v));
            }
        });
        out.put(SCHEMA_REGISTRY_URL, withoutUserInfo(schemaRegistryUrl()));
        clientOverrides.forEach((k, v) -> out.put(k, mask(k, v)));
        serdeOverrides.forEach((k, v) -> out.put(k, mask(k, v)));
        return out;
    }

    private static String mask(String key, Object value) {
        String k = key.toLowerCase(Locale.ROOT);
        boolean secret = k.contains("password")
                || k.contains("secret")
                || k.contains("jaas")
                || k.contains("user.info")
                || k.contains("token")
                || k.endsWith(".key")
                || k.contains("credentials");
        return secret ? "[hidden]" : String.valueOf(value);
    }

    /** Key of a per-gate policy setting, e.g. {@code policy.default.gate.error-rate.threshold}. */
    public static String gateKey(String gate, String setting) {
        return POLICY_PREFIX + "gate." + gate + "." + setting;
    }

    // ---- the definition --------------------------------------------------------------------------------

    private static ConfigDef buildConfigDef() {
        String service = "service";
        String policy = "default policy";
        ConfigDef def = new ConfigDef();
        int o = 0;
        def.define(
                BOOTSTRAP_SERVERS,
                Type.LIST,
                ConfigDef.NO_DEFAULT_VALUE,
                new HostPortList(),
                Importance.HIGH,
                "Kafka bootstrap servers, a comma-separated list of host:port, e.g. localhost:9092",
                service,
                ++o,
                ConfigDef.Width.LONG,
                "Bootstrap servers");
        def.define(
                APPLICATION_ID,
                Type.STRING,
                "tollgate",
                new KafkaName(false),
                Importance.HIGH,
                "Kafka Streams application id: consumer group, transactional id and internal topic prefix; "
                        + "letters, digits, '.', '_' and '-'",
                service,
                ++o,
                ConfigDef.Width.MEDIUM,
                "Application id");
        def.define(
                TOPIC_PREFIX,
                Type.STRING,
                TopicNames.DEFAULT_PREFIX,
                new KafkaName(true),
                Importance.HIGH,
                "Prefix of every contract topic (tollgate.requests, tollgate.decisions, ...); may be empty",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Topic prefix");
        def.define(
                SCHEMA_REGISTRY_URL,
                Type.STRING,
                "mock://tollgate",
                new RegistryUrl(),
                Importance.HIGH,
                "Confluent-API schema registry: http(s)://host:port[/path], or mock://SCOPE for an in-memory "
                        + "registry shared within the JVM",
                service,
                ++o,
                ConfigDef.Width.LONG,
                "Schema registry URL");
        def.define(
                STATE_DIR,
                Type.STRING,
                defaultStateDir(),
                new ConfigDef.NonEmptyString(),
                Importance.MEDIUM,
                "Directory of the Kafka Streams state stores (RocksDB); one per instance",
                service,
                ++o,
                ConfigDef.Width.LONG,
                "State directory");
        def.define(
                NUM_STREAM_THREADS,
                Type.INT,
                0,
                Range.atLeast(0),
                Importance.MEDIUM,
                "Stream threads of this instance; 0 (the default) runs one per available processor. Tasks (input"
                        + " partitions) are spread over the threads; threads beyond the input partitions stay idle",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Stream threads");
        def.define(
                NUM_STANDBY_REPLICAS,
                Type.INT,
                0,
                Range.atLeast(0),
                Importance.MEDIUM,
                "Warm standby copies of each state store on other instances (faster fail-over)",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Standby replicas");
        def.define(
                PROCESSING_GUARANTEE,
                Type.STRING,
                StreamsConfig.EXACTLY_ONCE_V2,
                ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
                Importance.MEDIUM,
                "Processing guarantee: exactly_once_v2 (one input counts once, one decision is published once) "
                        + "or at_least_once",
                service,
                ++o,
                ConfigDef.Width.MEDIUM,
                "Processing guarantee");
        def.define(
                COMMIT_INTERVAL_MS,
                Type.LONG,
                null,
                new NullOr(Range.atLeast(0)),
                Importance.LOW,
                "Commit interval in ms. Unset: 1000 under exactly_once_v2 (a published decision requests a commit at "
                        + "once, so decisions are not held back by it; gate results and the timeline become readable "
                        + "within a second), Kafka Streams' 30000 under at_least_once. Each exactly-once commit blocks "
                        + "the stream thread until the broker has the transaction: at Kafka Streams' 100 ms the "
                        + "evaluator ran at 0.40 of a decoding consumer instead of 0.46 (docs/performance.md)",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Commit interval");
        def.define(
                GRACE_MS,
                Type.LONG,
                TopologySettings.DEFAULT_GRACE_MS,
                Range.atLeast(0),
                Importance.MEDIUM,
                "How late, in event time ms, an event may arrive and still count; later ones are dropped and counted",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Grace");
        def.define(
                MAX_FUTURE_SKEW_MS,
                Type.LONG,
                DEFAULT_MAX_FUTURE_SKEW_MS,
                Range.atLeast(0),
                Importance.MEDIUM,
                "An input event whose timestamp is more than this many ms ahead of the wall clock is dead-lettered"
                        + " (reason timestamp-future) and advances no watermark; 0 = no check",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Max future skew");
        def.define(
                SOURCE_IDLE_MS,
                Type.LONG,
                LiveSettings.DEFAULT_SOURCE_IDLE_MS,
                Range.atLeast(0),
                Importance.LOW,
                "Per-source watermarks: the evaluator seals a tick only when every input partition of its task has"
                        + " passed it, except partitions that delivered nothing for this many ms (wall clock) and"
                        + " have nothing left to fetch (the consumer's lag is 0), or that stayed silent for 30 times"
                        + " this long. Kafka Streams then runs with max.task.idle.ms=-1: it does not wait for empty"
                        + " partitions itself, and skips its per-record readiness check (most of the stream"
                        + " thread's time in 4.4). 0 = off: Kafka Streams' own timestamp synchronization"
                        + " (max.task.idle.ms=0), about a third of the throughput",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Source idle ms");
        def.define(
                MAX_EVENT_AGE_MS,
                Type.LONG,
                DEFAULT_MAX_EVENT_AGE_MS,
                Range.atLeast(0),
                Importance.LOW,
                "An input event whose timestamp is more than this many ms behind the wall clock is dead-lettered"
                        + " (reason timestamp-too-old; default 365 days); events older than the input topics'"
                        + " retention (7 days) are evaluated, counted and warned about; 0 = no check",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Max event age");
        def.define(
                TICK_MS,
                Type.LONG,
                TopologySettings.DEFAULT_TICK_MS,
                Range.atLeast(1),
                Importance.MEDIUM,
                "Evaluation tick in event time ms: evidence is sealed and gates evaluated once per tick (> 0)",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Tick");
        def.define(
                RESULT_REFRESH_MS,
                Type.LONG,
                TopologySettings.DEFAULT_RESULT_REFRESH_MS,
                Range.atLeast(1),
                Importance.LOW,
                "A gate result is re-published at least this often (event time ms) while its verdict is unchanged",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Result refresh");
        def.define(
                DECISIONS_HISTORY,
                Type.INT,
                TopologySettings.DEFAULT_DECISIONS_HISTORY,
                Range.atLeast(1),
                Importance.LOW,
                "Decisions kept per rollout for the HTTP API",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Decisions history");
        def.define(
                LEDGER_RETENTION_MS,
                Type.LONG,
                TopologySettings.DEFAULT_LEDGER_RETENTION_MS,
                Range.atLeast(1),
                Importance.LOW,
                "How long (ms) idempotency keys, side-effect dedupe keys and worked queue offsets are "
                        + "kept at most, for the dedupe, side-effects and queue-fence gates (a policy may ask less)",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Ledger retention");
        def.define(
                HTTP_PORT,
                Type.INT,
                8080,
                Range.between(0, 65535),
                Importance.MEDIUM,
                "Port of the HTTP API (metrics, health, rollouts, Argo and Flagger); 0 picks a free port",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "HTTP port");
        def.define(
                HTTP_HOST,
                Type.STRING,
                "0.0.0.0",
                new ConfigDef.NonEmptyString(),
                Importance.LOW,
                "Address the HTTP API binds to",
                service,
                ++o,
                ConfigDef.Width.MEDIUM,
                "HTTP host");
        def.define(
                HTTP_ADVERTISED_HOST,
                Type.STRING,
                "",
                null,
                Importance.MEDIUM,
                "Host other instances reach this one's HTTP API at (Kafka Streams application.server), for "
                        + "forwarding queries about services whose partitions this instance does not own; empty means "
                        + "http.host, or this machine's address when http.host is a wildcard. In Kubernetes: the pod IP",
                service,
                ++o,
                ConfigDef.Width.MEDIUM,
                "Advertised HTTP host");
        def.define(
                HTTP_ADVERTISED_PORT,
                Type.INT,
                0,
                Range.between(0, 65535),
                Importance.LOW,
                "Port other instances reach this one's HTTP API at; 0 means the port the API is bound to",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Advertised HTTP port");
        def.define(
                TOPICS_PARTITIONS,
                Type.INT,
                6,
                Range.atLeast(1),
                Importance.MEDIUM,
                "Partitions of contract topics created by --create-topics",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Topic partitions");
        def.define(
                TOPICS_REPLICATION_FACTOR,
                Type.INT,
                -1,
                new ReplicationFactor(),
                Importance.MEDIUM,
                "Replication factor of created topics and of Kafka Streams internal topics; -1 uses the broker "
                        + "default",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Replication factor");
        def.define(
                SHUTDOWN_TIMEOUT_MS,
                Type.LONG,
                30_000L,
                Range.atLeast(0),
                Importance.LOW,
                "How long a graceful shutdown (SIGTERM) waits for Kafka Streams to close, in ms",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "Shutdown timeout");
        // ---- issue 17: deployment (RocksDB memory bound) ----
        def.define(
                ROCKSDB_MEMORY_BYTES,
                Type.LONG,
                DEFAULT_ROCKSDB_MEMORY_BYTES,
                Range.atLeast(0),
                Importance.MEDIUM,
                "Off-heap memory (bytes) shared by every RocksDB store of the process: one LRU block cache that also "
                        + "holds index and filter blocks, and a write-buffer manager (half of it for memtables) charged "
                        + "to that cache; 0 keeps RocksDB's unbounded per-store defaults. Size the container as heap + "
                        + "this + about 300 MB (metaspace, threads, direct buffers)",
                service,
                ++o,
                ConfigDef.Width.SHORT,
                "RocksDB memory");
        // ---- end issue 17 ----
        defineSecurityAndMembership(def);

        int p = 0;
        def.define(
                POLICY_STEPS,
                Type.LIST,
                DEFAULT_STEPS,
                new Steps(),
                Importance.MEDIUM,
                "Canary traffic percent of each step, ascending, each in (0, 100]",
                policy,
                ++p,
                ConfigDef.Width.MEDIUM,
                "Steps");
        def.define(
                POLICY_MIN_SAMPLES,
                Type.LONG,
                DEFAULT_MIN_SAMPLES,
                Range.atLeast(1),
                Importance.MEDIUM,
                "Minimum requests per revision before a gate may pass",
                policy,
                ++p,
                ConfigDef.Width.SHORT,
                "Min samples");
        def.define(
                POLICY_MIN_STEP_DURATION_MS,
                Type.LONG,
                DEFAULT_MIN_STEP_DURATION_MS,
                Range.atLeast(0),
                Importance.MEDIUM,
                "Minimum event time (ms) a step lasts before PROMOTE",
                policy,
                ++p,
                ConfigDef.Width.SHORT,
                "Min step duration");
        def.define(
                POLICY_MAX_STEP_DURATION_MS,
                Type.LONG,
                DEFAULT_MAX_STEP_DURATION_MS,
                Range.atLeast(1),
                Importance.MEDIUM,
                "Event time (ms) after which a still inconclusive step takes the on.inconclusive action",
                policy,
                ++p,
                ConfigDef.Width.SHORT,
                "Max step duration");
        def.define(
                POLICY_ON_INCONCLUSIVE,
                Type.STRING,
                InconclusiveAction.DECIDE.name(),
                ValidString.in(
                        InconclusiveAction.HOLD.name(),
                        InconclusiveAction.ROLLBACK.name(),
                        InconclusiveAction.DECIDE.name()),
                Importance.LOW,
                "Action of a step still inconclusive after max.step.duration.ms: HOLD, ROLLBACK, or DECIDE"
                        + " (roll back when a gate's estimate is nearer its resolution target than its threshold,"
                        + " promote when every open estimate is nearer its threshold, hold otherwise)",
                policy,
                ++p,
                ConfigDef.Width.SHORT,
                "On inconclusive");
        def.define(
                POLICY_WARMUP_MS,
                Type.LONG,
                DEFAULT_WARMUP_MS,
                Range.atLeast(0),
                Importance.LOW,
                "Cold starts within this many ms from the step start do not count",
                policy,
                ++p,
                ConfigDef.Width.SHORT,
                "Warm-up");
        def.define(
                POLICY_ALPHA,
                Type.DOUBLE,
                DEFAULT_ALPHA,
                new OpenUnitInterval(),
                Importance.LOW,
                "Error budget of the sequential statistics, 0 < alpha < 1",
                policy,
                ++p,
                ConfigDef.Width.SHORT,
                "Alpha");
        def.define(
                POLICY_FAILURES_TO_FREEZE,
                Type.INT,
                DEFAULT_FAILURES_TO_FREEZE,
                Range.atLeast(1),
                Importance.LOW,
                "Failures of the same gate at the same step that freeze the release",
                policy,
                ++p,
                ConfigDef.Width.SHORT,
                "Failures to freeze");
        def.define(
                POLICY_NO_DATA_TIMEOUT_MS,
                Type.LONG,
                DEFAULT_NO_DATA_TIMEOUT_MS,
                Range.atLeast(1),
                Importance.LOW,
                "A step without canary data for this many ms holds with NODATA",
                policy,
                ++p,
                ConfigDef.Width.SHORT,
                "No-data timeout");
        def.define(
                POLICY_DEDUPE_RETENTION_MS,
                Type.LONG,
                null,
                new NullOr(Range.atLeast(1)),
                Importance.LOW,
                "Retention (ms) of idempotency and dedupe keys; unset means the release window + 24 h",
                policy,
                ++p,
                ConfigDef.Width.SHORT,
                "Dedupe retention");
        def.define(
                POLICY_PROBE_SEEDS,
                Type.INT,
                DEFAULT_PROBE_SEEDS,
                Range.atLeast(1),
                Importance.LOW,
                "Probe seeds the lambda gate requires",
                policy,
                ++p,
                ConfigDef.Width.SHORT,
                "Probe seeds");
        def.define(
                POLICY_PROBE_SET_SIZE,
                Type.INT,
                DEFAULT_PROBE_SET_SIZE,
                Range.atLeast(1),
                Importance.LOW,
                "Questions in the probe set (k)",
                policy,
                ++p,
                ConfigDef.Width.SHORT,
                "Probe set size");
        def.define(
                POLICY_REQUIRED_GATES,
                Type.LIST,
                "",
                new KnownGates(),
                Importance.LOW,
                "Gate ids that apply from the first event whether or not their evidence was seen (fail closed from"
                        + " the start); other gates apply once their evidence shows up. Known ids: "
                        + String.join(", ", GATE_IDS),
                policy,
                ++p,
                ConfigDef.Width.LONG,
                "Required gates");
        def.define(
                POLICY_FULL_TRAFFIC_BASELINE,
                Type.STRING,
                "LAST_SHARED_SPAN",
                ConfigDef.ValidString.in("LAST_SHARED_SPAN", "NONE"),
                Importance.LOW,
                "What the canary is compared with at the 100 % step, where the baseline serves nothing:"
                        + " LAST_SHARED_SPAN (the baseline of the previous step) or NONE (comparative gates do not"
                        + " apply; absolute gates only)",
                policy,
                ++p,
                ConfigDef.Width.MEDIUM,
                "Baseline at 100 %");
        for (Gate g : Gates.all()) {
            String gate = g.id();
            String group = "gate " + gate;
            def.define(
                    gateKey(gate, "enabled"),
                    Type.BOOLEAN,
                    true,
                    null,
                    Importance.LOW,
                    "Whether the " + gate + " gate is evaluated at all (" + g.description() + ")",
                    group,
                    1,
                    ConfigDef.Width.SHORT,
                    gate + " enabled");
            def.define(
                    gateKey(gate, "threshold"),
                    Type.DOUBLE,
                    null,
                    new NullOr(Range.atLeast(0)),
                    Importance.LOW,
                    "Threshold of the " + gate + " gate (>= 0); unset keeps the gate's default " + g.defaultThreshold(),
                    group,
                    2,
                    ConfigDef.Width.SHORT,
                    gate + " threshold");
            def.define(
                    gateKey(gate, "dry.run"),
                    Type.BOOLEAN,
                    false,
                    null,
                    Importance.LOW,
                    "Report the " + gate + " gate's verdict without letting it block or roll back",
                    group,
                    3,
                    ConfigDef.Width.SHORT,
                    gate + " dry run");
        }
        return def;
    }

    private static String defaultStateDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "tollgate-state").toString();
    }

    // ---- HTTP security and static membership (issue 13) ---------------------------------------------------

    public static final String HTTP_AUTH_TOKEN = "http.auth.token";
    public static final String HTTP_TLS_KEYSTORE_LOCATION = "http.tls.keystore.location";
    public static final String HTTP_TLS_KEYSTORE_PASSWORD = "http.tls.keystore.password";
    public static final String HTTP_TLS_KEYSTORE_TYPE = "http.tls.keystore.type";
    public static final String GROUP_INSTANCE_ID = "group.instance.id";

    /**
     * Serde settings that also have an environment variable (e.g. {@code TOLLGATE_BASIC_AUTH_USER_INFO}), so
     * registry credentials can come from a Kubernetes Secret like the Kafka ones.
     */
    static final List<String> SERDE_ENV_KEYS = List.of("basic.auth.user.info", "basic.auth.credentials.source");

    private static void defineSecurityAndMembership(ConfigDef def) {
        String group = "security and restarts";
        int o = 0;
        def.define(
                HTTP_AUTH_TOKEN,
                Type.PASSWORD,
                null,
                new NullOr(new MinLength(16)),
                Importance.MEDIUM,
                "Bearer token every HTTP request must carry (Authorization: Bearer <token>) except /health/live "
                        + "and /health/ready; unset serves without authentication. At least 16 characters",
                group,
                ++o,
                ConfigDef.Width.LONG,
                "HTTP bearer token");
        def.define(
                HTTP_TLS_KEYSTORE_LOCATION,
                Type.STRING,
                "",
                null,
                Importance.MEDIUM,
                "Keystore (PKCS12 or JKS) with the HTTP API's private key and certificate; set, the API serves "
                        + "HTTPS only (and instances forward queries to each other over HTTPS, trusting this "
                        + "keystore's certificates); empty serves plain HTTP",
                group,
                ++o,
                ConfigDef.Width.LONG,
                "HTTP TLS keystore");
        def.define(
                HTTP_TLS_KEYSTORE_PASSWORD,
                Type.PASSWORD,
                null,
                null,
                Importance.MEDIUM,
                "Password of http.tls.keystore.location (and of its key)",
                group,
                ++o,
                ConfigDef.Width.MEDIUM,
                "HTTP TLS keystore password");
        def.define(
                HTTP_TLS_KEYSTORE_TYPE,
                Type.STRING,
                "PKCS12",
                ValidString.in("PKCS12", "JKS"),
                Importance.LOW,
                "Type of http.tls.keystore.location: PKCS12 or JKS",
                group,
                ++o,
                ConfigDef.Width.SHORT,
                "HTTP TLS keystore type");
        def.define(
                GROUP_INSTANCE_ID,
                Type.STRING,
                "",
                new KafkaName(true),
                Importance.MEDIUM,
                "Static group membership (KIP-345): a stable id of this instance, unique in the application, "
                        + "e.g. the StatefulSet pod name (TOLLGATE_GROUP_INSTANCE_ID from metadata.name). An "
                        + "instance restarted with the same id within session.timeout.ms takes its partitions "
                        + "back without waiting for the dead member's session to expire; empty means dynamic "
                        + "membership. Kafka Streams appends -<thread index> per stream thread",
                group,
                ++o,
                ConfigDef.Width.MEDIUM,
                "Group instance id");
    }

    /** The HTTP bearer token, or empty when the API is unauthenticated. */
    public Optional<String> httpAuthToken() {
        Password p = getPassword(HTTP_AUTH_TOKEN);
        return p == null ? Optional.empty() : Optional.of(p.value());
    }

    /** The HTTP API's TLS keystore, or empty for plain HTTP. */
    public Optional<HttpTls> httpTls() {
        String location = getString(HTTP_TLS_KEYSTORE_LOCATION);
        if (location.isBlank()) {
            return Optional.empty();
        }
        Password p = getPassword(HTTP_TLS_KEYSTORE_PASSWORD);
        return Optional.of(new HttpTls(
                Path.of(location),
                p == null ? new char[0] : p.value().toCharArray(),
                getString(HTTP_TLS_KEYSTORE_TYPE)));
    }

    /** The static membership id, or empty for dynamic membership. */
    public Optional<String> groupInstanceId() {
        String id = getString(GROUP_INSTANCE_ID);
        return id.isBlank() ? Optional.empty() : Optional.of(id);
    }

    /** The HTTP API's keystore: where it is, its password and its type. */
    public record HttpTls(Path location, char[] password, String type) {
        @Override
        public String toString() {
            return "HttpTls[location=" + location + ", type=" + type + ", password=[hidden]]";
        }
    }

    /** A registry URL list with any {@code user:password@} removed, for logs. */
    static String withoutUserInfo(String urls) {
        return urls.replaceAll("(://)[^/@,]*@", "$1[hidden]@");
    }

    static final class MinLength implements ConfigDef.Validator {
        private final int min;

        MinLength(int min) {
            this.min = min;
        }

        @Override
        public void ensureValid(String name, Object value) {
            String s = value instanceof Password p ? p.value() : String.valueOf(value);
            if (s.length() < min) {
                // never echo the value: it is a secret
                throw new ConfigException(name + " must be " + this + " (got " + s.length() + ")");
            }
        }

        @Override
        public String toString() {
            return "at least " + min + " characters";
        }
    }

    // ---- validators ------------------------------------------------------------------------------------

    /** Accepts a list of known gate ids. */
    static final class KnownGates implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            for (Object id : (List<?>) value) {
                if (Gates.byId(String.valueOf(id).trim()).isEmpty()) {
                    throw new ConfigException(
                            name, value, "unknown gate id '" + id + "'; known: " + String.join(", ", GATE_IDS));
                }
            }
        }

        @Override
        public String toString() {
            return "gate ids from: " + String.join(", ", GATE_IDS);
        }
    }

    /** Accepts null (unset), otherwise delegates. */
    static final class NullOr implements ConfigDef.Validator {
        private final ConfigDef.Validator inner;

        NullOr(ConfigDef.Validator inner) {
            this.inner = inner;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value != null) {
                inner.ensureValid(name, value);
            }
        }

        @Override
        public String toString() {
            return "unset or " + inner;
        }
    }

    static final class HostPortList implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            List<?> list = (List<?>) value;
            if (list == null || list.isEmpty()) {
                throw new ConfigException(name, value, "must list at least one host:port");
            }
            for (Object o : list) {
                String s = String.valueOf(o).trim();
                int colon = s.lastIndexOf(':');
                if (colon <= 0 || colon == s.length() - 1) {
                    throw new ConfigException(name, value, "entry '" + s + "' is not host:port");
                }
                try {
                    int port = Integer.parseInt(s.substring(colon + 1));
                    if (port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new ConfigException(name, value, "entry '" + s + "' has no valid port");
                }
            }
        }

        @Override
        public String toString() {
            return "non-empty list of host:port";
        }
    }

    static final class KafkaName implements ConfigDef.Validator {
        private final boolean mayBeEmpty;

        KafkaName(boolean mayBeEmpty) {
            this.mayBeEmpty = mayBeEmpty;
        }

        @Override
        public void ensureValid(String name, Object value) {
            String s = (String) value;
            if (s == null
                    || (!mayBeEmpty && s.isEmpty())
                    || !KAFKA_NAME.matcher(s).matches()) {
                throw new ConfigException(name, value, "must be " + this);
            }
        }

        @Override
        public String toString() {
            return (mayBeEmpty ? "" : "non-empty ") + "letters, digits, '.', '_' and '-' only";
        }
    }

    static final class RegistryUrl implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String s = value == null ? "" : ((String) value).trim();
            if (s.isEmpty()) {
                throw new ConfigException(name, value, "must not be empty");
            }
            for (String url : s.split(",")) {
                String u = url.trim();
                boolean ok = (u.startsWith("mock://") && u.length() > "mock://".length())
                        || u.startsWith("http://") && u.length() > "http://".length()
                        || u.startsWith("https://") && u.length() > "https://".length();
                if (!ok) {
                    throw new ConfigException(name, value, "'" + u + "' is not " + this);
                }
            }
        }

        @Override
        public String toString() {
            return "http(s)://host:port or mock://SCOPE";
        }
    }

    static final class ReplicationFactor implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            int rf = (Integer) value;
            if (rf != -1 && (rf < 1 || rf > Short.MAX_VALUE)) {
                throw new ConfigException(name, value, "must be " + this);
            }
        }

        @Override
        public String toString() {
            return "-1 (broker default) or >= 1";
        }
    }

    static final class OpenUnitInterval implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            double d = ((Number) value).doubleValue();
            if (!(d > 0.0 && d < 1.0)) {
                throw new ConfigException(name, value, "must be " + this);
            }
        }

        @Override
        public String toString() {
            return "strictly between 0 and 1";
        }
    }

    static final class Steps implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            List<?> list = (List<?>) value;
            if (list == null || list.isEmpty()) {
                throw new ConfigException(name, value, "must list at least one step");
            }
            double prev = 0.0;
            for (Object o : list) {
                double d;
                try {
                    d = Double.parseDouble(String.valueOf(o).trim());
                } catch (NumberFormatException e) {
                    throw new ConfigException(name, value, "step '" + o + "' is not a number");
                }
                if (!(d > prev && d <= 100.0)) {
                    throw new ConfigException(name, value, "must be " + this);
                }
                prev = d;
            }
        }

        @Override
        public String toString() {
            return "ascending percentages in (0, 100]";
        }
    }
}
