package dev.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.RealKafka;
import dev.tollgate.testkit.RealRegistry;
import dev.tollgate.testkit.SchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A tiny Kafka Streams app on a real broker and registry, reading and writing through the serde. */
@RealKafka
@RealRegistry
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StreamsSerdeIT {
    /** Event times near now: the test kit's broker deletes records older than a topic's retention every 5 s. */
    private static final long T0 = (System.currentTimeMillis() - 60_000) / 1000 * 1000;

    private static RevisionMinuteStats toStats(RequestLog log) {
        if (log == null) {
            return null;
        }
        return RevisionMinuteStats.newBuilder()
                .setService(log.getService())
                .setRevision(log.getRevision())
                .setReleaseId(log.getReleaseId())
                .setWindowStart(log.getTimestamp() - log.getTimestamp() % 60_000)
                .setWindowEnd(log.getTimestamp() - log.getTimestamp() % 60_000 + 60_000)
                .setRequests(1)
                .setErrors5xx(log.getStatus() >= 500 ? 1 : 0)
                .setP95LatencyMs(log.getLatencyMs())
                .setColdStarts(log.getColdStart() ? 1 : 0)
                .build();
    }

    private static RequestLog log(int i) {
        return RequestLog.newBuilder(ContractRecords.requestLog())
                .setRequestId("req-" + i)
                .setStatus(i % 3 == 0 ? 503 : 200)
                .setLatencyMs(10.0 + i)
                .setTimestamp(T0 + i * 1_000L)
                .build();
    }

    @Test
    void shouldReadMapAndWriteAvroThroughTheSerdeAndTheRealRegistry(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given input and output topics, a serde config on the real registry and a streams app mapping
        // RequestLog to RevisionMinuteStats (exactly_once_v2, poison pills logged and skipped)
        String suffix = UUID.randomUUID().toString();
        String input = "serde-it-requests-" + suffix;
        String output = "serde-it-stats-" + suffix;
        broker.createTopics(2, input, output);
        Map<String, Object> serdeConfig = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url());

        SpecificAvroSerde<RequestLog> requestLogs = new SpecificAvroSerde<>(RequestLog.class);
        requestLogs.configure(serdeConfig, false);
        SpecificAvroSerde<RevisionMinuteStats> stats = new SpecificAvroSerde<>(RevisionMinuteStats.class);
        stats.configure(serdeConfig, false);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), requestLogs))
                .mapValues(StreamsSerdeIT::toStats)
                .to(output, Produced.with(Serdes.String(), stats));

        Path stateDir = Files.createTempDirectory("serde-it-streams-");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-it-" + suffix);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

        int count = 20;
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();

            // when request logs, a tombstone and a non-Avro poison pill are produced to the input topic
            Map<String, Object> producerConfig = broker.clientConfig();
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
            SpecificAvroSerializer<RequestLog> serializer = new SpecificAvroSerializer<>();
            serializer.configure(serdeConfig, false);
            try (KafkaProducer<String, RequestLog> producer =
                            new KafkaProducer<>(producerConfig, new StringSerializer(), serializer);
                    KafkaProducer<String, byte[]> raw =
                            new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < count; i++) {
                    producer.send(new ProducerRecord<>(input, "svc-" + (i % 4), log(i)));
                }
                producer.send(new ProducerRecord<>(input, "svc-tombstone", null));
                producer.flush();
                raw.send(new ProducerRecord<>(
                                input,
                                "svc-poison",
                                "{\"not\":\"avro\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .get();
            }

            // then the output topic holds one mapped, Avro-encoded record per input record and the tombstone
            Map<String, Object> consumerConfig = broker.clientConfig();
            consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "serde-it-check-" + suffix);
            consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            SpecificAvroDeserializer<RevisionMinuteStats> deserializer =
                    new SpecificAvroDeserializer<>(RevisionMinuteStats.class);
            deserializer.configure(serdeConfig, false);
            List<ConsumerRecord<String, RevisionMinuteStats>> received = new ArrayList<>();
            try (KafkaConsumer<String, RevisionMinuteStats> consumer =
                    new KafkaConsumer<>(consumerConfig, new StringDeserializer(), deserializer)) {
                consumer.subscribe(List.of(output));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (received.size() < count + 1 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(received::add);
                }
            }
            assertThat(received).hasSize(count + 1);
            assertThat(received)
                    .filteredOn(r -> r.value() == null)
                    .extracting(ConsumerRecord::key)
                    .containsExactly("svc-tombstone");
            List<RevisionMinuteStats> values = received.stream()
                    .map(ConsumerRecord::value)
                    .filter(v -> v != null)
                    .toList();
            List<RevisionMinuteStats> expected = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                expected.add(toStats(log(i)));
            }
            assertThat(values).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(values).filteredOn(v -> v.getErrors5xx() == 1).hasSize(7);
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(serdeConfig);
            assertThat(client.getLatest(input + "-value").schema()).isEqualTo(RequestLog.getClassSchema());
            assertThat(client.getLatest(output + "-value").schema()).isEqualTo(RevisionMinuteStats.getClassSchema());
            streams.close(Duration.ofSeconds(30));
        } finally {
            requestLogs.close();
            stats.close();
            Utils.delete(stateDir.toFile());
        }
    }
}
