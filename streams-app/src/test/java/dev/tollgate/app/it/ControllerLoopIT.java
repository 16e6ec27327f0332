package dev.tollgate.app.it;

import static dev.tollgate.app.it.ItSupport.await;
import static dev.tollgate.app.it.ItSupport.get;
import static dev.tollgate.app.it.ItSupport.post;
import static dev.tollgate.app.it.ItSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.deploy.ArgoConditions;
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
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rollout controller's loop against the real service: a router stand-in shifts the weight 1 → 5 → 25 → 50 %
 * and after each shift runs an analysis the way Argo Rollouts does with deploy/argo/analysis-template.yaml (its
 * conditions and limits read from the file): a measurement every interval (30 s scaled to 5 s), an errored
 * measurement retried every 10 s (Argo's fixed retry, not scaled: the restart it must survive is not scaled
 * either), Failed at failureLimit + 1 failures, Errored at consecutiveErrorLimit + 1 errors in a row,
 * Inconclusive at inconclusiveLimit + 1, Successful at consecutiveSuccessLimit successes. Healthy traffic flows
 * throughout. During the second step the service is killed the way kill -9 leaves it for the group (Kafka
 * Streams closed without leaving the group, the HTTP port gone) and a new instance starts on the same state
 * directory and port. Every step must pass, and right after each shift both the Argo endpoint and Flagger's
 * confirm hook must answer PENDING for the new step.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 420)
class ControllerLoopIT {
    private static final Logger log = LoggerFactory.getLogger(ControllerLoopIT.class);
    private static final String SERVICE = "checkout";
    private static final String RELEASE = "rel-7";
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration ERROR_RETRY = Duration.ofSeconds(10);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final String prefix = "loop-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final AtomicBoolean trafficOn = new AtomicBoolean(true);

    @AfterEach
    void closeAll() throws Exception {
        trafficOn.set(false);
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** Argo's analysis-run outcome for one step, with what was measured. */
    record Run(String phase, int measurements, int errors, int inconclusive, List<String> bodies) {}

    @Test
    void shouldPassAHealthyRolloutThroughAServiceRestartUnderArgoRules(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given: the template's rules, topics, a small default policy, the service on a fixed port, steady traffic
        JsonNode metric = new YAMLMapper()
                .readTree(Path.of(System.getProperty("user.dir"))
                        .getParent()
                        .resolve("deploy/argo/analysis-template.yaml")
                        .toFile())
                .path("spec")
                .path("metrics")
                .get(0);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> settings = settings(broker, registry, port);
        TollgateConfig cfg = TollgateConfig.fromMap(settings, "test", Map.of());
        TopicNames t = cfg.topicNames();
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(t, 2, (short) 1);
        }
        KafkaProducer<String, SpecificRecord> producer =
                closing(ItSupport.avroProducer(broker.bootstrapServers(), registry.url()));
        send(producer, t.policies(), "*", policy(), System.currentTimeMillis());
        producer.flush();
        TollgateService first = new TollgateService(cfg);
        toClose.add(first);
        first.start(false);
        await(
                "Kafka Streams RUNNING",
                Duration.ofSeconds(90),
                () -> get(port, "/health/streams").status() == 200);
        Thread traffic = new Thread(() -> traffic(producer, t), "traffic");
        traffic.setDaemon(true);
        traffic.start();

        // when: the router shifts step by step, each followed by an Argo-style analysis; a restart during step 1
        double[] weights = {1, 5, 25, 50};
        List<Run> runs = new ArrayList<>();
        List<String> justShifted = new ArrayList<>();
        for (int step = 0; step < weights.length; step++) {
            long now = System.currentTimeMillis();
            send(
                    producer,
                    t.rollouts(),
                    SERVICE,
                    rollout(step == 0 ? RolloutPhase.STARTED : RolloutPhase.STEP, step, weights[step], now),
                    now);
            producer.flush();
            String weight = String.valueOf((int) weights[step]);
            // at once, before Tollgate can have processed the shift
            justShifted.add(get(port, "/api/argo/" + SERVICE + "?weight=" + weight)
                    .json()
                    .path("status")
                    .asText());
            if (step > 0) {
                justShifted.add(
                        post(port, "/api/flagger/" + SERVICE + "?require=pass", flaggerBody())
                                                .status()
                                        == 412
                                ? "PENDING"
                                : "NOT PENDING");
            }
            if (step == 1) {
                crashAndRestart(first, cfg, port);
            }
            Run run = analysis(metric, port, weight);
            log.info("Step {} ({} %) analysis: {}", step, weight, run);
            runs.add(run);
            if (!run.phase().equals("Successful")) {
                break;
            }
            if (step < weights.length - 1) {
                // Flagger's confirm hook (no weight) lets the next shift through once Tollgate promoted the step
                await(
                        "Flagger confirm-traffic-increase 200 at step " + step,
                        Duration.ofSeconds(30),
                        () -> post(port, "/api/flagger/" + SERVICE + "?require=pass", flaggerBody())
                                        .status()
                                == 200);
            }
        }

        // then: every step passed (no Failed, Errored or Inconclusive run), the restart step saw errors or PENDING
        assertThat(runs).extracting(Run::phase).containsExactly("Successful", "Successful", "Successful", "Successful");
        assertThat(runs.get(1).errors() + runs.get(1).inconclusive())
                .as("the restart was felt by the controller")
                .isPositive();
        assertThat(justShifted).as("answers right after each shift").containsOnly("PENDING");
        for (int i = 0; i < runs.size(); i++) {
            JsonNode last = ItSupport.MAPPER.readTree(
                    runs.get(i).bodies().get(runs.get(i).bodies().size() - 1));
            assertThat(last.path("trafficPercent").asDouble())
                    .as("the PASS is for the pinned step")
                    .isEqualTo(weights[i]);
            assertThat(last.path("action").asText()).isIn("PROMOTE", "COMPLETE");
        }
    }

