package dev.tollgate.app.it;

import static dev.tollgate.app.it.ItSupport.await;
import static dev.tollgate.app.it.ItSupport.get;
import static dev.tollgate.app.it.ItSupport.post;
import static dev.tollgate.app.it.ItSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.schemas.avro.GatePolicy;
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
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flagger's {@code confirm-traffic-increase} hook (no weight, as stock Flagger calls it) across a restart of the
 * service between two calls: Tollgate promotes step 0 and confirms the increase; the service stops; the router
 * shifts to 5 % and publishes step 1 while it is down; a new instance starts on the same state (its in-memory
 * per-step memory is gone, its restored status still says step 0 was promoted). Flagger's next calls must wait
 * (412) until Tollgate has processed step 1 and promoted it: no step passes on the previous step's PROMOTE.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 240)
class FlaggerRestartIT {
    private static final Logger log = LoggerFactory.getLogger(FlaggerRestartIT.class);
    private static final String SERVICE = "checkout";
    private static final String RELEASE = "rel-9";
    private static final String CONFIRM = "/api/flagger/" + SERVICE + "?require=pass";
    private static final String BODY =
            "{\"name\":\"" + SERVICE + "\",\"namespace\":\"prod\",\"phase\":\"Progressing\",\"checksum\":\"c9\"}";

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final String prefix = "flr-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final AtomicBoolean trafficOn = new AtomicBoolean(true);
    private final AtomicBoolean stop = new AtomicBoolean();

    @AfterEach
    void closeAll() throws Exception {
        stop.set(true);
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** One answer of the confirm hook. */
    record Answer(int status, int stepIndex, double trafficPercent, String action, String reason) {}

    @Test
    void shouldNotConfirmAnIncreaseOnThePreviousStepsPromoteAfterARestart(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given: the service, steady healthy traffic, and Flagger's 0 % call before the router started anything
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TollgateConfig cfg = TollgateConfig.fromMap(settings(broker, registry, port), "test", Map.of());
        TopicNames t = cfg.topicNames();
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(t, 2, (short) 1);
        }
        KafkaProducer<String, SpecificRecord> producer =
                closing(ItSupport.avroProducer(broker.bootstrapServers(), registry.url()));
        send(producer, t.policies(), "*", policy(), System.currentTimeMillis());
        producer.flush();
        TollgateService first = closing(new TollgateService(cfg));
        first.start(false);
        await(
                "Kafka Streams RUNNING",
                Duration.ofSeconds(90),
                () -> get(port, "/health/streams").status() == 200);
        Thread traffic = new Thread(() -> traffic(producer, t), "traffic");
        traffic.setDaemon(true);
        traffic.start();
        assertThat(post(port, CONFIRM, BODY).status()).as("Flagger's 0 % call").isEqualTo(200);
        long now = System.currentTimeMillis();
        send(producer, t.rollouts(), SERVICE, rollout(RolloutPhase.STARTED, 0, 1.0, now), now);
        producer.flush();
        await("Tollgate promotes step 0 and confirms the increase", Duration.ofSeconds(60), () -> {
            ItSupport.Http r = post(port, CONFIRM, BODY);
            return r.status() == 200 && r.json().path("trafficPercent").asDouble() == 1.0;
        });

        // when: the service stops, the router shifts to 5 % while it is down, a new instance starts on the same
        // state; Flagger keeps asking from the moment the new instance answers; traffic resumes 5 s after RUNNING
        trafficOn.set(false);
        first.close();
        now = System.currentTimeMillis();
        send(producer, t.rollouts(), SERVICE, rollout(RolloutPhase.STEP, 1, 5.0, now), now);
        producer.flush();
        TollgateService second = closing(new TollgateService(cfg));
        second.start(false);
        List<Answer> answers = new ArrayList<>();
        long runningAt = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (runningAt == 0 && get(port, "/health/streams").status() == 200) {
                runningAt = System.nanoTime();
            }
            if (runningAt != 0 && !trafficOn.get() && System.nanoTime() - runningAt > 5_000_000_000L) {
                trafficOn.set(true);
            }
            ItSupport.Http r = post(port, CONFIRM, BODY);
            JsonNode j = r.json();
            answers.add(new Answer(
                    r.status(),
                    j.path("stepIndex").asInt(),
                    j.path("trafficPercent").asDouble(),
                    j.path("action").asText(null),
                    j.path("reasons").path(0).asText(null)));
            if (r.status() == 200) {
                break;
            }
            Thread.sleep(200);
        }
        log.info("Confirm answers after the restart: {}", answers);

