package dev.tollgate.tools.it;

import static dev.tollgate.tools.it.ItSupport.await;
import static dev.tollgate.tools.it.ItSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.cli.CliErrors;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.KafkaBus;
import dev.tollgate.tools.Replayer;
import dev.tollgate.tools.SimulateCommand;
import dev.tollgate.topology.TopicNames;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A rollout whose evaluation moves to a new instance half way: the first instance is stopped mid-step and a
 * second one, with an empty state directory, restores the step state from the changelog and finishes the
 * rollout. Its decisions must equal a replay of the same events without any restart, record for record: the
 * buffered state store and the processor's live state cache lose nothing across a restart.
 *
 * <p>Each part is on the broker before its instance starts, so each instance catches up from its committed
 * offsets, the way a replacement instance does after an outage; the evaluator's per-source watermarks hold each
 * service's ticks until every input partition of the task has passed them (Kafka Streams runs with
 * {@code max.task.idle.ms=-1}). An instance may stop before it sealed anything (the sources go idle only a second
 * after its last record); its open ticks are in the state the next instance restores.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 300)
class RestartIT {
    private static final String SERVICE = "orders";
    private static final Duration WAIT = Duration.ofSeconds(90);
    /**
     * How far before now the recorded rollout starts: its events span a few minutes of event time, and must be
     * neither older than the input topics' retention (the test kit's broker deletes such segments every 5 s: that
     * was the "restart hang" this test once showed, its inputs and decisions deleted mid-test) nor more than
     * {@code max.future.skew.ms} ahead of the wall clock.
     */
    private static final Duration START_BEFORE_NOW = Duration.ofMinutes(20);

    @TempDir
    Path tmp;

    private final String prefix = "restart-" + UUID.randomUUID().toString().substring(0, 8) + ".";