    /** kill -9 as the group sees it: no LeaveGroup, the HTTP port closed; then a new pod on the same volume. */
    private void crashAndRestart(TollgateService old, TollgateConfig cfg, int port) throws Exception {
        KafkaStreams ks = old.streams();
        ks.close(CloseOptions.timeout(Duration.ZERO)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        old.close();
        long killedAt = System.nanoTime();
        Thread restart = new Thread(
                () -> {
                    try {
                        Thread.sleep(5_000); // the kubelet notices and starts the container again
                        TollgateService next = new TollgateService(cfg);
                        toClose.add(next);
                        next.start(false);
                        log.info(
                                "Replacement started {} ms after the kill", (System.nanoTime() - killedAt) / 1_000_000);
                    } catch (Exception e) {
                        log.error("Replacement failed to start", e);
                    }
                },
                "restart");
        restart.setDaemon(true);
        restart.start();
    }

    /** One Argo analysis run of the template's metric, pinned to the weight. */
    private Run analysis(JsonNode metric, int port, String weight) throws InterruptedException {
        String success = metric.path("successCondition").asText();
        String failure = metric.path("failureCondition").asText();
        int failureLimit = metric.path("failureLimit").asInt(0);
        int inconclusiveLimit = metric.path("inconclusiveLimit").asInt(0);
        int errorLimit = metric.path("consecutiveErrorLimit").asInt(4);
        int successLimit = metric.path("consecutiveSuccessLimit").asInt(1);
        int count = metric.path("count").asInt(60);
        int failed = 0;
        int inconclusive = 0;
        int consecutiveErrors = 0;
        int errors = 0;
        int successes = 0;
        int measurements = 0;
        List<String> bodies = new ArrayList<>();
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/argo/" + SERVICE + "?weight=" + weight + "&revision=");
        while (measurements < count) {
            String body = null;
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    body = r.body();
                }
            } catch (IOException e) {
                body = null;
            }
            if (body == null) {
                errors++;
                if (++consecutiveErrors > errorLimit) {
                    return new Run("Error", measurements, errors, inconclusive, bodies);
                }
                Thread.sleep(ERROR_RETRY.toMillis());
                continue;
            }
            consecutiveErrors = 0;
            measurements++;
            bodies.add(body);
            JsonNode json;
            try {
                json = ItSupport.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(body, e);
            }
            switch (ArgoConditions.phase(success, failure, json)) {
                case "Successful" -> {
                    if (++successes >= successLimit) {
                        return new Run("Successful", measurements, errors, inconclusive, bodies);
                    }
                }
                case "Failed" -> {
                    successes = 0;
                    if (++failed > failureLimit) {
                        return new Run("Failed", measurements, errors, inconclusive, bodies);
                    }
                }
                default -> {
                    successes = 0;
                    if (++inconclusive > inconclusiveLimit) {
                        return new Run("Inconclusive", measurements, errors, inconclusive, bodies);
                    }
                }
            }
            Thread.sleep(INTERVAL.toMillis());
        }
        return new Run("Inconclusive", measurements, errors, inconclusive, bodies);
    }

    /** Healthy traffic at event time now: 40 requests/s per revision until the test ends. */
    private void traffic(KafkaProducer<String, SpecificRecord> producer, TopicNames t) {
        long i = 0;
        while (trafficOn.get()) {
            long now = System.currentTimeMillis();
            for (int k = 0; k < 4; k++, i++) {
                String rev = i % 2 == 0 ? "rev-2" : "rev-1";
                send(producer, t.requests(), SERVICE, request(rev, now, 80 + (i % 7)), now);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String flaggerBody() {
        return "{\"name\":\"" + SERVICE + "\",\"namespace\":\"prod\",\"phase\":\"Progressing\",\"checksum\":\"c7\"}";
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
