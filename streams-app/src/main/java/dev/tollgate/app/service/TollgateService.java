package dev.tollgate.app.service;

import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.http.ApiServer;
import dev.tollgate.app.http.HttpApi;
import dev.tollgate.app.http.KafkaStreamsStatusSource;
import dev.tollgate.app.http.Readiness;
import dev.tollgate.app.http.RemoteStatusClient;
import dev.tollgate.app.http.RolloutStatusSource;
import dev.tollgate.app.http.TlsContexts;
import dev.tollgate.app.metrics.DlqListener;
import dev.tollgate.app.metrics.TollgateMetrics;
import dev.tollgate.app.timeline.HistoryFeed;
import dev.tollgate.app.timeline.RolloutHistory;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.topology.LiveSettings;
import dev.tollgate.topology.SourceLag;
import dev.tollgate.topology.TollgateTopology;
import dev.tollgate.topology.TopicNames;
import dev.tollgate.topology.TopologySettings;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running Tollgate service: Kafka Streams with Tollgate's topology, the HTTP API and the metrics.
 *
 * <p>Start-up: serve HTTP (health answers at once, readiness says 503 until Kafka Streams runs), create or
 * check the contract topics, build the topology, start Kafka Streams. Records that cannot be deserialized or
 * whose processing throws go to the dead-letter topic with error headers, and processing continues
 * (Kafka Streams KIP-1034). A dying stream thread is logged and replaced. {@link #close()} shuts down
 * gracefully (it is what the SIGTERM hook calls).
 */
public final class TollgateService implements AutoCloseable {
    /**
     * The commit interval under exactly_once_v2 unless {@code commit.interval.ms} is set: every exactly-once commit
     * blocks the stream thread until the broker has the transaction, and at Kafka Streams' 100 ms the evaluator ran at
     * 0.40 of a decoding consumer instead of 0.46 (side by side, docs/performance.md). A published decision requests a
     * commit at once (the evaluator calls {@code context.commit()}), so decisions do not wait for this interval.
     */
    public static final long DEFAULT_EOS_COMMIT_INTERVAL_MS = 1000L;

    private static final Logger log = LoggerFactory.getLogger(TollgateService.class);
    /** How often the cluster is asked whether it answers (see {@link BrokerWatch}). */
    private static final Duration BROKER_CHECK_INTERVAL = Duration.ofSeconds(2);

    private final TollgateConfig config;
    private final PrometheusMeterRegistry registry;
    private final TollgateMetrics metrics;
    private final JvmGcMetrics gcMetrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile KafkaStreams streams;
    private volatile KafkaStreamsMetrics streamsMetrics;
    private volatile ApiServer http;
    private volatile KafkaRouterSteps routerSteps;
    private volatile boolean failed;
    private volatile HostInfo self;
    private volatile BrokerWatch brokerWatch;
    /** The stream threads' lag source for the per-source watermarks; asks the broker for end offsets. */
    private volatile ConsumerLag consumerLag;

    private final KafkaStreamsStatusSource localStatuses = new KafkaStreamsStatusSource(() -> streams);
    private volatile RolloutStatusSource statuses = localStatuses;
    private final RolloutHistory history = new RolloutHistory();
    private volatile HistoryFeed historyFeed;

    /** A service for the given configuration; nothing starts until {@link #start(boolean)}. */
    public TollgateService(TollgateConfig config) {
        this.config = config;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new TollgateMetrics(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
    }

    /**
     * The Kafka Streams settings of a configuration: Tollgate's keys mapped to Streams', the dead-letter topic
     * and counting exception handlers, then the passed-through client settings (which may override them).
     *
     * @param config the service configuration
     * @param dlq    told about every dead-lettered record
     * @return a new Properties object
     */
    public static Properties streamsProperties(TollgateConfig config, DlqListener dlq) {
        return streamsProperties(config, dlq, null);
    }

    /** {@code live} with the stream threads' consumers answering for the lag of each input partition. */
    private static LiveSettings withLag(LiveSettings live, SourceLag lag) {
        return new LiveSettings(
                live.maxFutureSkewMs(),
                live.maxEventAgeMs(),
                live.inputRetentionMs(),
                live.wallClockOutputTimes(),
                live.sourceIdleMs(),
                lag);
    }

    /**
     * As {@link #streamsProperties(TollgateConfig, DlqListener)}, advertising this instance's HTTP API to the
     * others ({@code application.server}) so interactive queries can be forwarded.
     *
     * @param self this instance's advertised host and port, or null for none
     */
    public static Properties streamsProperties(TollgateConfig config, DlqListener dlq, HostInfo self) {
        Properties p = new Properties();
        if (self != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        }
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.numStreamThreads());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.numStandbyReplicas());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        if (config.commitIntervalMs() != null) {
            p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
        } else if (StreamsConfig.EXACTLY_ONCE_V2.equals(config.processingGuarantee())) {
            p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_EOS_COMMIT_INTERVAL_MS);
        }
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topicReplicationFactor());
        if (config.sourceIdleMs() > 0) {
            // the evaluator keeps its own per-source watermarks, so Streams need not wait for empty partitions; its
            // readiness check (PartitionGroup.readyToProcess formats a string per empty partition per record in
            // 4.4) is then skipped, which is most of the thread's time. An override in the file still wins.
            p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        }
        p.put(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                config.topicNames().dlq());
        p.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                CountingDeserializationExceptionHandler.class.getName());
        p.put(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                CountingProcessingExceptionHandler.class.getName());
        // the policies topic feeds a global store: its processing failures are handled (dead-lettered) too.
        // (The constant is deprecated in 4.4 because 5.0 makes this the default; the key is set by name.)
        p.put("processing.exception.handler.global.enabled", true);
        p.put(DeadLetterCounting.LISTENER_CONFIG, dlq);
        if (config.rocksDbMemoryBytes() > 0) {
            p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfigSetter.class.getName());
            p.put(BoundedRocksDbConfigSetter.CONFIG, config.rocksDbMemoryBytes());
        }
        // static membership: Kafka Streams gives each stream thread's main consumer "<id>-<thread index>"
        config.groupInstanceId()
                .ifPresent(id -> p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
        config.clientOverrides().forEach(p::put);
        return p;
    }

    /**
     * Starts the service: {@link #startHttp()} then {@link #startStreams(boolean)}. On failure everything started
     * so far is stopped again before the exception propagates.
     *
     * @param createTopics create missing contract topics instead of failing on them
     * @throws TopicAdmin.TopicAdminException when topics are missing (and not created) or cannot be listed
     */
    public void start(boolean createTopics) {
        startHttp();
        startStreams(createTopics);
    }

    /**
     * Serves the HTTP API: health answers at once; readiness is 503 until Kafka Streams runs; rollout queries
     * answer 503 until the store can be queried.
     */
    public void startHttp() {
        try {
            if (http != null) {
                return;
            }
            // Flagger's calls without a weight are pinned to the router's latest RolloutEvent (durable, any instance)
            routerSteps = new KafkaRouterSteps(config, Duration.ofSeconds(5));
            HttpApi api = new HttpApi(new StatusRouter(), localStatuses, this::reportedState, registry::scrape, history)
                    .withRouterSteps(routerSteps);
            http = ApiServer.start(api, config.httpHost(), config.httpPort(), 4, httpSecurity(config));
            self = advertised(config, http.port());
            log.info("Advertising HTTP API to other instances applicationServer=[{}:{}]", self.host(), self.port());
        } catch (RuntimeException e) {
            failed = true;
            close();
            throw e;
        }
    }

    /**
     * Creates or checks the contract topics, builds the topology and starts Kafka Streams.
     *
     * @param createTopics create missing contract topics instead of failing on them
     * @throws TopicAdmin.TopicAdminException when topics are missing (and not created) or cannot be listed
     */
    public void startStreams(boolean createTopics) {
        try {
            // start-up phases at INFO with their durations: what a restart's time goes to (README "Restart cost")
            long jvmMs =
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
            long t0 = System.nanoTime();
            TopicNames topics = config.topicNames();
            try (Admin admin = Admin.create(config.adminClientConfig())) {
                TopicAdmin topicAdmin = new TopicAdmin(admin, Duration.ofSeconds(30));
                if (createTopics) {
                    topicAdmin.createMissing(topics, config.topicPartitions(), config.topicReplicationFactor());
                } else {
                    topicAdmin.requireAll(topics);
                }
            }

            long t1 = System.nanoTime();
            brokerWatch = BrokerWatch.start(config.adminClientConfig(), BROKER_CHECK_INTERVAL);
            registry.gauge("tollgate.broker.reachable", brokerWatch, w -> w.reachable() ? 1 : 0);
            ConsumerLag lag = new ConsumerLag(
                    ConsumerLag.EndOffsets.admin(config.adminClientConfig(), Duration.ofSeconds(5)),
                    System::currentTimeMillis);
            ConsumerLag previous = consumerLag;
            if (previous != null) {
                previous.close();
            }
            consumerLag = lag;
            if (config.sourceIdleMs() > 0) {
                lag.start(Math.max(50, Math.min(250, config.sourceIdleMs() / 4)));
            }
            TopologySettings settings = config.topologySettings(metrics);
            settings = settings.withLive(withLag(settings.live(), lag));
            Topology topology = TollgateTopology.build(settings);
            log.debug("Topology description=[{}]", topology.describe());
            long t2 = System.nanoTime();
            KafkaStreams ks = new KafkaStreams(topology, streamsProperties(config, metrics, self), lag);
            long t3 = System.nanoTime();
            statuses = self == null
                    ? localStatuses
                    : new KafkaStreamsStatusSource(() -> streams, self, remoteStatusClient(config));
            ks.setUncaughtExceptionHandler(new ReplaceThreadHandler());
            ks.setStateListener((newState, oldState) -> {
                log.info("Kafka Streams state changed from=[{}] to=[{}]", oldState, newState);
                if (newState == KafkaStreams.State.ERROR) {
                    failed = true;
                    log.error("Kafka Streams is in ERROR: no stream thread left; the service stops");
                    stopped.countDown();
                }
            });
            streamsMetrics = new KafkaStreamsMetrics(ks);
            streamsMetrics.bindTo(registry);
            streams = ks;
            ks.start();
            startHistoryFeed(topics);
            log.info(
                    "Start-up phases jvmToStreamsMs=[{}] topicCheckMs=[{}] topologyMs=[{}] kafkaStreamsCreateMs=[{}]"
                            + " kafkaStreamsStartMs=[{}]",
                    jvmMs,
                    (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000,
                    (t3 - t2) / 1_000_000,
                    (System.nanoTime() - t3) / 1_000_000);
            log.info(
                    "Tollgate started applicationId=[{}] bootstrapServers=[{}] topicPrefix=[{}] httpPort=[{}]",
                    config.applicationId(),
                    config.bootstrapServers(),
                    topics.prefix(),
                    http == null ? "-" : http.port());
        } catch (RuntimeException e) {
            failed = true;
            close();
            throw e;
        }
    }

    /** Feeds the timeline pages from the output topics (its own consumer; see {@link HistoryFeed}). */
    private void startHistoryFeed(TopicNames topics) {
        HistoryFeed feed = new HistoryFeed(
                config.plainClientConfig(),
                config.serdeConfig(),
                List.of(topics.gateResults(), topics.decisions(), topics.timeline()),
                HistoryFeed.DEFAULT_LOOKBACK,
                history);
        historyFeed = feed;
        feed.start();
    }

    /** The HTTP API's bearer token and TLS context from the configuration. */
    static ApiServer.Security httpSecurity(TollgateConfig config) {
        SSLContext tls = config.httpTls()
                .map(t -> TlsContexts.server(t.location(), t.password(), t.type()))
                .orElse(null);
        return new ApiServer.Security(config.httpAuthToken().orElse(null), tls);
    }

    /** How this instance calls the others' internal endpoints: with the same token, over TLS when it serves TLS. */
    static RemoteStatusClient remoteStatusClient(TollgateConfig config) {
        SSLContext tls = config.httpTls()
                .map(t -> TlsContexts.trustingCertificatesOf(t.location(), t.password(), t.type()))
                .orElse(null);
        return new RemoteStatusClient(
                Duration.ofSeconds(5), config.httpAuthToken().orElse(null), tls);
    }

    /** Where other instances reach this one: the configured advertised host/port, else the bound ones. */
    static HostInfo advertised(TollgateConfig config, int boundPort) {
        String host = config.httpAdvertisedHost();
        if (host.isBlank()) {
            host = config.httpHost();
            if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                try {
                    host = InetAddress.getLocalHost().getHostAddress();
                } catch (UnknownHostException e) {
                    host = "localhost";
                }
            }
        }
        int port = config.httpAdvertisedPort() > 0 ? config.httpAdvertisedPort() : boundPort;
        return new HostInfo(host, port);
    }

    /** The public endpoints read through this: local before Kafka Streams exists, forwarding afterwards. */
    private final class StatusRouter implements RolloutStatusSource {
        @Override
        public Optional<RolloutStatus> find(String service) {
            return statuses.find(service);
        }

        @Override
        public Optional<Read> read(String service) {
            return statuses.read(service);
        }

        @Override
        public List<RolloutStatus> all() {
            return statuses.all();
        }
    }

    /** The port the HTTP API listens on (the actual one when configured with 0). */
    public int httpPort() {
        ApiServer h = http;
        if (h == null) {
            throw new IllegalStateException("HTTP API not started");
        }
        return h.port();
    }

    /**
     * The state the health endpoints report: the Kafka Streams state, or {@link Readiness#BROKER_UNREACHABLE}
     * while Kafka Streams runs (or rebalances) but the cluster does not answer.
     */
    String reportedState() {
        String state = stateName();
        BrokerWatch w = brokerWatch;
        if (w != null && !w.reachable() && (state.equals("RUNNING") || state.equals("REBALANCING"))) {
            return Readiness.BROKER_UNREACHABLE;
        }
        return state;
    }

    /** The Kafka Streams state, or {@code NOT_STARTED}. */
    public String stateName() {
        KafkaStreams ks = streams;
        return ks == null ? Readiness.NOT_STARTED : ks.state().name();
    }

    /** The Kafka Streams instance, or null before {@link #start(boolean)}. */
    public KafkaStreams streams() {
        return streams;
    }

    /** The meter registry (Prometheus). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Whether the service stopped because of a failure (Kafka Streams in ERROR, or start-up failed). */
    public boolean failed() {
        return failed;
    }

    /** Blocks until the service is closed or Kafka Streams fails. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Blocks up to the timeout; true when stopped. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Graceful shutdown: Kafka Streams closes (committing, leaving the group) within {@code shutdown.timeout.ms},
     * then the HTTP API and the metrics. Idempotent and safe from a shutdown hook; must not be called from a
     * stream thread.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Duration timeout = Duration.ofMillis(config.shutdownTimeoutMs());
        KafkaStreams ks = streams;
        if (ks != null) {
            log.info("Closing Kafka Streams timeout=[{}]", timeout);
            boolean clean = ks.close(CloseOptions.timeout(timeout)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            if (!clean) {
                log.warn("Kafka Streams did not close within timeout=[{}]", timeout);
            }
        }
        ConsumerLag lag = consumerLag;
        if (lag != null) {
            lag.close();
        }
        HistoryFeed feed = historyFeed;
        if (feed != null) {
            feed.close();
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        BrokerWatch w = brokerWatch;
        if (w != null) {
            w.close();
        }
        ApiServer h = http;
        if (h != null) {
            h.close();
        }
        KafkaRouterSteps rs = routerSteps;
        if (rs != null) {
            rs.close();
        }
        gcMetrics.close();
        registry.close();
        stopped.countDown();
        log.info("Tollgate stopped");
    }
}
