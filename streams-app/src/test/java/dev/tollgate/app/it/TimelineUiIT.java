package dev.tollgate.app.it;

import static dev.tollgate.app.it.ItSupport.await;
import static dev.tollgate.app.it.ItSupport.get;
import static dev.tollgate.app.it.ItSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.testkit.HeadlessChromium;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.testkit.TimelineDom;
import dev.tollgate.topology.TopicNames;
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
 * The timeline page of a running service, loaded in a real headless Chromium during a rollout (real broker and
 * registry): after step 0 is promoted, and again after step 1 is rolled back, the rendered page shows every gate
 * the service published a result for with its threshold line, the steps, and the decisions of the rollout with
 * their reasons, as read from the decisions topic; the page polls its data (it renders more than once). The
 * screenshots are kept in {@code target/timeline/}. A restarted instance rebuilds the same history from the topics.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 300)
class TimelineUiIT {
    private static final String SERVICE = "catalog";
    private static final String BASE = "cat-1";
    private static final String CANARY = "cat-2";
    private static final String RELEASE = "cat-rel-7";
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

    @Test
    void shouldShowTheGatesThresholdsAndDecisionsOfARunningRolloutInChromium(
            KafkaBroker broker, SchemaRegistry registry) throws Exception {
        // given a running service (default policy) and a rollout whose first step is healthy
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
        TopicNames topics = cfg.topicNames();
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(topics, 2, (short) 1);
        }
        TollgateService service = new TollgateService(cfg);
        toClose.add(service);
        service.start(false);
        int port = service.httpPort();
        await("Kafka Streams RUNNING", WAIT, () -> get(port, "/health/streams").status() == 200);
        KafkaProducer<String, SpecificRecord> producer =
                ItSupport.avroProducer(broker.bootstrapServers(), registry.url());
        toClose.add(producer);
        KafkaConsumer<String, SpecificRecord> decisionsIn =
                ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), topics.decisions());
        toClose.add(decisionsIn);
        KafkaConsumer<String, SpecificRecord> resultsIn =
                ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), topics.gateResults());
        toClose.add(resultsIn);
        List<ConsumerRecord<String, SpecificRecord>> decisions = new ArrayList<>();
        List<ConsumerRecord<String, SpecificRecord>> results = new ArrayList<>();
        HeadlessChromium chromium = HeadlessChromium.find();
        String page = "http://127.0.0.1:" + port + "/ui/rollouts/" + SERVICE;

        long t = (System.currentTimeMillis() / 1000 - 150) * 1000;
        send(producer, topics.rollouts(), SERVICE, rollout(RolloutPhase.STARTED, 0, t), t);
        t = traffic(producer, topics, 0, t + 100, 35, 0);
        ItSupport.pollUntil(decisionsIn, decisions, WAIT, () -> has(decisions, Action.PROMOTE, 0));
        assertThat(has(decisions, Action.PROMOTE, 0))
                .as("PROMOTE at step 0 in %s", decisions)
                .isTrue();

        // (anything published after the PROMOTE is read too, so the page is compared with all of it)
        ItSupport.pollUntil(decisionsIn, decisions, Duration.ofSeconds(3), () -> false);

        // when the page is loaded while the rollout runs (step 0 promoted, step 1 not started)
        await(
                "the timeline history of step 0",
                WAIT,
                () -> get(port, "/api/timeline/" + SERVICE).body().contains("\"PROMOTE\""));
        TimelineDom first = TimelineDom.parse(chromium.dumpDom(page, Duration.ofSeconds(5)));
        chromium.screenshot(
                page, Path.of("target", "timeline", "service-during-rollout.png"), 1100, 1600, Duration.ofSeconds(3));

        // then it shows the gates with their thresholds and the PROMOTE with its reasons, and it polled
        ItSupport.pollUntil(resultsIn, results, Duration.ofSeconds(5), () -> false);
        assertShows(first, results, decisions);
        assertThat(first.rendered()).as("renders of the polled data").isGreaterThanOrEqualTo(2);
        assertThat(first.chartDecisions()).containsExactly("PROMOTE");

        // when step 1 fails on 5xx and Tollgate rolls back, and the page is loaded again
        send(producer, topics.rollouts(), SERVICE, rollout(RolloutPhase.STEP, 1, t), t);
        traffic(producer, topics, 1, t + 100, 35, 5);
        ItSupport.pollUntil(decisionsIn, decisions, WAIT, () -> has(decisions, Action.ROLLBACK, 1));
        assertThat(has(decisions, Action.ROLLBACK, 1))
                .as("ROLLBACK at step 1 in %s", decisions)
                .isTrue();
        ItSupport.pollUntil(decisionsIn, decisions, Duration.ofSeconds(3), () -> false);
        await(
                "the timeline history of step 1",
                WAIT,
                () -> get(port, "/api/timeline/" + SERVICE).body().contains("\"ROLLBACK\""));
        TimelineDom second = TimelineDom.parse(chromium.dumpDom(page, Duration.ofSeconds(3)));
        chromium.screenshot(
                page, Path.of("target", "timeline", "service-after-rollback.png"), 1100, 1600, Duration.ofSeconds(3));

        // then it shows both steps, the rollback on error-rate with its reasons, and every gate's threshold
        ItSupport.pollUntil(resultsIn, results, Duration.ofSeconds(5), () -> false);
        assertShows(second, results, decisions);
        assertThat(second.steps()).containsExactly(1.0, 5.0);
        assertThat(second.decisions())
                .filteredOn(d -> d.action().equals("ROLLBACK"))
                .singleElement()
                .satisfies(d -> assertThat(d.text()).contains("error-rate"));
        assertThat(second.bands()).contains("error-rate");

        // and the index lists the service, linking to the page
        String index = get(port, "/ui/rollouts").body();
        assertThat(index).contains("href=\"/ui/rollouts/" + SERVICE + "\"").contains(RELEASE);

        // and a restarted instance rebuilds the same history from the topics
        String before = get(port, "/api/timeline/" + SERVICE).body();
        service.close();
        TollgateService restarted = new TollgateService(cfg);
        toClose.add(restarted);
        restarted.start(false);
        int port2 = restarted.httpPort();
        await("the rebuilt timeline history", WAIT, () -> {
            ItSupport.Http h = get(port2, "/api/timeline/" + SERVICE);
            return h.status() == 200 && h.body().contains("\"ROLLBACK\"");
        });
        JsonNode was = ItSupport.MAPPER.readTree(before).path("releases").get(0);
        JsonNode now =
                get(port2, "/api/timeline/" + SERVICE).json().path("releases").get(0);
        assertThat(now.path("decisions")).isEqualTo(was.path("decisions"));
        assertThat(now.path("steps").findValuesAsText("trafficPercent"))
                .isEqualTo(was.path("steps").findValuesAsText("trafficPercent"));
        assertThat(now.path("gates").findValuesAsText("gate"))
                .isEqualTo(was.path("gates").findValuesAsText("gate"));
    }

    /** The page shows every gate with a result and its threshold line, and the decisions published, in order. */
    private static void assertShows(
            TimelineDom dom,
            List<ConsumerRecord<String, SpecificRecord>> resultRecords,
            List<ConsumerRecord<String, SpecificRecord>> decisionRecords) {
        List<GateResult> results = ItSupport.values(resultRecords, GateResult.class).stream()
                .filter(r -> r.getService().equals(SERVICE))
                .toList();
        List<GateDecision> decisions = ItSupport.values(decisionRecords, GateDecision.class).stream()
                .filter(d -> d.getService().equals(SERVICE))
                .toList();
        assertThat(results).isNotEmpty();
        assertThat(dom.releases()).containsExactly(RELEASE);
        Map<String, Double> thresholds = new LinkedHashMap<>();
        results.forEach(r -> thresholds.put(r.getGate(), r.getThreshold()));
        assertThat(dom.thresholds().keySet()).containsAll(thresholds.keySet());
        thresholds.forEach((gate, th) -> assertThat(dom.thresholds().get(gate))
                .as("threshold line of %s", gate)
                .containsExactly(th));
        assertThat(dom.gatesWithEstimate()).contains("error-rate", "latency-p95");
        assertThat(dom.decisions()).hasSameSizeAs(decisions);
        for (int i = 0; i < decisions.size(); i++) {
            GateDecision d = decisions.get(i);
            TimelineDom.Decision shown = dom.decisions().get(i);
            assertThat(shown.action()).isEqualTo(d.getAction().name());
            assertThat(shown.stepIndex()).isEqualTo(d.getStepIndex());
            assertThat(shown.reasons()).containsExactlyElementsOf(d.getReasons());
        }
        assertThat(dom.chartDecisions())
                .containsExactlyElementsOf(
                        decisions.stream().map(d -> d.getAction().name()).toList());
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

    private static RequestLog request(String revision, long ts, int i, boolean error) {
        return RequestLog.newBuilder()
                .setService(SERVICE)
                .setReleaseId(RELEASE)
                .setRevision(revision)
                .setTimestamp(ts)
                .setStatus(error ? 503 : 200)
                .setLatencyMs(60 + (i % 11))
                .setColdStart(false)
                .setMethod("GET")
                .setStreamOutcome(StreamOutcome.NONE)
                .build();
    }

    /**
     * One step's traffic: {@code seconds} of event time from {@code from}, 400 requests per revision; every
     * {@code errorEvery}-th canary request a 503 (0: none). Returns the event time after it.
     */
    private static long traffic(
            KafkaProducer<String, SpecificRecord> producer,
            TopicNames topics,
            int step,
            long from,
            int seconds,
            int errorEvery) {
        int n = 400;
        for (int i = 0; i < n; i++) {
            long ts = from + (long) i * seconds * 1000 / n;
            boolean error = errorEvery > 0 && i % errorEvery == 0;
            send(producer, topics.requests(), SERVICE, request(CANARY, ts, i, error), ts);
            send(producer, topics.requests(), SERVICE, request(BASE, ts + 1, i, false), ts + 1);
        }
        long end = from + seconds * 1000L;
        // a last event to move the watermark past the step's end
        send(producer, topics.requests(), SERVICE, request(CANARY, end + 1_500, 0, false), end + 1_500);
        producer.flush();
        return end + 2_000;
    }

    private static boolean has(List<ConsumerRecord<String, SpecificRecord>> records, Action action, int step) {
        return ItSupport.values(records, GateDecision.class).stream()
                .anyMatch(d -> d.getAction() == action && d.getStepIndex() == step);
    }
}
