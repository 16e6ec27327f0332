package dev.tollgate.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.devbroker.DevBroker;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.topology.TopicNames;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not part of the default build: the resident memory (VmRSS of /proc/PID/status) of {@code tollgate
 * run} in a child JVM started with the JVM options of deploy/k8s/tollgate.yaml ({@code JAVA_OPTS}) and the
 * ConfigMap's properties (its {@code rocksdb.memory.bytes} bound, exactly-once, one stream thread, 6 partitions),
 * while 1,000 services run an active rollout (STARTED at 1 %, then 5 % half-way) with request traffic on the real
 * broker and registry; then the same with the bound off ({@code rocksdb.memory.bytes=0}: RocksDB's per-store
 * defaults). Samples every 5 s; figures to {@code target/rocksdb-memory.txt} and docs/performance.md by hand.
 *
 * <pre>
 * mvn -B -o -pl streams-app verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=RocksDbMemoryMeasurementIT -Dfailsafe.failIfNoSpecifiedTests=false -Dtollgate.measure=rocksdb-memory
 * </pre>
 * Options: {@code -Dtollgate.measure.seconds=240} (per run), {@code -Dtollgate.measure.services=1000},
 * {@code -Dtollgate.measure.modes=bounded,unbounded}.
 */
@Tag("measurement")
@EnabledIfSystemProperty(named = "tollgate.measure", matches = "rocksdb-memory")
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 1800)
class RocksDbMemoryMeasurementIT {
    private static final Path MANIFEST =
            Path.of(System.getProperty("user.dir")).getParent().resolve("deploy/k8s/tollgate.yaml");
    private static final int PARTITIONS = 6;
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");

    @TempDir
    Path tmp;

    @Test
    void shouldReportTheResidentMemoryWith1000ActiveServices(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        int services = Integer.getInteger("tollgate.measure.services", 1000);
        int seconds = Integer.getInteger("tollgate.measure.seconds", 240);
        List<String> modes = List.of(System.getProperty("tollgate.measure.modes", "bounded,unbounded")
                .split(","));
        Properties manifest = manifestProperties();
        StringBuilder report = new StringBuilder();
        for (String mode : modes) {
            String bound = mode.equals("bounded") ? manifest.getProperty("rocksdb.memory.bytes") : "0";
            Run r = run(broker, registry, manifest, bound, services, seconds);
            String line = String.format(
                    Locale.ROOT,
                    "%s %s rocksdb.memory.bytes=%s services=%d seconds=%d produced=%d processed=%.0f"
                            + " VmRSS(MiB) first=%.0f median=%.0f last=%.0f max=%.0f VmHWM=%.0f heapUsed=%.0f"
                            + " nonHeapUsed=%.0f heapResident=%.0f outsideHeapResident=%.0f load=%s..%s jvm=%s%n",
                    Instant.now(),
                    mode,
                    bound,
                    services,
                    seconds,
                    r.produced,
                    r.processed,
                    r.firstRss,
                    r.rss[r.rss.length / 2],
                    r.lastRss,
                    r.rss[r.rss.length - 1],
                    r.hwm,
                    r.heapUsed,
                    r.nonHeapUsed,
                    r.heapRss,
                    r.lastRss - r.heapRss,
                    r.loadBefore,
                    r.loadAfter,
                    String.join(" ", r.jvm));
            report.append(line);
            Files.writeString(
                    Path.of("target", "rocksdb-memory.txt"),
                    line,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            assertThat(r.processed).as("the service evaluated the traffic").isPositive();
        }
        System.out.print("RocksDB memory measurement:\n" + report);
    }

    private static final class Run {
        double[] rss;
        double firstRss;
        double lastRss;
        double hwm;
        double heapRss;
        long produced;
        double processed;
        double heapUsed;
        double nonHeapUsed;
        String loadBefore;
        String loadAfter;
        List<String> jvm;
    }

    private Run run(
            KafkaBroker broker, SchemaRegistry registry, Properties manifest, String bound, int services, int seconds)
            throws Exception {
        String prefix = "mem-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        TopicNames topics = new TopicNames(prefix);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(topics, PARTITIONS, (short) 1);
        }
        int port = DevBroker.freePorts(1)[0];
        Properties p = new Properties();
        manifest.forEach((k, v) -> {
            String key = (String) k;
            if (!key.startsWith("security.") && !key.startsWith("sasl.") && !key.startsWith("ssl.")) {
                p.setProperty(key, (String) v);
            }
        });
        p.setProperty("bootstrap.servers", broker.bootstrapServers());
        p.setProperty("application.id", prefix + "app");
        p.setProperty("topic.prefix", prefix);
        p.setProperty("schema.registry.url", registry.url());
        p.setProperty("state.dir", tmp.resolve(prefix + "state").toString());
        p.setProperty("topics.partitions", String.valueOf(PARTITIONS));
        p.setProperty("topics.replication.factor", "1");
        p.setProperty("http.host", "127.0.0.1");
        p.setProperty("http.port", String.valueOf(port));
        p.setProperty("rocksdb.memory.bytes", bound);
        Path config = tmp.resolve(prefix + "properties");
        try (var w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, "deploy/k8s/tollgate.yaml ConfigMap, local broker/registry/ports");
        }
        Path jvmTmp = Files.createDirectories(tmp.resolve(prefix + "tmp"));
        List<String> jvm = new ArrayList<>();
        for (String o : manifestJavaOpts()) {
            jvm.add(o.startsWith("-Djava.io.tmpdir=") ? "-Djava.io.tmpdir=" + jvmTmp : o);
        }

