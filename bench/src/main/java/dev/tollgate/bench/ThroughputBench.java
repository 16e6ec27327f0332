package dev.tollgate.bench;

import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.service.ConsumerLag;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.bench.BenchOptions.Mode;
import dev.tollgate.bench.Report.Measurement;
import dev.tollgate.devbroker.DevBroker;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.serde.EvidenceDeserializer;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.schemas.serde.SpecificAvroSerializer;
import dev.tollgate.tools.FleetTraffic;
import dev.tollgate.topology.LiveSettings;
import dev.tollgate.topology.Names;
import dev.tollgate.topology.SourceLag;
import dev.tollgate.topology.TollgateTopology;
import dev.tollgate.topology.TopicNames;
import dev.tollgate.topology.TopologySettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * Side-by-side throughput of a raw decoding consumer and Tollgate's topology (exactly_once_v2 and
 * at_least_once), plus optionally a naive DSL aggregate, on the same request logs in the same run on a real
 * broker. See {@link BenchOptions#usage()} and {@code docs/performance.md}.
 *
 * <p>Throughput is counted between the first and the last sample of a run: for the consumer, from the
 * return of the first poll that brought records to the poll that brought the last one; for Kafka Streams,
 * from the first 10 ms sample of the stream thread's {@code process-total} metric above zero to the first
 * sample at or above the number of input records. Start-up (group join, task creation, transactional
 * producer initialisation) is reported separately, not counted.
 */
public final class ThroughputBench {
    static final String AVRO_TRUSTED = "dev.tollgate.schemas.avro,java.lang,java.util,org.apache.avro.util";
    static final String REGISTRY = "mock://bench";

    /** The service's default live settings (TollgateConfig): skew and age checks, wall-clock output times, watermarks. */
    private static final LiveSettings LIVE = new LiveSettings(
            300_000L, 365L * 24 * 3_600_000L, 7L * 24 * 3_600_000L, true, LiveSettings.DEFAULT_SOURCE_IDLE_MS);

    private static final long SAMPLE_MS = 10;
    private static final Duration NO_PROGRESS_TIMEOUT = Duration.ofSeconds(180);

    private final BenchOptions opts;
    private final String bootstrap;
    private final Dataset main;
    private final Dataset scale;
    private final Map<String, Object> serdeConfig = Map.of("schema.registry.url", REGISTRY);
    private final CpuAccounting cpu;
    /** What the state probe found per dataset (last round of the scale dataset's first Tollgate mode). */
    private final Map<Dataset, StateFootprint.Result> footprints = new HashMap<>();

    /**
     * One produced dataset: its topics, its fleet and its request logs.
     *
     * @param label    how reports name it
     * @param topics   its topics (the scale dataset has its own prefix)
     * @param services services, each with one STARTED rollout
     * @param records  request logs
     */
    record Dataset(String label, TopicNames topics, int services, long records) {
        /** Records the Tollgate topology processes: the request logs and one rollout per service. */
        long inputRecords() {
            return records + services;
        }
    }

    ThroughputBench(BenchOptions opts, String bootstrap, long brokerPid) {
        this.opts = opts;
        this.bootstrap = bootstrap;
        this.main = new Dataset(
                String.format(Locale.ROOT, "%,d services", opts.services()),
                new TopicNames(opts.topicPrefix()),
                opts.services(),
                opts.records());
        this.scale = opts.scale()
                ? new Dataset(
                        String.format(Locale.ROOT, "%,d services", opts.scaleServices()),
                        new TopicNames(opts.topicPrefix() + "scale."),
                        opts.scaleServices(),
                        opts.scaleRecords())
                : null;
        this.cpu = new CpuAccounting(brokerPid);
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES") == null) {
            System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", AVRO_TRUSTED);
        }
        BenchOptions opts;
        try {
            opts = BenchOptions.parse(args);
        } catch (BenchOptions.UsageException help) {
            System.out.println(help.getMessage());
            return;
        } catch (IllegalArgumentException bad) {
            System.err.println(bad.getMessage());
            System.exit(2);
            return;
        }
        String loadAtStart = CpuAccounting.loadavg();
        log("load average at start: " + loadAtStart);
        DevBroker broker = null;
        try {
            String bootstrap = opts.bootstrapServers();
            long brokerPid = -1;
            if (bootstrap == null) {
                log("starting a dev broker (KRaft, child JVM, the settings of deploy/kafka/start.sh) ...");
                broker = DevBroker.builder(Files.createTempDirectory("tollgate-bench-kafka-"))
                        .timeout(Duration.ofSeconds(120))
                        .deleteDirOnClose(true)
                        .start();
                bootstrap = broker.bootstrapServers();
                brokerPid = broker.pid();
                log("broker up: " + bootstrap + " (pid " + brokerPid + ", data " + broker.dir() + ")");
            } else {
                log("using the broker at " + bootstrap);
            }
            ThroughputBench bench = new ThroughputBench(opts, bootstrap, brokerPid);
            bench.run(args, loadAtStart, broker != null);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private void run(String[] args, String loadAtStart, boolean ownBroker) throws Exception {
        createTopics(main);
        double produceRate = produce(main);
        double scaleProduceRate = Double.NaN;
        if (scale != null) {
            createTopics(scale);
            scaleProduceRate = produce(scale);
        }
        Mode stateMode = scale == null ? null : StateFootprint.probedMode(opts.scaleModes());
        List<Measurement> warmups = new ArrayList<>();
        if (opts.warmupRecords() > 0) {
            // two passes: on 2 cores the JIT compiler otherwise still takes seconds of CPU in the first measured
            // round (seen: 11 CPU-s of compilation during a 14 s round after one 300k-record pass)
            for (int pass = 1; pass <= WARMUP_PASSES; pass++) {
                for (Mode m : opts.modes()) {
                    log("warm-up " + pass + "/" + WARMUP_PASSES + " " + m.id() + " (" + opts.warmupRecords()
                            + " records, not counted)");
                    warmups.add(measure(m, main, 0, true, false));
                }
            }
        }
        List<Measurement> ms = new ArrayList<>();
        List<Measurement> scaleMs = new ArrayList<>();
        CpuAccounting.Snapshot all0 = cpu.snapshot();
        for (int round = 1; round <= opts.rounds(); round++) {
            boolean last = round == opts.rounds();
            runRound(round, main, opts.modes(), last ? stateMode : null, ms);
            if (scale != null) {
                runRound(round, scale, opts.scaleModes(), last ? stateMode : null, scaleMs);
            }
        }
        CpuAccounting.Snapshot all1 = cpu.snapshot();
        String loadAtEnd = CpuAccounting.loadavg();
        System.out.println();
        System.out.println(Report.table(ms));
        if (scale != null) {
            System.out.println(Report.table(scaleMs));
        }
        String md = markdown(
                args,
                loadAtStart,
                loadAtEnd,
                ownBroker,
                produceRate,
                ms,
                warmups,
                CpuAccounting.otherCores(all0, all1),
                CpuAccounting.ownCores(all0, all1));
        if (scale != null) {
            md += StateFootprint.markdown(
                    main, scale, scaleMs, scaleProduceRate, stateMode, footprints.get(main), footprints.get(scale));
        }
        Path report = opts.report();
        if (report.getParent() != null) {
            Files.createDirectories(report.getParent());
        }
        Files.writeString(report, md);
        log("report written to " + report.toAbsolutePath());
    }

    /** One round over one dataset's modes, the order alternating between rounds. */
    private void runRound(int round, Dataset d, List<Mode> modes, Mode probe, List<Measurement> into) throws Exception {
        List<Mode> order = new ArrayList<>(modes);
        if (round % 2 == 0) {
            Collections.reverse(order);
        }
        for (Mode m : order) {
            Measurement x = measure(m, d, round, false, m == probe);
            into.add(x);
            log(String.format(
                    Locale.ROOT,
                    "round %d %s %-8s %,12.0f records/s  (%,d records in %.2f s; %.2f CPU-s; others %.2f cores; %s)",
                    round,
                    d.label(),
                    m.id(),
                    x.perSecond(),
                    x.records(),
                    x.nanos() / 1e9,
                    x.ownCpuSeconds(),
                    x.otherCores(),
                    x.note()));
        }
    }

    // ------------------------------------------------------------------ data

    private Map<String, Object> adminConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return c;
    }

    private void createTopics(Dataset d) throws Exception {
        TopicNames topics = d.topics();
        try (Admin admin = Admin.create(adminConfig())) {
            List<NewTopic> create = new ArrayList<>();
            for (String t : topics.all()) {
                if (t.equals(topics.policies())) {
                    create.add(new NewTopic(t, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
                } else {
                    create.add(new NewTopic(t, opts.partitions(), (short) 1));
                }
            }
            for (var e : admin.createTopics(create).values().entrySet()) {
                try {
                    e.getValue().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                    log("topic " + e.getKey() + " exists");
                }
            }
            long existing = count(admin, topics.requests());
            if (existing > 0) {
                throw new IllegalStateException(topics.requests() + " already holds " + existing
                        + " records: use a fresh broker or --topic-prefix");
            }
        }
    }

    /** Records in a topic (sum over partitions of end − start offsets). */
    private static long count(Admin admin, String topic) throws Exception {
        List<TopicPartition> tps = partitions(admin, topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (TopicPartition tp : tps) {
            latest.put(tp, OffsetSpec.latest());
            earliest.put(tp, OffsetSpec.earliest());
        }
        long n = 0;
        for (var e : admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).entrySet()) {
            n += e.getValue().offset();
        }
        for (var e : admin.listOffsets(earliest).all().get(60, TimeUnit.SECONDS).entrySet()) {
            n -= e.getValue().offset();
        }
        return n;
    }

    private static List<TopicPartition> partitions(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(60, TimeUnit.SECONDS)
                .get(topic);
        return d.partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .collect(Collectors.toList());
    }

    /** Produces the rollouts, then the request logs of {@code d}; returns the produce rate (records/s). */
    private double produce(Dataset d) throws Exception {
        TopicNames topics = d.topics();
        long span = d.records() * 1000L / opts.eventsPerSecond();
        long base = (System.currentTimeMillis() - span - 5_000) / 1000 * 1000;
        FleetTraffic gen = new FleetTraffic(
                new FleetTraffic.Settings(
                        d.services(),
                        opts.canaryShare(),
                        opts.errorShare(),
                        opts.eventsPerSecond(),
                        opts.postWithKeyShare(),
                        opts.seed()),
                base);
        Map<String, Object> pc = new HashMap<>();
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        pc.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        pc.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        pc.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        pc.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, opts.compression());
        SpecificAvroSerializer<SpecificRecord> values = new SpecificAvroSerializer<>();
        values.configure(serdeConfig, false);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(pc, new StringSerializer(), values)) {
            List<RolloutEvent> rollouts = gen.rollouts();
            for (RolloutEvent r : rollouts) {
                producer.send(
                        new ProducerRecord<>(topics.rollouts(), null, r.getTimestamp(), r.getService(), r), (md, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            if (opts.defaultPolicy()) {
                producer.send(
                        new ProducerRecord<>(
                                topics.policies(), "*", GatePolicy.newBuilder().build()),
                        (md, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
            log(String.format(
                    Locale.ROOT,
                    "producing %,d request logs (%d services, canary %.1f %%, 5xx %.2f %%, %,d events/s of event time from %s) ...",
                    d.records(),
                    d.services(),
                    opts.canaryShare() * 100,
                    opts.errorShare() * 100,
                    opts.eventsPerSecond(),
                    Instant.ofEpochMilli(base)));
            for (long i = 0; i < d.records(); i++) {
                RequestLog r = gen.next();
                producer.send(
                        new ProducerRecord<>(topics.requests(), null, r.getTimestamp(), r.getService(), r), (md, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
            if (rollouts.size() != d.services()) {
                throw new IllegalStateException(rollouts.size() + " rollouts for " + d.services() + " services");
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing failed", failure.get());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        try (Admin admin = Admin.create(adminConfig())) {
            long n = count(admin, topics.requests());
            if (n != d.records()) {
                throw new IllegalStateException(
                        topics.requests() + " holds " + n + " records, expected " + d.records());
            }
        }
        double rate = d.records() / seconds;
        log(String.format(Locale.ROOT, "produced %,d records in %.1f s (%,.0f records/s)", d.records(), seconds, rate));
        return rate;
    }

    // ------------------------------------------------------------------ measurements

    private Measurement measure(Mode mode, Dataset d, int round, boolean warmup, boolean probeState) throws Exception {
        return switch (mode) {
            case CONSUMER, CONSUMER_FAST -> consumer(mode, d, round, warmup);
            case EOS, EOS_1THREAD, EOS_COMMIT100, ALOS, EOS_SYNC, EOS_NOIDLE, FLOOR, FLOOR_BYTES, NAIVE ->
                streams(mode, d, round, warmup, probeState);
        };
    }

    private Measurement consumer(Mode mode, Dataset d, int round, boolean warmup) throws Exception {
        long target = warmup ? opts.warmupRecords() : d.records();
        Map<String, Object> cc = new HashMap<>();
        cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cc.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-consumer-" + round);
        // decode exactly as the topology's source does: writer schema's generated class, same serde config
        Deserializer<SpecificRecord> values =
                mode == Mode.CONSUMER_FAST ? new EvidenceDeserializer() : new SpecificAvroDeserializer<>();
        values.configure(serdeConfig, false);
        CpuAccounting.Snapshot c0 = cpu.snapshot();
        CpuAccounting.Snapshot cpuFirst = null;
        CpuAccounting.Snapshot cpuLast = null;
        long count = 0;
        long firstCount = -1;
        long tFirst = 0;
        long tLast = 0;
        double sink = 0;
        long jitFirst = -1;
        long jitLast = -1;
        long start = System.nanoTime();
        try (KafkaConsumer<String, SpecificRecord> consumer =
                new KafkaConsumer<>(cc, new StringDeserializer(), values)) {
            List<TopicPartition> tps = new ArrayList<>();
            consumer.partitionsFor(d.topics().requests())
                    .forEach(p -> tps.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long lastProgress = System.nanoTime();
            while (count < target) {
                ConsumerRecords<String, SpecificRecord> recs = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                if (recs.isEmpty()) {
                    if (now - lastProgress > NO_PROGRESS_TIMEOUT.toNanos()) {
                        throw new IllegalStateException(
                                "consumer: no records for " + NO_PROGRESS_TIMEOUT + " at " + count);
                    }
                    continue;
                }
                lastProgress = now;
                for (ConsumerRecord<String, SpecificRecord> r : recs) {
                    sink += ((RequestLog) r.value()).getLatencyMs();
                }
                count += recs.count();
                if (firstCount < 0) {
                    firstCount = count;
                    tFirst = now;
                    cpuFirst = cpu.snapshot();
                    jitFirst = jitMillis();
                }
                tLast = now;
            }
            cpuLast = cpu.snapshot();
            jitLast = jitMillis();
        }
        CpuAccounting.Snapshot c1 = cpu.snapshot();
        String note = String.format(
                Locale.ROOT, "first records after %d ms; checksum %.3e", (tFirst - start) / 1_000_000, sink);
        if (cpuFirst != null && cpuLast != null) {
            note += String.format(
                    Locale.ROOT,
                    "; CPU-s: this JVM %.2f (JIT %.2f), broker %.2f",
                    CpuAccounting.selfCpuSeconds(cpuFirst, cpuLast),
                    (jitLast - jitFirst) / 1000.0,
                    CpuAccounting.brokerCpuSeconds(cpuFirst, cpuLast));
        }
        return new Measurement(
                mode,
                round,
                count - firstCount,
                tLast - tFirst,
                CpuAccounting.load1(),
                CpuAccounting.otherCores(c0, c1),
                note,
                cpuFirst == null || cpuLast == null ? Double.NaN : CpuAccounting.ownCpuSeconds(cpuFirst, cpuLast));
    }

    private Properties streamsProps(Mode mode, String appId, Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // the service's default for every Streams mode, so that they compare at the same parallelism
        p.put(
                StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                mode == Mode.EOS_1THREAD ? 1 : TollgateConfig.defaultStreamThreads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        if (mode == Mode.ALOS) {
            p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
            if (opts.alosCommitMs() != null) {
                p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, opts.alosCommitMs());
            }
        } else {
            p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            // the service's default (Kafka Streams' own is 100 ms under exactly_once_v2)
            p.put(
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                    mode == Mode.EOS_COMMIT100 ? 100L : TollgateService.DEFAULT_EOS_COMMIT_INTERVAL_MS);
        }
        if (mode != Mode.EOS_SYNC) {
            // as the service: the evaluator keeps its own per-source watermarks (except the diagnostic eos-noidle)
            p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        }
        // side-by-side experiments with Kafka Streams settings: -Dbench.streams.<key>=<value> (noted in the report)
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("bench.streams.")) {
                p.put(name.substring("bench.streams.".length()), System.getProperty(name));
            }
        }
        return p;
    }

    private Topology topology(Mode mode, TopicNames topics, SourceLag lag) {
        if (mode == Mode.NAIVE) {
            return NaiveAggregateTopology.build(topics.requests(), serdeConfig);
        }
        if (mode == Mode.FLOOR || mode == Mode.FLOOR_BYTES) {
            return FloorTopology.build(
                    TopologySettings.defaults(REGISTRY).withTopics(topics), mode == Mode.FLOOR_BYTES);
        }
        TopologySettings settings = TopologySettings.defaults(REGISTRY).withTopics(topics);
        if (lag != null) {
            settings = settings.withLive(new LiveSettings(
                    LIVE.maxFutureSkewMs(),
                    LIVE.maxEventAgeMs(),
                    LIVE.inputRetentionMs(),
                    LIVE.wallClockOutputTimes(),
                    LIVE.sourceIdleMs(),
                    lag));
        }
        return TollgateTopology.build(settings);
    }

    /** Runs the Streams mode and returns its measurement (see {@link #measure}). */
    private Measurement streams(Mode mode, Dataset d, int round, boolean warmup, boolean probeState) throws Exception {
        TopicNames topics = d.topics();
        long target = warmup ? opts.warmupRecords() : mode == Mode.NAIVE ? d.records() : d.inputRecords();
        String appId = "bench-" + mode.id() + "-" + (warmup ? "warmup" : "r" + round) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        Path stateDir = Files.createTempDirectory("tollgate-bench-state-");
        List<String> outputs = List.of(topics.gateResults(), topics.decisions(), topics.timeline());
        Map<String, Long> outBefore;
        try (Admin admin = Admin.create(adminConfig())) {
            outBefore = endOffsets(admin, outputs);
        }
        AtomicReference<Throwable> error = new AtomicReference<>();
        // the per-source modes run as the service does: the lag from the stream thread's consumer and the broker
        ConsumerLag lag =
                mode == Mode.EOS || mode == Mode.EOS_1THREAD || mode == Mode.EOS_COMMIT100 || mode == Mode.ALOS
                        ? new ConsumerLag(
                                ConsumerLag.EndOffsets.admin(adminConfig(), Duration.ofSeconds(5)),
                                System::currentTimeMillis)
                        : null;
        KafkaStreams ks = lag == null
                ? new KafkaStreams(topology(mode, topics, null), streamsProps(mode, appId, stateDir))
                : new KafkaStreams(topology(mode, topics, lag), streamsProps(mode, appId, stateDir), lag);
        if (lag != null) {
            lag.start(Math.max(50, Math.min(250, LIVE.sourceIdleMs() / 4)));
        }
        ks.setUncaughtExceptionHandler(e -> {
            error.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        CpuAccounting.Snapshot c0 = null;
        CpuAccounting.Snapshot c1 = null;
        long start = System.nanoTime();
        long tFirst = 0;
        long cFirst = -1;
        long tEnd = 0;
        long cEnd = 0;
        long heapAfterGc = -1;
        Map<String, Double> cacheStats = Map.of();
        String histogram = "";
        double commitsFirst = Double.NaN;
        double commitsEnd = Double.NaN;
        double blockedFirst = Double.NaN;
        double blockedEnd = Double.NaN;
        long threadCpuFirst = -1;
        long threadCpuEnd = -1;
        double commitMs = Double.NaN;
        Map<String, Long> threadsFirst = Map.of();
        Map<String, Long> threadsEnd = Map.of();
        long jitFirst = -1;
        long jitEnd = -1;
        try {
            ks.start();
            boolean processedSeen = false;
            long lastValue = 0;
            long lastProgress = System.nanoTime();
            while (true) {
                Thread.sleep(SAMPLE_MS);
                long now = System.nanoTime();
                if (error.get() != null) {
                    throw new IllegalStateException(mode.id() + ": stream thread failed", error.get());
                }
                if (ks.state() == KafkaStreams.State.ERROR || ks.state() == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException(mode.id() + ": Kafka Streams is " + ks.state());
                }
                if (!processedSeen) {
                    processedSeen = threadMetric(ks, "process-total") != null;
                    if (!processedSeen) {
                        continue;
                    }
                }
                // summed over the stream threads (num.stream.threads may be set through -Dbench.streams.*)
                long v = (long) threadMetricValue(ks, "process-total");
                if (v > lastValue) {
                    lastValue = v;
                    lastProgress = now;
                } else if (now - lastProgress > NO_PROGRESS_TIMEOUT.toNanos()) {
                    throw new IllegalStateException(mode.id() + ": no progress for " + NO_PROGRESS_TIMEOUT + " at " + v
                            + " of " + target + " records");
                }
                if (v > 0 && cFirst < 0) {
                    cFirst = v;
                    tFirst = now;
                    c0 = cpu.snapshot();
                    commitsFirst = threadMetricValue(ks, "commit-total");
                    blockedFirst = threadMetricValue(ks, "blocked-time-ns-total");
                    threadCpuFirst = streamThreadCpuNanos(appId);
                    threadsFirst = threadCpu();
                    jitFirst = jitMillis();
                }
                if (v >= target) {
                    cEnd = v;
                    tEnd = now;
                    c1 = cpu.snapshot();
                    commitsEnd = threadMetricValue(ks, "commit-total");
                    blockedEnd = threadMetricValue(ks, "blocked-time-ns-total");
                    threadCpuEnd = streamThreadCpuNanos(appId);
                    threadsEnd = threadCpu();
                    jitEnd = jitMillis();
                    commitMs = threadMetricValue(ks, "commit-latency-avg");
                    break;
                }
            }
            if (probeState) {
                // after the counted span: let the last commit interval pass, then the heap with this state cached
                Thread.sleep(500);
                heapAfterGc = StateFootprint.heapUsedAfterFullGc();
                cacheStats = StateFootprint.cacheStats(ks.metrics());
                histogram = StateFootprint.classHistogram(15);
                log(String.format(
                        Locale.ROOT,
                        "%s %s: heap used after full GC %,d bytes; state cache %s",
                        d.label(),
                        mode.id(),
                        heapAfterGc,
                        cacheStats));
            }
        } finally {
            ks.close(Duration.ofSeconds(60));
            if (lag != null) {
                lag.close();
            }
            ks.cleanUp();
            DevBroker.deleteTree(stateDir);
        }
        int streamThreads = Integer.parseInt(
                String.valueOf(streamsProps(mode, appId, stateDir).get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)));
        String note =
                String.format(Locale.ROOT, "first record processed %d ms after start()", (tFirst - start) / 1_000_000);
        if (!threadsEnd.isEmpty()) {
            log(mode.id() + " round " + round + ": Java threads by CPU-s in the span: "
                    + topThreads(threadsFirst, threadsEnd, 6));
        }
        if (tEnd > tFirst) {
            // where the stream thread's wall time went: blocked on Kafka (commits, flushes, polls) or working
            note += String.format(
                    Locale.ROOT,
                    "; %d stream thread%s; %.0f commits of %.0f ms on average; stream thread%s on CPU %.0f %% of the span,"
                            + " in blocking Kafka calls %.0f %%",
                    streamThreads,
                    streamThreads == 1 ? "" : "s",
                    commitsEnd - commitsFirst,
                    commitMs,
                    streamThreads == 1 ? "" : "s (sum)",
                    threadCpuFirst < 0 || threadCpuEnd < 0
                            ? Double.NaN
                            : 100.0 * (threadCpuEnd - threadCpuFirst) / (tEnd - tFirst),
                    100.0 * (blockedEnd - blockedFirst) / (tEnd - tFirst));
            if (c0 != null && c1 != null) {
                double threadCpu =
                        threadCpuFirst < 0 || threadCpuEnd < 0 ? Double.NaN : (threadCpuEnd - threadCpuFirst) / 1e9;
                note += String.format(
                        Locale.ROOT,
                        "; CPU-s: stream thread%s %.2f, rest of this JVM %.2f (JIT %.2f), broker %.2f",
                        streamThreads == 1 ? "" : "s",
                        threadCpu,
                        CpuAccounting.selfCpuSeconds(c0, c1) - threadCpu,
                        (jitEnd - jitFirst) / 1000.0,
                        CpuAccounting.brokerCpuSeconds(c0, c1));
            }
        }
        try (Admin admin = Admin.create(adminConfig())) {
            if (mode != Mode.NAIVE) {
                Map<String, Long> outAfter = endOffsets(admin, outputs);
                long results = outAfter.get(topics.gateResults()) - outBefore.get(topics.gateResults());
                long decisions = outAfter.get(topics.decisions()) - outBefore.get(topics.decisions());
                long minutes = outAfter.get(topics.timeline()) - outBefore.get(topics.timeline());
                note += String.format(
                        Locale.ROOT,
                        "; output offsets +%d results, +%d decisions, +%d timeline%s",
                        results,
                        decisions,
                        minutes,
                        mode == Mode.ALOS ? "" : " (incl. txn markers)");
            }
            if (probeState) {
                String changelog = appId + "-" + Names.STORE_STEP_STATE + "-changelog";
                footprints.put(
                        d,
                        StateFootprint.measure(
                                admin, bootstrap, changelog, d, mode, round, heapAfterGc, cacheStats, histogram));
            }
            deleteInternalTopics(admin, appId);
        }
        if (cEnd > target) {
            note += "; counted " + cEnd + " of " + target;
        }
        return new Measurement(
                mode,
                round,
                cEnd - cFirst,
                tEnd - tFirst,
                CpuAccounting.load1(),
                c0 == null ? Double.NaN : CpuAccounting.otherCores(c0, c1),
                note,
                c0 == null ? Double.NaN : CpuAccounting.ownCpuSeconds(c0, c1));
    }

    /** Unmeasured passes over the dataset per mode before the measured rounds (JIT warm-up). */
    private static final int WARMUP_PASSES = 2;

    /** Milliseconds the JIT compilers spent so far, or -1. */
    private static long jitMillis() {
        java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : -1;
    }

    /** CPU nanoseconds per live Java thread (named; GC and compiler threads are not Java threads). */
    private static Map<String, Long> threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            out.merge(t.getName() + "#" + t.getId(), mx.getThreadCpuTime(t.getId()), Long::sum);
        }
        return out;
    }

    /** The Java threads that used the most CPU between two {@link #threadCpu()} snapshots. */
    private static String topThreads(Map<String, Long> first, Map<String, Long> end, int n) {
        return end.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - first.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(n)
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / 1e9))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** CPU time of the application's stream threads, summed, or -1 when there is none. */
    private static long streamThreadCpuNanos(String appId) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = -1;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(appId) && t.getName().matches(".*-StreamThread-\\d+")) {
                long c = mx.getThreadCpuTime(t.getId());
                sum = sum < 0 ? c : sum + c;
            }
        }
        return sum;
    }

    private static Metric threadMetric(KafkaStreams ks, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : ks.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals(name) && n.group().equals("stream-thread-metrics")) {
                return e.getValue();
            }
        }
        return null;
    }

    /** A stream-thread metric summed over the stream threads ({@code -avg} metrics: their mean), or NaN. */
    private static double threadMetricValue(KafkaStreams ks, String name) {
        double sum = 0;
        int n = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : ks.metrics().entrySet()) {
            MetricName m = e.getKey();
            if (m.name().equals(name) && m.group().equals("stream-thread-metrics")) {
                double v = ((Number) e.getValue().metricValue()).doubleValue();
                if (!Double.isNaN(v)) {
                    sum += v;
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : name.endsWith("-avg") ? sum / n : sum;
    }

    private static Map<String, Long> endOffsets(Admin admin, List<String> topicNames) throws Exception {
        Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
        for (String t : topicNames) {
            for (TopicPartition tp : partitions(admin, t)) {
                spec.put(tp, OffsetSpec.latest());
            }
        }
        Map<String, Long> out = new HashMap<>();
        for (var e : admin.listOffsets(spec).all().get(60, TimeUnit.SECONDS).entrySet()) {
            out.merge(e.getKey().topic(), e.getValue().offset(), Long::sum);
        }
        return out;
    }

    private static void deleteInternalTopics(Admin admin, String appId) {
        try {
            Set<String> names = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<String> mine =
                    names.stream().filter(n -> n.startsWith(appId + "-")).collect(Collectors.toList());
            if (!mine.isEmpty()) {
                admin.deleteTopics(mine).all().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log("could not delete the internal topics of " + appId + ": " + e);
        }
    }

    // ------------------------------------------------------------------ report

    private String markdown(
            String[] args,
            String loadAtStart,
            String loadAtEnd,
            boolean ownBroker,
            double produceRate,
            List<Measurement> ms,
            List<Measurement> warmups,
            double othersOverall,
            double ownOverall) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ThroughputBench report\n\n");
        sb.append("- date: ")
                .append(Instant.now())
                .append("; code: ")
                .append(System.getProperty("tollgate.bench.commit", "unknown"))
                .append('\n');
        sb.append("- machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs (")
                .append(cpuModel())
                .append("), ")
                .append(memTotal())
                .append(", ")
                .append(System.getProperty("os.name"))
                .append(' ')
                .append(System.getProperty("os.version"))
                .append('\n');
        sb.append("- java: ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.runtime.version"))
                .append("; JVM args: `")
                .append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()))
                .append("`\n");
        sb.append("- kafka clients/streams: ")
                .append(kafkaVersion())
                .append("; broker: ")
                .append(
                        ownBroker
                                ? "dev broker (settings of deploy/kafka/start.sh), single KRaft node on loopback, temp data dir"
                                : "external, " + opts.bootstrapServers())
                .append('\n');
        sb.append("- registry: in-memory (`")
                .append(REGISTRY)
                .append("`), Confluent wire format; serdes from dev.tollgate.schemas.serde\n");
        sb.append("- arguments: `").append(String.join(" ", args)).append("`\n");
        sb.append(String.format(
                Locale.ROOT,
                "- data: %,d RequestLog records on `%s` (%d partitions) + %d RolloutEvent STARTED on `%s`; %d services, "
                        + "canary %.1f %%, 5xx %.2f %%, POST with Idempotency-Key %.1f %%, %,d events/s of event time, compression %s; "
                        + "default policy `*` on the policies topic: %s; produced at %,.0f records/s\n",
                main.records(),
                main.topics().requests(),
                opts.partitions(),
                main.services(),
                main.topics().rollouts(),
                main.services(),
                opts.canaryShare() * 100,
                opts.errorShare() * 100,
                opts.postWithKeyShare() * 100,
                opts.eventsPerSecond(),
                opts.compression(),
                opts.defaultPolicy() ? "yes" : "no (topology default policy)",
                produceRate));
        sb.append("- rounds: ")
                .append(opts.rounds())
                .append(" (order alternates), warm-up ")
                .append(opts.warmupRecords())
                .append(" records per mode, not counted\n");
        sb.append("- load average (/proc/loadavg) at start: `")
                .append(loadAtStart)
                .append("`, at end: `")
                .append(loadAtEnd)
                .append("`\n");
        sb.append(String.format(
                Locale.ROOT,
                "- CPU during the measured rounds: this JVM + broker %.2f cores; all other processes %.2f cores\n\n",
                ownOverall,
                othersOverall));
        sb.append("## Summary\n\n").append(Report.table(ms)).append('\n');
        sb.append("Ratios are per round (each run / the consumer of the same round), then median and range.\n\n");
        sb.append("## Every run\n\n").append(Report.runs(ms)).append('\n');
        if (!warmups.isEmpty()) {
            sb.append("## Warm-up (not counted)\n\n")
                    .append(Report.runs(warmups))
                    .append('\n');
        }
        return sb.toString();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown CPU";
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB RAM", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "RAM unknown";
    }

    private static String kafkaVersion() {
        try (var in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static void log(String msg) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + msg);
    }
}
