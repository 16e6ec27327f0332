package dev.tollgate.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.devbroker.DevBroker;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.topology.TopicNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart-cost drill: {@code tollgate run} in a child JVM evaluates live traffic (event times = now); it is
 * killed with SIGKILL and started again at once with the same state directory. Measured from the kill: when the
 * new instance is RUNNING ({@code /health/streams} 200; {@code /health/ready} is 200 already while it rebalances)
 * and when it decides again (the first gate result on {@code …gate-results}, read_committed, evaluated at an event
 * time after the kill). Once with dynamic membership (the
 * dead member keeps its partitions until {@code session.timeout.ms}, 45 s, expires) and once with static
 * membership ({@code group.instance.id}). The figures go to the test output and {@code
 * target/restart-cost.txt}; README "Restart cost" has them.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 420)
class RestartCostIT {
    private static final String SERVICE = "checkout";
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    /**
     * Wall-clock seconds from the kill: until the new JVM serves HTTP (process start, class loading, configuration,
     * metrics), until its Kafka Streams starts (REBALANCING: topic check, topology, clients, state directory), until
     * it is RUNNING, and until it decides again.
     */
    record Cost(
            String membership,
            double httpSeconds,
            double startedSeconds,
            double runningSeconds,
            double decidingSeconds) {
        /** From Kafka Streams' start to RUNNING: the group join, assignment and restoration alone. */
        double groupSeconds() {
            return runningSeconds - startedSeconds;
        }

        @Override
        public String toString() {
            return String.format(
                    "%-7s membership: HTTP up after %5.1f s, Kafka Streams started after %5.1f s, RUNNING after"
                            + " %5.1f s (%4.1f s in the group), deciding again after %5.1f s",
                    membership, httpSeconds, startedSeconds, runningSeconds, groupSeconds(), decidingSeconds);
        }
    }

