package dev.tollgate.app.it;

import static dev.tollgate.app.it.ItSupport.await;
import static dev.tollgate.app.it.ItSupport.get;
import static dev.tollgate.app.it.ItSupport.post;
import static dev.tollgate.app.it.ItSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.it.ItSupport.Http;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.MetricSample;
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
import dev.tollgate.topology.gates.GateIds;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 through a real broker and registry, with no policy at all: a plain HTTP service (requests and rollout
 * events only) goes 1 → 100 % to COMPLETE, and a warm-capacity shortfall holds and reads PENDING (not FAIL) on
 * the Argo and Flagger endpoints. Event times are near now (the last few minutes).
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 300)
class GateApplicabilityIT {
    private static final String SERVICE = "catalog";
    private static final String BASE = "cat-1";
    private static final String CANARY = "cat-2";
    private static final String RELEASE = "cat-rel-1";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final double[] STEPS = {1, 5, 25, 50, 100};

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private record Running(
            TopicNames topics,
            int port,
            KafkaProducer<String, SpecificRecord> producer,
            KafkaConsumer<String, SpecificRecord> decisions,
            KafkaConsumer<String, SpecificRecord> results) {}

    /** A service with no policy anywhere: the GatePolicy defaults apply. */
    private Running start(KafkaBroker broker, SchemaRegistry registry) throws Exception {
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
        m.put("shutdown.timeout.ms", "15000");
        TollgateConfig cfg = TollgateConfig.fromMap(m, "test", Map.of());
        TopicNames t = cfg.topicNames();
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(t, 2, (short) 1);
        }
        TollgateService service = new TollgateService(cfg);
        toClose.add(service);
        service.start(false);
        int port = service.httpPort();
        await("Kafka Streams RUNNING", WAIT, () -> get(port, "/health/streams").status() == 200);
        KafkaProducer<String, SpecificRecord> producer =
                ItSupport.avroProducer(broker.bootstrapServers(), registry.url());
        toClose.add(producer);
        KafkaConsumer<String, SpecificRecord> decisions =
                ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), t.decisions());
        toClose.add(decisions);
        KafkaConsumer<String, SpecificRecord> results =
                ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), t.gateResults());
        toClose.add(results);
        return new Running(t, port, producer, decisions, results);
    }

    private static RolloutEvent rollout(RolloutPhase phase, int step, long ts) {
        return RolloutEvent.newBuilder()
                .setService(SERVICE)
                .setReleaseId(RELEASE)
                .setTimestamp(ts)
                .setBaselineRevision(BASE)
                .setCanaryRevision(CANARY)
                .setPhase(phase)
                .setStepIndex(step)
                .setTrafficPercent(STEPS[step])
                .build();
    }

    private static RequestLog request(String revision, long ts, int i) {
        return RequestLog.newBuilder()
                .setService(SERVICE)
                .setReleaseId(RELEASE)
                .setRevision(revision)
                .setTimestamp(ts)
                .setStatus(200)
                .setLatencyMs(60 + (i % 11))
                .setColdStart(false)
                .setMethod("GET")
                .setStreamOutcome(StreamOutcome.NONE)
                .build();
    }

    private static MetricSample metric(String name, double value, long ts) {
        return MetricSample.newBuilder()
                .setService(SERVICE)
                .setReleaseId(RELEASE)
                .setRevision(CANARY)
                .setTimestamp(ts)
                .setName(name)
                .setValue(value)
                .build();
    }

    /**
     * Sends one step's traffic: {@code seconds} of event time from {@code from}, 400 requests per revision (the
     * baseline only before 100 %), evenly spread, so that the requests after the default 10 s warm-up are more
     * than the default 200 minSamples; returns the event time after it.
     */
    private static long traffic(Running r, int step, long from, int seconds) {
        int n = 400;
        for (int i = 0; i < n; i++) {
            long ts = from + (long) i * seconds * 1000 / n;
            send(r.producer(), r.topics().requests(), SERVICE, request(CANARY, ts, i), ts);
            if (STEPS[step] < 100) {
                send(r.producer(), r.topics().requests(), SERVICE, request(BASE, ts + 1, i), ts + 1);
            }
        }
        long end = from + seconds * 1000L;
        // a last event to move the watermark past the step's end
        send(r.producer(), r.topics().requests(), SERVICE, request(CANARY, end + 1_500, 0), end + 1_500);
        r.producer().flush();
        return end + 2_000;
    }

    private static boolean has(List<ConsumerRecord<String, SpecificRecord>> records, Action action, int step) {
        return ItSupport.values(records, GateDecision.class).stream()
                .anyMatch(d -> d.getAction() == action && d.getStepIndex() == step);
    }

    private static boolean warmHold(List<ConsumerRecord<String, SpecificRecord>> records) {
        return ItSupport.values(records, GateDecision.class).stream()
                .anyMatch(d -> d.getAction() == Action.HOLD
                        && d.getStepIndex() == 1
                        && d.getFailingGates().equals(List.of(GateIds.WARM_CAPACITY)));
    }

    @Test
    void shouldCompleteARequestOnlyRolloutWithNoPolicyThroughARealBroker(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given a service with no policy, and a router that follows every decision
        Running r = start(broker, registry);
        List<ConsumerRecord<String, SpecificRecord>> decisions = new ArrayList<>();
        List<ConsumerRecord<String, SpecificRecord>> results = new ArrayList<>();
        long t = (System.currentTimeMillis() / 1000 - 240) * 1000;

        // when each step gets 35 s of healthy traffic (the default minStepDurationMs is 30 s)
        for (int step = 0; step < STEPS.length; step++) {
            send(
                    r.producer(),
                    r.topics().rollouts(),
                    SERVICE,
                    rollout(step == 0 ? RolloutPhase.STARTED : RolloutPhase.STEP, step, t),
                    t);
            t = traffic(r, step, t + 100, 35);
            Action expected = step < STEPS.length - 1 ? Action.PROMOTE : Action.COMPLETE;
            int s = step;
            ItSupport.pollUntil(r.decisions(), decisions, WAIT, () -> has(decisions, expected, s));
            assertThat(has(decisions, expected, step))
                    .as("%s at step %d in %s", expected, step, decisions)
                    .isTrue();
        }

        // then it completed without a rollback, and the results say which gates did not apply and why
        assertThat(ItSupport.values(decisions, GateDecision.class))
                .extracting(GateDecision::getAction)
                .doesNotContain(Action.ROLLBACK, Action.FREEZE);
        ItSupport.pollUntil(
                r.results(),
                results,
                WAIT,
                () -> ItSupport.values(results, GateResult.class).stream()
                        .anyMatch(x -> x.getGate().equals(GateIds.LAMBDA) && x.getStepIndex() == 4));
        for (String gate : List.of(GateIds.SEMANTIC_DRIFT, GateIds.LAMBDA, GateIds.QUEUE_AGE, GateIds.SIDE_EFFECTS)) {
            assertThat(ItSupport.values(results, GateResult.class).stream()
                            .filter(x -> x.getGate().equals(gate)))
                    .as(gate)
                    .isNotEmpty()
                    .allSatisfy(x -> {
                        assertThat(x.getVerdict()).isEqualTo(Verdict.NOT_APPLICABLE);
                        assertThat(x.getDetail()).contains("NOT_APPLICABLE: no ");
                    });
        }
    }

    @Test
    void shouldAnswerPendingNotFailOnArgoAndFlaggerForAWarmCapacityShortfall(
            KafkaBroker broker, SchemaRegistry registry) throws Exception {
        // given no policy; step 0 promoted, then step 1 (5 %, next 25 %) with too few warm canary instances
        Running r = start(broker, registry);
        List<ConsumerRecord<String, SpecificRecord>> decisions = new ArrayList<>();
        long t = (System.currentTimeMillis() / 1000 - 200) * 1000;
        send(r.producer(), r.topics().rollouts(), SERVICE, rollout(RolloutPhase.STARTED, 0, t), t);
        t = traffic(r, 0, t + 100, 35);
        ItSupport.pollUntil(r.decisions(), decisions, WAIT, () -> has(decisions, Action.PROMOTE, 0));
        assertThat(has(decisions, Action.PROMOTE, 0))
                .as("PROMOTE at step 0 in %s", decisions)
                .isTrue();
        send(r.producer(), r.topics().rollouts(), SERVICE, rollout(RolloutPhase.STEP, 1, t), t);
        send(r.producer(), r.topics().metrics(), SERVICE, metric("warm_instances", 1, t + 50), t + 50);
        send(r.producer(), r.topics().metrics(), SERVICE, metric("expected_p50_load", 4, t + 60), t + 60);

        // when the step runs past its minimum duration
        traffic(r, 1, t + 100, 35);
        ItSupport.pollUntil(r.decisions(), decisions, WAIT, () -> warmHold(decisions));

        // then Tollgate holds on warm-capacity (it does not roll back) ...
        assertThat(warmHold(decisions))
                .as("HOLD on warm-capacity at step 1 in %s", decisions)
                .isTrue();
        assertThat(has(decisions, Action.ROLLBACK, 1)).isFalse();
        // ... and the controllers see PENDING, not FAIL: Argo keeps polling, Flagger neither rolls back nor advances
        await(
                "the API at step 1",
                WAIT,
                () -> get(r.port(), "/api/argo/" + SERVICE).body().contains("warm-capacity"));
        Http argo = get(r.port(), "/api/argo/" + SERVICE);
        assertThat(argo.status()).isEqualTo(200);
        assertThat(argo.json().get("status").asText()).as(argo.body()).isEqualTo("PENDING");
        assertThat(argo.json().get("pass").asBoolean()).isFalse();
        String body = "{\"name\":\"" + SERVICE + "\",\"namespace\":\"prod\",\"phase\":\"Progressing\",\"metadata\":{}}";
        assertThat(post(r.port(), "/api/flagger/" + SERVICE, body).status()).isEqualTo(200);
        assertThat(post(r.port(), "/api/flagger/" + SERVICE + "?require=pass", body)
                        .status())
                .isNotEqualTo(200);
    }
}
