package dev.tollgate.tools.it;

import static dev.tollgate.tools.it.ItSupport.await;
import static dev.tollgate.tools.it.ItSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.metrics.TollgateMetrics;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.serde.SpecificAvroSerializer;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.Replayer;
import dev.tollgate.topology.TopicNames;
import dev.tollgate.topology.TopologyListener;
import dev.tollgate.topology.TopologySettings;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of more than 10,000 bad records of 15 kinds between the valid events of a healthy rollout: every bad
 * one lands in the dead-letter topic with its reason in the headers, every valid one is counted, none is late
 * (a record stamped years ahead moves no watermark), and the decisions equal a replay of the valid events alone.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 600)
class PoisonInputIT {
    private static final String SERVICE = "payments";
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final int PER_KIND = 800;
    private static final int HUGE = 3;
    private static final int HUGE_BYTES = 5 * 1024 * 1024;
    private static final String KIND_HEADER = "it.kind";
    private static final long YEAR_MS = Duration.ofDays(365).toMillis();

    @TempDir
    Path tmp;

    private final String prefix = "poison-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final Random random = new Random(42);

    /** One kind of bad record: where it goes, how it is made, the reason the dead-letter topic must give. */
    private record Kind(
            String name, String reason, int count, Function<Integer, ProducerRecord<byte[], byte[]>> make) {}

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
    void shouldDeadLetterEveryBadRecordAndDecideAsAReplayOfTheValidOnes(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given a healthy rollout of recent events, the decisions a replay of them publishes, and the topics
        long start = (System.currentTimeMillis() - Duration.ofMinutes(20).toMillis()) / 1000 * 1000;
        List<EventCodec.Event> valid = ItSupport.recordedRollout(tmp, SERVICE, 23, 100, start);
        List<String> expected = new ArrayList<>();
        AtomicLong accepted = new AtomicLong();
        Replayer.run(
                valid,
                null,
                TopologySettings.defaults("mock://unused").withListener(new TopologyListener() {
                    @Override
                    public void onEvent(String type) {
                        accepted.incrementAndGet();
                    }
                }),
                r -> {
                    if (r instanceof GateDecision d) {
                        expected.add(EventCodec.toLine(d));
                    }
                });
        assertThat(expected).hasSizeGreaterThanOrEqualTo(4);
        TollgateConfig cfg = TollgateConfig.fromMap(settings(broker, registry), "test", Map.of());
        TopicNames topics = cfg.topicNames();
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(topics, 2, (short) 1);
            // the broker takes 1 MB records by default: the 5 MB values must get onto the requests topic
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, topics.requests()),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(6 << 20)),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
        }
        SpecificAvroSerializer<SpecificRecord> ser = new SpecificAvroSerializer<>();
        ser.configure(Map.of("schema.registry.url", registry.url()), false);
        RequestLog template = (RequestLog) valid.stream()
                .filter(e -> e.record() instanceof RequestLog)
                .findFirst()
                .orElseThrow()
                .record();
        MetricSample metricTemplate = (MetricSample) valid.stream()
                .filter(e -> e.record() instanceof MetricSample)
                .findFirst()
                .orElseThrow()
                .record();
        RolloutEvent rolloutTemplate = (RolloutEvent) valid.stream()
                .filter(e -> e.record() instanceof RolloutEvent)
                .findFirst()
                .orElseThrow()
                .record();
        byte[] goodRequest = ser.serialize(topics.requests(), template);
        long now = System.currentTimeMillis();
        String req = topics.requests();
        List<Kind> kinds = List.of(
                new Kind("garbage", "deserialization", PER_KIND, i -> raw(req, SERVICE, garbage(40 + i % 200))),
                new Kind("wrong-magic", "deserialization", PER_KIND, i -> {
                    byte[] b = goodRequest.clone();
                    b[0] = 7;
                    return raw(req, SERVICE, b);
                }),
                new Kind("unknown-schema-id", "deserialization", PER_KIND, i -> {
                    byte[] b = goodRequest.clone();
                    b[1] = 0x7f;
                    b[2] = (byte) 0xee;
                    return raw(req, SERVICE, b);
                }),
                new Kind(
                        "truncated-body",
                        "deserialization",
                        PER_KIND,
                        i -> raw(req, SERVICE, Arrays.copyOf(goodRequest, 5 + (goodRequest.length - 5) / 2))),
                new Kind(
                        "other-topic-schema",
                        "wrong-type",
                        PER_KIND,
                        i -> raw(req, SERVICE, ser.serialize(topics.rollouts(), rolloutTemplate))),
                new Kind("null-value", "null-value", PER_KIND, i -> raw(req, SERVICE, null)),
                new Kind("null-key", "null-key", PER_KIND, i -> raw(req, null, goodRequest)),
                new Kind("huge-value", "deserialization", HUGE, i -> {
                    byte[] b = Arrays.copyOf(goodRequest, HUGE_BYTES); // a valid record, then 5 MB of zeros
                    return raw(req, SERVICE, b);
                }),
                new Kind(
                        "negative-latency",
                        "latency-invalid",
                        PER_KIND,
                        i -> request(ser, req, r -> r.setLatencyMs(-1 - i))),
                new Kind(
                        "nan-latency",
                        "latency-invalid",
                        PER_KIND,
                        i -> request(ser, req, r -> r.setLatencyMs(Double.NaN))),
                new Kind("status-0", "status-out-of-range", PER_KIND, i -> request(ser, req, r -> r.setStatus(0))),
                new Kind("status-999", "status-out-of-range", PER_KIND, i -> request(ser, req, r -> r.setStatus(999))),
                new Kind(
                        "future-timestamp",
                        "timestamp-future",
                        PER_KIND,
                        i -> request(ser, req, r -> r.setTimestamp(now + 3 * YEAR_MS + i))),
                new Kind(
                        "past-timestamp",
                        "timestamp-too-old",
                        PER_KIND,
                        i -> request(ser, req, r -> r.setTimestamp(now - 5 * YEAR_MS + i))),
                new Kind("nan-metric", "metric-value-invalid", PER_KIND, i -> {
                    MetricSample m = MetricSample.newBuilder(metricTemplate)
                            .setValue(Double.NaN)
                            .build();
                    return raw(topics.metrics(), SERVICE, ser.serialize(topics.metrics(), m));
                }));
        List<ProducerRecord<byte[], byte[]>> bad = new ArrayList<>();
        Map<String, Integer> badByKind = new TreeMap<>();
        for (int i = 0; i < PER_KIND; i++) {
            for (Kind k : kinds) {
                if (i < k.count()) {
                    ProducerRecord<byte[], byte[]> r = k.make().apply(i);
                    r.headers().add(KIND_HEADER, k.name().getBytes(StandardCharsets.UTF_8));
                    bad.add(r);
                    badByKind.merge(k.name(), 1, Integer::sum);
                }
            }
        }
        assertThat(bad).hasSizeGreaterThanOrEqualTo(10_000);
        assertThat(badByKind).hasSizeGreaterThanOrEqualTo(10);

        // when the valid events go to the broker with the bad records spread between them, and the service runs
        List<EventCodec.Event> timed =
                valid.stream().filter(e -> e.timestamp() != Long.MIN_VALUE).toList();
        try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
            for (EventCodec.Event e :
                    valid.stream().filter(e -> e.timestamp() == Long.MIN_VALUE).toList()) {
                producer.send(new ProducerRecord<>(
                        EventCodec.topicOf(e.type(), topics),
                        bytes(e.key()),
                        ser.serialize(EventCodec.topicOf(e.type(), topics), e.record())));
            }
            int b = 0;
            for (int i = 0; i < timed.size(); i++) {
                EventCodec.Event e = timed.get(i);
                String topic = EventCodec.topicOf(e.type(), topics);
                producer.send(new ProducerRecord<>(topic, bytes(e.key()), ser.serialize(topic, e.record())));
                long upTo = (long) bad.size() * (i + 1) / timed.size();
                while (b < upTo) {
                    producer.send(bad.get(b++));
                }
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        List<ConsumerRecord<String, SpecificRecord>> published = new ArrayList<>();
        double counted;
        double late;
        double dlqCounted;
        try (TollgateService service = new TollgateService(cfg)) {
            service.start(false);
            await(
                    "service ready",
                    WAIT,
                    () -> get(service.httpPort(), "/health/ready").status() == 200);
            try (KafkaConsumer<byte[], byte[]> dlq = rawConsumer(broker, topics.dlq());
                    KafkaConsumer<String, SpecificRecord> decisions =
                            ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), topics.decisions())) {
                ItSupport.pollUntil(dlq, dead, WAIT, () -> dead.size() >= bad.size());
                ItSupport.pollUntil(
                        decisions,
                        published,
                        WAIT,
                        () -> ItSupport.values(published, GateDecision.class).size() >= expected.size());
                // a little longer: a dead letter or decision too many would show here
                ItSupport.pollUntil(dlq, dead, Duration.ofSeconds(3), () -> false);
                ItSupport.pollUntil(decisions, published, Duration.ofSeconds(1), () -> false);
            }
            counted = sum(service.registry().find(TollgateMetrics.EVENTS_IN).counters());
            late = sum(service.registry().find(TollgateMetrics.EVENTS_LATE).counters());
            dlqCounted = sum(service.registry().find(TollgateMetrics.DLQ).counters());
        }

        // then every bad record is dead-lettered once, with its reason, its original key and (cut) value
        Map<String, Integer> deadByKind = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            String kind = header(r, KIND_HEADER);
            deadByKind.merge(kind, 1, Integer::sum);
            Kind k = kinds.stream()
                    .filter(x -> x.name().equals(kind))
                    .findFirst()
                    .orElseThrow();
            assertThat(header(r, "tollgate.dlq.reason")).as(kind).isEqualTo(k.reason());
            assertThat(header(r, "__streams.errors.exception")).as(kind).isNotBlank();
            assertThat(header(r, "__streams.errors.topic")).as(kind).isNotBlank();
            assertThat(r.timestamp())
                    .as("%s: stamped with the wall clock", kind)
                    .isGreaterThan(now - 60_000);
            if (kind.equals("huge-value")) {
                assertThat(header(r, "tollgate.dlq.value.size")).isEqualTo(Integer.toString(HUGE_BYTES));
            }
        }
        assertThat(deadByKind).isEqualTo(badByKind);
        assertThat(dlqCounted).isEqualTo(bad.size());
        // every valid event counted, none late (no far-future record moved a watermark)
        assertThat(late).isZero();
        assertThat(counted).as("of %s valid events", timed.size()).isEqualTo(accepted.get());
        // and the decisions are the replay's of the valid events alone
        assertThat(ItSupport.values(published, GateDecision.class).stream()
                        .map(EventCodec::toLine)
                        .toList())
                .containsExactlyElementsOf(expected);
    }

    private ProducerRecord<byte[], byte[]> request(
            SpecificAvroSerializer<SpecificRecord> ser, String topic, java.util.function.Consumer<RequestLog> change) {
        RequestLog r = RequestLog.newBuilder()
                .setService(SERVICE)
                .setReleaseId("poison")
                .setRevision("poison-rev")
                .setTimestamp(System.currentTimeMillis() - 60_000)
                .setStatus(200)
                .setLatencyMs(10)
                .setColdStart(false)
                .setMethod("GET")
                .setStreamOutcome(dev.tollgate.schemas.avro.StreamOutcome.NONE)
                .setDedupeHit(false)
                .build();
        change.accept(r);
        return raw(topic, SERVICE, ser.serialize(topic, r));
    }

    private byte[] garbage(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        b[0] = (byte) (1 + random.nextInt(120)); // never the magic byte 0
        return b;
    }

    private static ProducerRecord<byte[], byte[]> raw(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, null, key == null ? null : bytes(key), value);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static double sum(Collection<Counter> counters) {
        return counters.stream().mapToDouble(Counter::count).sum();
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 6 << 20);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> rawConsumer(KafkaBroker broker, String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + UUID.randomUUID());
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}