    private Map<String, String> settings(KafkaBroker broker, SchemaRegistry registry, String stateDir) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bootstrap.servers", broker.bootstrapServers());
        m.put("application.id", prefix + "app");
        m.put("topic.prefix", prefix);
        m.put("schema.registry.url", registry.url());
        m.put("state.dir", tmp.resolve(stateDir).toString());
        m.put("http.host", "127.0.0.1");
        m.put("http.port", "0");
        m.put("topics.partitions", "2");
        m.put("topics.replication.factor", "1");
        m.put("shutdown.timeout.ms", "20000");
        return m;
    }

    /** Events of a healthy rollout, recorded by the simulator against the in-process topology. */
    private List<EventCodec.Event> recordedRollout() throws Exception {
        Path export = tmp.resolve("healthy.jsonl");
        StringWriter out = new StringWriter();
        CommandLine sim = CliErrors.install(new CommandLine(new SimulateCommand()));
        sim.setOut(new PrintWriter(out, true));
        sim.setErr(new PrintWriter(out, true));
        int code = sim.execute(
                "--scenario",
                "healthy",
                "--service",
                SERVICE,
                "--seed",
                "11",
                "--rate",
                "300",
                "--start-time",
                Long.toString((System.currentTimeMillis() - START_BEFORE_NOW.toMillis()) / 1000 * 1000),
                "--export",
                export.toString(),
                "--view",
                "plain",
                "--check");
        assertThat(code).as(out.toString()).isZero();
        try (BufferedReader in = Files.newBufferedReader(export)) {
            return Replayer.ordered(Replayer.read(in, false).events());
        }
    }

    /** Waits until the application's committed offsets reached the end of every input topic. */
    private static void awaitCaughtUp(TollgateConfig cfg, TopicNames topics) throws Exception {
        List<String> inputs = List.of(
                topics.requests(),
                topics.sideEffects(),
                topics.queueWork(),
                topics.metrics(),
                topics.probes(),
                topics.rollouts());
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (var d : admin.describeTopics(inputs).allTopicNames().get().values()) {
                d.partitions()
                        .forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            String group = cfg.applicationId();
            Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                Map<TopicPartition, OffsetAndMetadata> c = committed;
                if (ends.entrySet().stream()
                        .allMatch(e -> e.getValue() == 0
                                || (c.get(e.getKey()) != null
                                        && c.get(e.getKey()).offset() >= e.getValue()))) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new AssertionError("timed out after " + WAIT + ": committed offsets " + committed + ", ends " + ends);
        }
    }

    private static void play(KafkaBus bus, List<EventCodec.Event> events) {
        events.forEach(bus::send);
        bus.flush();
    }

    @Test
    void shouldDecideAsAReplayWhenEvaluationMovesToAFreshInstanceMidRollout(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given a recorded healthy rollout and the decisions a replay of it publishes
        List<EventCodec.Event> events = recordedRollout();
        List<String> expected = new ArrayList<>();
        Replayer.run(events, null, null, r -> {
            if (r instanceof GateDecision d) {
                expected.add(EventCodec.toLine(d));
            }
        });
        assertThat(expected).hasSizeGreaterThanOrEqualTo(4);
        // split inside the third step (after its RolloutEvent and part of its traffic)
        int thirdStep = -1;
        int steps = 0;
        for (int i = 0; i < events.size() && thirdStep < 0; i++) {
            if (events.get(i).record() instanceof RolloutEvent && ++steps == 3) {
                thirdStep = i;
            }
        }
        assertThat(thirdStep).as("the rollout has a third step").isPositive();
        int split = thirdStep + (events.size() - thirdStep) / 6;
        List<EventCodec.Event> first = events.subList(0, split);
        List<EventCodec.Event> rest = events.subList(split, events.size());

        TollgateConfig cfgA = TollgateConfig.fromMap(settings(broker, registry, "state-a"), "test", Map.of());
        TopicNames topics = cfgA.topicNames();
        try (Admin admin = Admin.create(cfgA.adminClientConfig())) {
            new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(topics, 2, (short) 1);
        }
        // the policies go first, so that the service's global store holds them when it starts
        List<EventCodec.Event> policies =
                first.stream().filter(e -> e.timestamp() == Long.MIN_VALUE).toList();
        assertThat(policies).as("the scenario's policy").isNotEmpty();
        try (KafkaBus bus = new KafkaBus(broker.bootstrapServers(), registry.url(), topics, Map.of())) {
            play(bus, policies);
        }
        List<ConsumerRecord<String, SpecificRecord>> published = new ArrayList<>();
        int beforeRestart;
        try (KafkaConsumer<String, SpecificRecord> decisions =
                ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), topics.decisions())) {
            // when the first instance evaluates the first part and is stopped
            try (KafkaBus bus = new KafkaBus(broker.bootstrapServers(), registry.url(), topics, Map.of())) {
                play(
                        bus,
                        first.stream()
                                .filter(e -> e.timestamp() != Long.MIN_VALUE)
                                .toList());
            }
            try (TollgateService a = new TollgateService(cfgA)) {
                a.start(false);
                await(
                        "instance A ready",
                        WAIT,
                        () -> get(a.httpPort(), "/health/streams").status() == 200);
                awaitCaughtUp(cfgA, topics);
            }
            ItSupport.pollUntil(
                    decisions,
                    published,
                    Duration.ofSeconds(10),
                    () -> ItSupport.values(published, GateDecision.class).size() >= 2);
            beforeRestart = ItSupport.values(published, GateDecision.class).size();

            // and a second instance with an empty state directory takes over at once and gets the rest
            TollgateConfig cfgB = TollgateConfig.fromMap(settings(broker, registry, "state-b"), "test", Map.of());
            try (KafkaBus bus = new KafkaBus(broker.bootstrapServers(), registry.url(), topics, Map.of())) {
                play(bus, rest);
            }
            try (TollgateService b = new TollgateService(cfgB)) {
                b.start(false);
                await(
                        "instance B ready",
                        WAIT,
                        () -> get(b.httpPort(), "/health/streams").status() == 200);
                ItSupport.pollUntil(
                        decisions,
                        published,
                        WAIT,
                        () -> ItSupport.values(published, GateDecision.class).size() >= expected.size());
                // a little longer: a decision too many would show here
                ItSupport.pollUntil(decisions, published, Duration.ofSeconds(3), () -> false);
            }
        }

        // then the decisions span the restart and equal the replay's, record for record
        List<GateDecision> live = ItSupport.values(published, GateDecision.class);
        String both = beforeRestart + " before the restart; live "
                + live.stream()
                        .map(d -> d.getStepIndex() + " " + d.getAction() + " at " + d.getDecidedAt())
                        .toList() + ", replay "
                + expected.stream()
                        .map(l -> l.replaceAll(
                                ".*\"stepIndex\":(\\d+).*\"action\":\"(\\w+)\".*\"decidedAt\":(\\d+).*", "$1 $2 at $3"))
                        .toList();
        assertThat(beforeRestart).as("decisions before the restart in %s", both).isBetween(2, expected.size() - 1);
        assertThat(live).as(both).extracting(GateDecision::getAction).last().isEqualTo(Action.COMPLETE);
        assertThat(live.stream().map(EventCodec::toLine).toList()).containsExactlyElementsOf(expected);
    }
}