    @Test
    void shouldResumeDecidingAfterAKillAndReportTheRestartCostBothWays(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // when: the service is killed and restarted at once, with dynamic and then with static membership
        String only = System.getProperty("tollgate.restart.cost.only", "");
        Cost dynamic = only.equals("static") ? null : measure(broker, registry, null);
        Cost stat = only.equals("dynamic") ? null : measure(broker, registry, "tollgate-0");

        // then
        String report = (dynamic == null ? "" : dynamic + "\n") + (stat == null ? "" : stat + "\n");
        System.out.print("Restart cost after kill -9:\n" + report);
        Files.writeString(
                Path.of("target", "restart-cost.txt"),
                report,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        // The figures are a measurement (README "Restart cost"), not a timed assertion: in CI the dynamic
        // member rejoined within 2 s once (the broker's group coordinator had already dropped it), so timing
        // bounds here would make the test depend on the machine and the broker. measure() asserts the functional
        // part: the restarted instance decides again, both ways.
        assertThat(dynamic != null || stat != null).isTrue();
    }

    private Cost measure(KafkaBroker broker, SchemaRegistry registry, String instanceId) throws Exception {
        String prefix = "rc-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        TopicNames topics = new TopicNames(prefix);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(topics, 2, (short) 1);
        }
        int port = DevBroker.freePorts(1)[0];
        Path config = tmp.resolve(prefix + "properties");
        List<String> lines = new ArrayList<>(List.of(
                "bootstrap.servers=" + broker.bootstrapServers(),
                "application.id=" + prefix + "app",
                "topic.prefix=" + prefix,
                "schema.registry.url=" + registry.url(),
                "state.dir=" + tmp.resolve(prefix + "state"),
                "http.host=127.0.0.1",
                "http.port=" + port,
                "grace.ms=0",
                "result.refresh.ms=1000",
                "shutdown.timeout.ms=15000"));
        if (instanceId != null) {
            lines.add("group.instance.id=" + instanceId);
        }
        Files.writeString(config, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        // kept for a look at where the time goes (state changes, restoration) after the run
        Path log = Files.createDirectories(Path.of("target", "restart-cost"))
                .resolve((instanceId == null ? "dynamic" : "static") + "-" + prefix + "log");

        KafkaProducer<String, SpecificRecord> producer =
                closing(ItSupport.avroProducer(broker.bootstrapServers(), registry.url()));
        long start = System.currentTimeMillis();
        producer.send(new ProducerRecord<>(topics.policies(), null, start, "*", policy()));
        producer.send(new ProducerRecord<>(topics.rollouts(), null, start, SERVICE, rollout(start)));
        producer.flush();
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread traffic = new Thread(
                () -> {
                    long i = 0;
                    while (producing.get()) {
                        long now = System.currentTimeMillis();
                        for (int k = 0; k < 5; k++, i++) {
                            producer.send(new ProducerRecord<>(
                                    topics.requests(),
                                    null,
                                    now,
                                    SERVICE,
                                    request(i % 2 == 0 ? "rev-2" : "rev-1", now)));
                        }
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "traffic");
        traffic.setDaemon(true);
        traffic.start();
        toClose.add(() -> {
            producing.set(false);
            traffic.join(5_000);
        });
        KafkaConsumer<String, SpecificRecord> results =
                closing(ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), topics.gateResults()));
        List<ConsumerRecord<String, SpecificRecord>> seen = new ArrayList<>();

        // the first instance runs and decides
        ServiceProcess first = ServiceProcess.start(config, Map.of(), log);
        toClose.add(first);
        ItSupport.await("first instance RUNNING", WAIT, () -> ready(port));
        long warm = System.currentTimeMillis();
        ItSupport.pollUntil(results, seen, WAIT, () -> evaluatedAfter(seen, warm));
        assertThat(evaluatedAfter(seen, warm))
                .as("first instance decides; log:%n%s", first.output())
                .isTrue();
        Thread.sleep(3_000);

        // kill -9, restart at once
        long kill = System.currentTimeMillis();
        first.kill();
        Files.writeString(log, "==== kill -9 at " + Instant.ofEpochMilli(kill) + "\n", StandardOpenOption.APPEND);
        ServiceProcess second = ServiceProcess.start(config, Map.of(), log);
        toClose.add(second);
        seen.clear();
        ItSupport.await("restarted instance RUNNING", WAIT, () -> ready(port));
        long running = System.currentTimeMillis();
        ItSupport.pollUntil(results, seen, WAIT, () -> evaluatedAfter(seen, kill));
        long deciding = System.currentTimeMillis();
        assertThat(evaluatedAfter(seen, kill))
                .as("restarted instance decides; log:%n%s", second.output())
                .isTrue();
        producing.set(false);
        second.stop(30);
        return new Cost(
                instanceId == null ? "dynamic" : "static",
                (lastLineAt(second.output(), "Advertising HTTP API", kill) - kill) / 1000.0,
                (lastLineAt(second.output(), "from=[CREATED] to=[REBALANCING]", kill) - kill) / 1000.0,
                (running - kill) / 1000.0,
                (deciding - kill) / 1000.0);
    }

    /** Wall-clock ms of the last log line containing {@code text} (the lines carry HH:mm:ss.SSS). */
    private static long lastLineAt(String log, String text, long kill) {
        String line =
                log.lines().filter(l -> l.contains(text)).reduce((a, b) -> b).orElseThrow();
        LocalTime time = LocalTime.parse(line.substring(0, 12));
        LocalDate day =
                Instant.ofEpochMilli(kill).atZone(ZoneId.systemDefault()).toLocalDate();
        long at = time.atDate(day).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        return at < kill - 43_200_000L ? at + 86_400_000L : at;
    }

    private static boolean evaluatedAfter(List<ConsumerRecord<String, SpecificRecord>> seen, long ts) {
        return ItSupport.values(seen, GateResult.class).stream().anyMatch(r -> r.getEvaluatedAt() > ts);
    }

    private static boolean ready(int port) {
        try {
            return HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/streams"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static GatePolicy policy() {
        Map<String, GateSettings> gates = new LinkedHashMap<>();
        for (String g : List.of(
                "warm-capacity", "dedupe", "side-effects", "semantic-drift", "lambda", "queue-age", "queue-fence")) {
            gates.put(g, GateSettings.newBuilder().setEnabled(false).build());
        }
        // a step that never promotes, so results keep coming at every tick (result.refresh.ms=1000)
        return GatePolicy.newBuilder()
                .setGates(gates)
                .setMinSamples(1_000_000)
                .setWarmupMs(0)
                .setNoDataTimeoutMs(600_000)
                .build();
    }

    private static RolloutEvent rollout(long ts) {
        return RolloutEvent.newBuilder()
                .setService(SERVICE)
                .setReleaseId("rel-rc")
                .setTimestamp(ts)
                .setBaselineRevision("rev-1")
                .setCanaryRevision("rev-2")
                .setPhase(RolloutPhase.STARTED)
                .setStepIndex(0)
                .setTrafficPercent(1.0)
                .build();
    }

    private static RequestLog request(String revision, long ts) {
        return RequestLog.newBuilder()
                .setService(SERVICE)
                .setReleaseId("rel-rc")
                .setRevision(revision)
                .setTimestamp(ts)
                .setStatus(200)
                .setLatencyMs(80 + ts % 7)
                .setColdStart(false)
                .setMethod("GET")
                .setStreamOutcome(StreamOutcome.NONE)
                .build();
    }
}