        // then: the restored status still held step 0's PROMOTE for a while, and no increase was confirmed on it:
        // the first 200 is for step 1, decided PROMOTE
        assertThat(answers)
                .as("Tollgate still at step 0 (promoted) after the restart, the router at step 1")
                .anyMatch(a -> a.status() == 412 && a.stepIndex() == 0);
        assertThat(answers.get(answers.size() - 1))
                .as("the first confirmed increase after the restart")
                .isEqualTo(new Answer(
                        200, 1, 5.0, "PROMOTE", answers.get(answers.size() - 1).reason()));
        assertThat(answers.subList(0, answers.size() - 1)).allMatch(a -> a.status() == 412);
    }

    /** Healthy traffic at event time now, 40 requests/s per revision, while {@code trafficOn}. */
    private void traffic(KafkaProducer<String, SpecificRecord> producer, TopicNames t) {
        long i = 0;
        while (!stop.get()) {
            long now = System.currentTimeMillis();
            if (trafficOn.get()) {
                for (int k = 0; k < 4; k++, i++) {
                    String rev = i % 2 == 0 ? "rev-2" : "rev-1";
                    send(producer, t.requests(), SERVICE, request(rev, now, 80 + (i % 7)), now);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Map<String, String> settings(KafkaBroker broker, SchemaRegistry registry, int port) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bootstrap.servers", broker.bootstrapServers());
        m.put("application.id", prefix + "app");
        m.put("topic.prefix", prefix);
        m.put("schema.registry.url", registry.url());
        m.put("state.dir", tmp.resolve("state").toString());
        m.put("http.host", "127.0.0.1");
        m.put("http.port", String.valueOf(port));
        m.put("topics.partitions", "2");
        m.put("topics.replication.factor", "1");
        m.put("grace.ms", "0");
        m.put("tick.ms", "1000");
        m.put("shutdown.timeout.ms", "15000");
        m.put("rocksdb.memory.bytes", String.valueOf(64L * 1024 * 1024));
        return m;
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private static GatePolicy policy() {
        Map<String, GateSettings> gates = new LinkedHashMap<>();
        for (String g : List.of(
                "warm-capacity", "dedupe", "side-effects", "semantic-drift", "lambda", "queue-age", "queue-fence")) {
            gates.put(g, GateSettings.newBuilder().setEnabled(false).build());
        }
        return GatePolicy.newBuilder()
                .setGates(gates)
                .setMinSamples(50)
                .setMinStepDurationMs(5_000)
                .setWarmupMs(0)
                .setNoDataTimeoutMs(600_000)
                .build();
    }

    private static RolloutEvent rollout(RolloutPhase phase, int step, double percent, long ts) {
        return RolloutEvent.newBuilder()
                .setService(SERVICE)
                .setReleaseId(RELEASE)
                .setTimestamp(ts)
                .setBaselineRevision("rev-1")
                .setCanaryRevision("rev-2")
                .setPhase(phase)
                .setStepIndex(step)
                .setTrafficPercent(percent)
                .build();
    }

    private static RequestLog request(String revision, long ts, double latencyMs) {
        return RequestLog.newBuilder()
                .setService(SERVICE)
                .setReleaseId(RELEASE)
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