        Path log = Files.createDirectories(Path.of("target", "rocksdb-memory")).resolve(prefix + "log");

        Run run = new Run();
        run.jvm = jvm;
        run.loadBefore = loadAverage();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong produced = new AtomicLong();
        try (KafkaProducer<String, SpecificRecord> producer =
                        ItSupport.avroProducer(broker.bootstrapServers(), registry.url());
                ServiceProcess service = ServiceProcess.start(jvm, config, Map.of(), log)) {
            ItSupport.await("Kafka Streams RUNNING", Duration.ofSeconds(180), () -> up(port));
            long start = System.currentTimeMillis();
            for (int s = 0; s < services; s++) {
                producer.send(new ProducerRecord<>(
                        topics.rollouts(),
                        null,
                        start,
                        name(s),
                        rollout(name(s), RolloutPhase.STARTED, 0, 1.0, start)));
            }
            producer.flush();
            // 2 requests per service and second (baseline and canary), event time now
            Thread traffic = new Thread(
                    () -> {
                        long i = 0;
                        boolean shifted = false;
                        while (producing.get()) {
                            long now = System.currentTimeMillis();
                            if (!shifted && now - start > seconds * 500L) {
                                for (int s = 0; s < services; s++) {
                                    producer.send(new ProducerRecord<>(
                                            topics.rollouts(),
                                            null,
                                            now,
                                            name(s),
                                            rollout(name(s), RolloutPhase.STEP, 1, 5.0, now)));
                                }
                                shifted = true;
                            }
                            for (int s = 0; s < services; s++, i++) {
                                producer.send(new ProducerRecord<>(
                                        topics.requests(),
                                        null,
                                        now,
                                        name(s),
                                        request(name(s), i % 2 == 0 ? "rev-2" : "rev-1", now, 20 + (i % 50))));
                                produced.incrementAndGet();
                            }
                            try {
                                Thread.sleep(500);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "traffic");
            traffic.setDaemon(true);
            traffic.start();
            List<Double> samples = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            while (System.nanoTime() < end && service.isAlive()) {
                Thread.sleep(5_000);
                samples.add(status(service.pid(), "VmRSS"));
            }
            assertThat(service.isAlive())
                    .as("the service is still running (log: " + log + ")")
                    .isTrue();
            run.lastRss = samples.get(samples.size() - 1);
            run.hwm = status(service.pid(), "VmHWM");
            run.heapRss = heapRss(service.pid());
            String metrics = ItSupport.get(port, "/metrics").body();
            run.processed = sum(metrics, "tollgate_events_in_total");
            run.heapUsed = sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"") / (1024 * 1024);
            run.nonHeapUsed = sum(metrics, "jvm_memory_used_bytes", "area=\"nonheap\"") / (1024 * 1024);
            producing.set(false);
            traffic.join(5_000);
            run.produced = produced.get();
            run.firstRss = samples.get(0);
            run.rss = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            run.loadAfter = loadAverage();
            service.stop(60);
        }
        return run;
    }

    private static boolean up(int port) {
        try {
            return ItSupport.get(port, "/health/streams").status() == 200;
        } catch (AssertionError e) {
            return false; // not listening yet
        }
    }

    private static String name(int s) {
        return String.format(Locale.ROOT, "svc-%04d", s);
    }

    /** A field of /proc/PID/status in MiB (VmRSS, VmHWM). */
    private static double status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
    }

