package dev.tollgate.tools.it;

import static dev.tollgate.tools.it.ItSupport.await;
import static dev.tollgate.tools.it.ItSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.KafkaBus;
import dev.tollgate.topology.TopicNames;
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
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout whose events are stamped 60 days ago (a backfill, a replay into the cluster, a producer with a wrong
 * clock), evaluated live on the test kit's broker, which deletes segments by retention every 5 s: the inputs
 * (7 days) are not deleted before Tollgate reads them (the topics Tollgate creates use LogAppendTime), and every
 * decision stays readable on {@code tollgate.decisions} (30 days) well after several retention checks, because
 * outputs carry the wall clock as record timestamp while {@code decidedAt} keeps event time. The decisions equal
 * a replay's.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 300)
class OldEventTimesIT {
    private static final String SERVICE = "ledger";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long SIXTY_DAYS_MS = Duration.ofDays(60).toMillis();

    @TempDir
    Path tmp;

    private final String prefix = "old-" + UUID.randomUUID().toString().substring(0, 8) + ".";

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
        m.put("shutdown.timeout.ms", "20000");
        return m;
    }

    @Test
    void shouldKeepEveryDecisionReadableWhenTheEventsAreSixtyDaysOld(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given a healthy rollout stamped 60 days ago, and the decisions a replay of it publishes
        long start = (System.currentTimeMillis() - SIXTY_DAYS_MS) / 1000 * 1000;
        List<EventCodec.Event> events = ItSupport.recordedRollout(tmp, SERVICE, 17, 200, start);
        List<String> expected = ItSupport.replayedDecisions(events);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(4);
        TollgateConfig cfg = TollgateConfig.fromMap(settings(broker, registry), "test", Map.of());
        TopicNames topics = cfg.topicNames();

        // when the topics are created as the service creates them, the events are produced stamped with their
        // event time (the broker re-stamps them on arrival: input topics are LogAppendTime), and several of the
        // broker's retention checks (every 5 s) pass before the service starts and catches up
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(topics, 2, (short) 1);
        }
        try (KafkaBus bus = new KafkaBus(broker.bootstrapServers(), registry.url(), topics, Map.of())) {
            events.forEach(bus::send); // policies first
            bus.flush();
        }
        Thread.sleep(2 * KafkaBrokerExtension.RETENTION_CHECK_INTERVAL.toMillis() + 1_000);
        try (TollgateService service = new TollgateService(cfg)) {
            service.start(false);
            await(
                    "service ready",
                    WAIT,
                    () -> get(service.httpPort(), "/health/ready").status() == 200);
            List<ConsumerRecord<String, SpecificRecord>> live = new ArrayList<>();
            try (KafkaConsumer<String, SpecificRecord> c =
                    ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), topics.decisions())) {
                ItSupport.pollUntil(
                        c,
                        live,
                        WAIT,
                        () -> ItSupport.values(live, GateDecision.class).size() >= expected.size());
            }
            assertThat(ItSupport.values(live, GateDecision.class))
                    .extracting(GateDecision::getAction)
                    .last()
                    .isEqualTo(Action.COMPLETE);
            // and several of the broker's retention checks (every 5 s) pass
            Thread.sleep(3 * KafkaBrokerExtension.RETENTION_CHECK_INTERVAL.toMillis() + 2_000);
        }

        // then every decision is still on the topic, from offset 0 of each partition, equal to the replay's
        List<ConsumerRecord<String, SpecificRecord>> reread = new ArrayList<>();
        try (KafkaConsumer<String, SpecificRecord> c =
                ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), topics.decisions())) {
            ItSupport.pollUntil(
                    c,
                    reread,
                    WAIT,
                    () -> ItSupport.values(reread, GateDecision.class).size() >= expected.size());
            ItSupport.pollUntil(c, reread, Duration.ofSeconds(2), () -> false);
        }
        List<GateDecision> decisions = ItSupport.values(reread, GateDecision.class);
        assertThat(decisions.stream().map(EventCodec::toLine).toList()).containsExactlyElementsOf(expected);
        assertThat(decisions)
                .allSatisfy(
                        d -> assertThat(d.getDecidedAt()).isLessThan(System.currentTimeMillis() - SIXTY_DAYS_MS / 2));
        long now = System.currentTimeMillis();
        assertThat(reread)
                .as("record timestamps are the wall clock of publication")
                .allSatisfy(r -> assertThat(r.timestamp()).isBetween(now - WAIT.toMillis() * 3, now));
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            for (String topic : List.of(topics.decisions(), topics.gateResults(), topics.requests())) {
                Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
                for (int p = 0; p < 2; p++) {
                    earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
                }
                assertThat(admin.listOffsets(earliest).all().get().values())
                        .as("log start offsets of %s: nothing deleted by retention", topic)
                        .allSatisfy(info -> assertThat(info.offset()).isZero());
            }
        }
    }
}
