package dev.tollgate.app.it;

import static dev.tollgate.app.it.ItSupport.await;
import static dev.tollgate.app.it.ItSupport.get;
import static dev.tollgate.app.it.ItSupport.metric;
import static dev.tollgate.app.it.ItSupport.post;
import static dev.tollgate.app.it.ItSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.cli.ExitCodes;
import dev.tollgate.app.cli.TollgateCli;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.it.ItSupport.Http;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.topology.TopicNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The service against a real Kafka broker and a real schema registry (Apicurio, Confluent API): events in,
 * results and decisions out, the HTTP API, the dead-letter topic, metrics, readiness and start-up failures.
 * Every test uses its own topic prefix and application id, so tests do not see each other's data.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 300)
class TollgateServiceIT {
    private static final String SERVICE = "checkout";
    private static final String BASE = "rev-1";
    private static final String CANARY = "rev-2";
    private static final String RELEASE = "rel-42";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final long t0 = (System.currentTimeMillis() / 1000 - 300) * 1000;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Map<String, String> settings(KafkaBroker broker, SchemaRegistry registry) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bootstrap.servers", broker.bootstrapServers());
        m.put("application.id", prefix + "app");
        m.put("topic.prefix", prefix);
        m.put("schema.registry.url", registry.url());
        m.put("state.dir", tmp.resolve("state").toString());
        m.put("http.host", "127.0.0.1");
        m.put("http.port", "0");
        m.put("topics.partitions", "2");
        m.put("topics.replication.factor", "1");
        m.put("grace.ms", "0");
        m.put("tick.ms", "1000");
        m.put("shutdown.timeout.ms", "15000");
        return m;
    }

    private TollgateService service(Map<String, String> settings) {
        TollgateService s = new TollgateService(TollgateConfig.fromMap(settings, "test", Map.of()));
        toClose.add(s);
        return s;
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    /** A small policy: decisions after 50 requests per revision and 5 s; gates that need probes, queues off. */
    private static GatePolicy smallPolicy() {
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
                .setBaselineRevision(BASE)
                .setCanaryRevision(CANARY)
                .setPhase(phase)
                .setStepIndex(step)
                .setTrafficPercent(percent)
                .build();
    }

    private static RequestLog request(String revision, long ts, int status, double latencyMs) {
        return RequestLog.newBuilder()
                .setService(SERVICE)
                .setReleaseId(RELEASE)
                .setRevision(revision)
                .setTimestamp(ts)
                .setStatus(status)
                .setLatencyMs(latencyMs)
                .setColdStart(false)
                .setMethod("GET")
                .setStreamOutcome(StreamOutcome.NONE)
                .build();
    }

    private static void awaitReady(int port) throws InterruptedException {
        await(
                "readiness 200 (Kafka Streams RUNNING)",
                WAIT,
                () -> get(port, "/health/streams").status() == 200);
    }

    /** A sample's value, 0 when the meter does not exist yet. */
    private static double scrape(int port, String name, String labels) {
        double v = metric(get(port, "/metrics").body(), name, labels);
        return Double.isNaN(v) ? 0.0 : v;
    }

    private static void awaitCounted(int port, String type, double atLeast) throws InterruptedException {
        await(
                atLeast + " " + type + " counted",
                WAIT,
                () -> scrape(port, "tollgate_events_in_total", "type=\"" + type + "\"") >= atLeast);
    }

    private static List<GateDecision> decisions(List<ConsumerRecord<String, SpecificRecord>> records) {
        return ItSupport.values(records, GateDecision.class);
    }

    private static boolean hasAction(List<ConsumerRecord<String, SpecificRecord>> records, Action action, int step) {
        return decisions(records).stream().anyMatch(d -> d.getAction() == action && d.getStepIndex() == step);
    }

    @Test
    void shouldEvaluateARolloutEndToEndAndServeItOnTheApi(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given: topics, a small default policy under "*", a running service
        Map<String, String> settings = settings(broker, registry);
        TollgateConfig cfg = TollgateConfig.fromMap(settings, "test", Map.of());
        TopicNames t = cfg.topicNames();
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(t, 2, (short) 1);
        }
        KafkaProducer<String, SpecificRecord> producer =
                closing(ItSupport.avroProducer(broker.bootstrapServers(), registry.url()));
        send(producer, t.policies(), "*", smallPolicy(), t0);
        producer.flush();
        TollgateService service = service(settings);
        service.start(false);
        int port = service.httpPort();
        awaitReady(port);
        KafkaConsumer<String, SpecificRecord> decisionsIn =
                closing(ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), t.decisions()));
        KafkaConsumer<String, SpecificRecord> resultsIn =
                closing(ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), t.gateResults()));
        List<ConsumerRecord<String, SpecificRecord>> decisionRecords = new ArrayList<>();
        List<ConsumerRecord<String, SpecificRecord>> resultRecords = new ArrayList<>();

        // when: step 0 starts and 12 s of healthy traffic arrive, 120 requests per revision
        send(producer, t.rollouts(), SERVICE, rollout(RolloutPhase.STARTED, 0, 1.0, t0), t0);
        producer.flush();
        awaitCounted(port, "RolloutEvent", 1);
        int healthy = 240;
        for (int i = 0; i < healthy; i++) {
            long ts = t0 + 100 + i * 50L;
            send(producer, t.requests(), SERVICE, request(i % 2 == 0 ? CANARY : BASE, ts, 200, 80 + (i % 7)), ts);
        }
        producer.flush();
        ItSupport.pollUntil(decisionsIn, decisionRecords, WAIT, () -> hasAction(decisionRecords, Action.PROMOTE, 0));

        // then: PROMOTE of step 0, with passing gate results, and the same picture on the API
        assertThat(hasAction(decisionRecords, Action.PROMOTE, 0))
                .as("PROMOTE at step 0 in %s", decisionRecords)
                .isTrue();
        GateDecision promote = decisions(decisionRecords).stream()
                .filter(d -> d.getAction() == Action.PROMOTE)
                .findFirst()
                .orElseThrow();
        assertThat(promote.getService()).isEqualTo(SERVICE);
        assertThat(promote.getReleaseId()).isEqualTo(RELEASE);
        assertThat(promote.getNextTrafficPercent()).isEqualTo(5.0);
        assertThat(decisionRecords.get(0).key()).isEqualTo(SERVICE);
        ItSupport.pollUntil(
                resultsIn,
                resultRecords,
                WAIT,
                () -> ItSupport.values(resultRecords, GateResult.class).stream()
                        .anyMatch(r -> r.getGate().equals("error-rate") && r.getVerdict() == Verdict.PASS));
        List<GateResult> results = ItSupport.values(resultRecords, GateResult.class);
        assertThat(results).anySatisfy(r -> {
            assertThat(r.getGate()).isEqualTo("error-rate");
            assertThat(r.getVerdict()).isEqualTo(Verdict.PASS);
            assertThat(r.getCanarySamples()).isGreaterThanOrEqualTo(50);
            assertThat(r.getBaselineSamples()).isGreaterThanOrEqualTo(50);
        });
        assertThat(results).anySatisfy(r -> {
            assertThat(r.getGate()).isEqualTo("latency-p95");
            assertThat(r.getVerdict()).isEqualTo(Verdict.PASS);
        });

        await("PROMOTE on /api/rollouts/" + SERVICE, WAIT, () -> {
            Http h = get(port, "/api/rollouts/" + SERVICE);
            return h.status() == 200 && h.body().contains("\"PROMOTE\"");
        });
        JsonNode status = get(port, "/api/rollouts/" + SERVICE).json();
        assertThat(status.get("service").asText()).isEqualTo(SERVICE);
        assertThat(status.get("releaseId").asText()).isEqualTo(RELEASE);
        assertThat(status.get("canaryRevision").asText()).isEqualTo(CANARY);
        assertThat(status.get("stepIndex").asInt()).isZero();
        assertThat(status.get("decisions")
                        .get(status.get("decisions").size() - 1)
                        .get("decisionId")
                        .asText())
                .isEqualTo(promote.getDecisionId());
        assertThat(status.get("latestResults").findValuesAsText("gate")).contains("error-rate", "latency-p95");
        JsonNode all = get(port, "/api/rollouts").json();
        assertThat(all.findValuesAsText("service")).contains(SERVICE);
        assertThat(get(port, "/api/rollouts/no-such-service").status()).isEqualTo(404);

        Http argoPass = get(port, "/api/argo/" + SERVICE);
        assertThat(argoPass.status()).isEqualTo(200);
        assertThat(argoPass.json().get("pass").asBoolean()).as(argoPass.body()).isTrue();
        assertThat(argoPass.json().get("status").asText()).isEqualTo("PASS");
        assertThat(argoPass.json().get("gates").get("error-rate").asText()).isEqualTo("PASS");
        String flaggerBody =
                "{\"name\":\"" + SERVICE + "\",\"namespace\":\"prod\",\"phase\":\"Progressing\",\"metadata\":{}}";
        assertThat(post(port, "/api/flagger/" + SERVICE, flaggerBody).status()).isEqualTo(200);

        // when: the router moves to step 1 (5 %) and the canary regresses: 20 % 5xx against 0 % on the baseline.
        // The error-rate gate fails only once its anytime-valid confidence sequence clears the 0.05 pp threshold,
        // so the regression is large enough to be certain at a few hundred requests (+2 pp needs thousands).
        long t1 = t0 + 100 + healthy * 50L + 1_000;
        send(producer, t.rollouts(), SERVICE, rollout(RolloutPhase.STEP, 1, 5.0, t1), t1);
        producer.flush();
        awaitCounted(port, "RolloutEvent", 2);
        int regressed = 600;
        for (int i = 0; i < regressed; i++) {
            long ts = t1 + 100 + i * 50L;
            boolean canary = i % 2 == 0;
            int code = canary && (i / 2) % 5 == 0 ? 503 : 200;
            send(producer, t.requests(), SERVICE, request(canary ? CANARY : BASE, ts, code, 80 + (i % 7)), ts);
        }
        producer.flush();
        ItSupport.pollUntil(decisionsIn, decisionRecords, WAIT, () -> hasAction(decisionRecords, Action.ROLLBACK, 1));

        // then: ROLLBACK naming error-rate; Argo and Flagger fail
        assertThat(hasAction(decisionRecords, Action.ROLLBACK, 1))
                .as("ROLLBACK at step 1 in %s", decisionRecords)
                .isTrue();
        GateDecision rollback = decisions(decisionRecords).stream()
                .filter(d -> d.getAction() == Action.ROLLBACK)
                .findFirst()
                .orElseThrow();
        assertThat(rollback.getFailingGates()).contains("error-rate");
        assertThat(rollback.getNextTrafficPercent()).isEqualTo(0.0);
        await(
                "ROLLBACK on the Argo endpoint",
                WAIT,
                () -> "FAIL"
                        .equals(get(port, "/api/argo/" + SERVICE)
                                .json()
                                .path("status")
                                .asText()));
        JsonNode argoFail = get(port, "/api/argo/" + SERVICE).json();
        assertThat(argoFail.get("pass").asBoolean()).isFalse();
        assertThat(argoFail.get("stepIndex").asInt()).isEqualTo(1);
        assertThat(argoFail.get("failingGates").toString()).contains("error-rate");
        Http flaggerFail = post(port, "/api/flagger/" + SERVICE, flaggerBody);
        assertThat(flaggerFail.status()).isEqualTo(412);
        assertThat(flaggerFail.json().get("message").asText()).contains("error-rate");

        // and the metrics show what the test caused (the ROLLBACK may come before the last requests are counted)
        awaitCounted(port, "RequestLog", healthy + regressed);
        String text = get(port, "/metrics").body();
        assertThat(metric(text, "tollgate_events_in_total", "type=\"RequestLog\""))
                .isGreaterThanOrEqualTo(healthy + regressed);
        assertThat(metric(text, "tollgate_events_in_total", "type=\"RolloutEvent\""))
                .isGreaterThanOrEqualTo(2);
        assertThat(metric(text, "tollgate_decisions_total", "action=\"PROMOTE\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(metric(text, "tollgate_decisions_total", "action=\"ROLLBACK\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(metric(text, "tollgate_gate_verdicts_total", "gate=\"error-rate\",verdict=\"FAIL\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(metric(text, "tollgate_gate_verdicts_total", "gate=\"error-rate\",verdict=\"PASS\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(metric(text, "tollgate_evaluation_lag_seconds", "")).isGreaterThan(0);
        assertThat(metric(text, "tollgate_dlq_total", "stage=\"deserialization\""))
                .isZero();
        assertThat(text).contains("kafka_stream_");
    }

    @Test
    void shouldDeadLetterBadRecordsWithErrorHeadersAndKeepCounting(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given
        Map<String, String> settings = settings(broker, registry);
        settings.put("policy.default.min.samples", "50");
        settings.put("policy.default.min.step.duration.ms", "5000");
        TollgateService service = service(settings);
        service.start(true);
        int port = service.httpPort();
        awaitReady(port);
        TopicNames t = TollgateConfig.fromMap(settings, "test", Map.of()).topicNames();
        KafkaProducer<String, SpecificRecord> avro =
                closing(ItSupport.avroProducer(broker.bootstrapServers(), registry.url()));
        KafkaProducer<String, byte[]> raw = closing(ItSupport.rawProducer(broker.bootstrapServers()));
        send(avro, t.rollouts(), SERVICE, rollout(RolloutPhase.STARTED, 0, 1.0, t0), t0);
        avro.flush();
        awaitCounted(port, "RolloutEvent", 1);
        double requestsBefore = scrape(port, "tollgate_events_in_total", "type=\"RequestLog\"");

        // when: garbage, then a well-formed header with a schema id the registry does not know, then a valid event
        byte[] garbage = "this is not avro".getBytes(StandardCharsets.UTF_8);
        byte[] unknownId = {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 2, 4, 6, 8};
        send(raw, t.requests(), SERVICE, garbage, t0 + 10);
        send(raw, t.requests(), SERVICE, unknownId, t0 + 20);
        raw.flush();
        send(avro, t.requests(), SERVICE, request(CANARY, t0 + 30, 200, 50), t0 + 30);
        avro.flush();

        // then: both bad records are in the DLQ with their original bytes and error headers
        KafkaConsumer<byte[], byte[]> dlqIn = closing(ItSupport.rawConsumer(broker.bootstrapServers(), t.dlq()));
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        ItSupport.pollUntil(dlqIn, dead, WAIT, () -> dead.size() >= 2);
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(dead.get(1).value()).isEqualTo(unknownId);
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(SERVICE);
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            assertThat(header(r, "__streams.errors.exception")).isNotBlank();
            assertThat(header(r, "__streams.errors.topic")).isEqualTo(t.requests());
            assertThat(header(r, "__streams.errors.offset")).isNotBlank();
        }
        // and the next valid record still counts
        awaitCounted(port, "RequestLog", requestsBefore + 1);
        await(
                "2 dead letters counted",
                WAIT,
                () -> scrape(port, "tollgate_dlq_total", "stage=\"deserialization\"") == 2.0);
        assertThat(service.stateName()).isEqualTo("RUNNING");
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldBeReadyOnlyOnceKafkaStreamsRuns(KafkaBroker broker, SchemaRegistry registry) throws Exception {
        // given
        TollgateService service = service(settings(broker, registry));
        service.startHttp();
        int port = service.httpPort();

        // when: HTTP serves, Kafka Streams not started
        Http servingReady = get(port, "/health/ready");
        Http notProcessing = get(port, "/health/streams");
        Http live = get(port, "/health/live");
        Http noStore = get(port, "/api/rollouts/" + SERVICE);

        // then: the pod takes API traffic (queries answer 503 "retry"), but it does not process yet
        assertThat(servingReady.status()).isEqualTo(200);
        assertThat(servingReady.json().get("processing").asBoolean()).isFalse();
        assertThat(notProcessing.status()).isEqualTo(503);
        assertThat(notProcessing.json().get("state").asText()).isEqualTo("NOT_STARTED");
        assertThat(live.status()).isEqualTo(200);
        assertThat(noStore.status()).isEqualTo(503);

        // when: Kafka Streams starts
        service.startStreams(true);
        awaitReady(port);

        // then
        Http ready = get(port, "/health/ready");
        assertThat(ready.json().get("state").asText()).isEqualTo("RUNNING");
        assertThat(ready.json().get("processing").asBoolean()).isTrue();
        assertThat(get(port, "/api/rollouts/" + SERVICE).status()).isEqualTo(404);
        assertThat(get(port, "/api/rollouts").json().isArray()).isTrue();
    }

    @Test
    void shouldFailStartupListingMissingTopics(KafkaBroker broker, SchemaRegistry registry) {
        // given
        TollgateService service = service(settings(broker, registry));

        // when / then
        assertThatThrownBy(() -> service.start(false))
                .isInstanceOf(TopicAdmin.TopicAdminException.class)
                .hasMessageContaining(prefix + "requests")
                .hasMessageContaining(prefix + "dlq")
                .hasMessageContaining("--create-topics");
        assertThat(service.failed()).isTrue();
    }

    @Test
    void shouldExitWithCodesNamingTheProblemFromTheCommandLine(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given
        Map<String, String> settings = settings(broker, registry);
        Path bad = tmp.resolve("bad.properties");
        Files.writeString(
                bad,
                "bootstrap.servers=" + broker.bootstrapServers() + "\n"
                        + "policy.default.gate.error-rate.threshold=-0.01\n");
        Path noTopics = tmp.resolve("no-topics.properties");
        StringBuilder sb = new StringBuilder();
        settings.forEach((k, v) ->
                sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(noTopics, sb.toString());

        // when
        StringWriter badErr = new StringWriter();
        int badCode = cli(badErr, "run", "--config", bad.toString());
        StringWriter missingErr = new StringWriter();
        int missingCode = cli(missingErr, "run", "--config", noTopics.toString());

        // then
        assertThat(badCode).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(badErr.toString())
                .contains("policy.default.gate.error-rate.threshold")
                .contains("at least 0");
        assertThat(missingCode).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(missingErr.toString()).contains("Missing topics").contains(prefix + "requests");
    }

    private static int cli(StringWriter err, String... args) {
        CommandLine cl = TollgateCli.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }
}