    /**
     * The resident part of the Java heap (MiB): the Rss of the /proc/PID/smaps mappings inside the heap's address
     * range as {@code jcmd PID GC.heap_info} reports it ({@code [0x..., 0x...)}). RSS minus it is what lives
     * outside the heap: metaspace, code, thread stacks, direct buffers, RocksDB and the allocator.
     */
    private static double heapRss(long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(pid),
                        "GC.heap_info")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher range = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)").matcher(out);
        if (!range.find()) {
            return Double.NaN;
        }
        long from = Long.parseUnsignedLong(range.group(1), 16);
        long to = Long.parseUnsignedLong(range.group(2), 16);
        long kb = 0;
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps"))) {
            Matcher header = MAPPING.matcher(line);
            if (header.find()) {
                long start = Long.parseUnsignedLong(header.group(1), 16);
                inside = start >= from && start < to;
            } else if (inside && line.startsWith("Rss:")) {
                kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kb / 1024.0;
    }

    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + "/" + f[1] + "/" + f[2];
    }

    /** The sum of a Prometheus metric's samples whose labels contain {@code labels}. */
    private static double sum(String text, String name, String labels) {
        Pattern p = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([-+0-9.eE]+)$", Pattern.MULTILINE);
        Matcher m = p.matcher(text);
        double total = 0;
        while (m.find()) {
            if (m.group(1) == null ? labels.isEmpty() : m.group(1).contains(labels)) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    private static double sum(String text, String name) {
        return sum(text, name, "");
    }

    /** The ConfigMap's tollgate.properties. */
    private static Properties manifestProperties() throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(manifestDoc("ConfigMap")
                .path("data")
                .path("tollgate.properties")
                .asText()));
        return p;
    }

    /** The StatefulSet container's JAVA_OPTS, split on whitespace. */
    private static List<String> manifestJavaOpts() throws IOException {
        for (JsonNode env : manifestDoc("StatefulSet")
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("env")) {
            if (env.path("name").asText().equals("JAVA_OPTS")) {
                return List.of(env.path("value").asText().trim().split("\\s+"));
            }
        }
        throw new IllegalStateException("no JAVA_OPTS in " + MANIFEST);
    }

    private static JsonNode manifestDoc(String kind) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        try (var parser = new YAMLFactory().createParser(MANIFEST.toFile())) {
            var it = yaml.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && kind.equals(d.path("kind").asText())) {
                    return d;
                }
            }
        }
        throw new IllegalStateException("no " + kind + " in " + MANIFEST);
    }

    private static RolloutEvent rollout(String service, RolloutPhase phase, int step, double percent, long ts) {
        return RolloutEvent.newBuilder()
                .setService(service)
                .setReleaseId("rel-1")
                .setTimestamp(ts)
                .setBaselineRevision("rev-1")
                .setCanaryRevision("rev-2")
                .setPhase(phase)
                .setStepIndex(step)
                .setTrafficPercent(percent)
                .build();
    }

    private static RequestLog request(String service, String revision, long ts, double latencyMs) {
        return RequestLog.newBuilder()
                .setService(service)
                .setReleaseId("rel-1")
                .setRevision(revision)
                .setTimestamp(ts)
                .setStatus(200)
                .setLatencyMs(latencyMs)
                .setColdStart(false)
                .setMethod("GET")
                .setStreamOutcome(StreamOutcome.NONE)
                .build();
    }
}
