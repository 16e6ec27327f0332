package dev.tollgate.router;

import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.schemas.serde.SpecificAvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka clients of a router: an idempotent producer of contract events (Avro, Confluent wire format) and
 * read-committed readers that decode values with the registry, skipping (and logging) undecodable records.
 *
 * @param bootstrap   bootstrap servers
 * @param registryUrl schema registry URL
 * @param topics      topic names
 * @param extra       further client settings (security, ...), may be empty
 */
public record RouterClients(String bootstrap, String registryUrl, RouterTopics topics, Map<String, Object> extra) {
    private static final Logger log = LoggerFactory.getLogger(RouterClients.class);
    /** Metadata and offset look-ups wait this long: a busy broker (or machine) can take tens of seconds. */
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(90);

    public RouterClients {
        extra = Map.copyOf(extra);
    }

    /** An idempotent producer of contract events; the caller closes it. */
    public KafkaProducer<String, SpecificRecord> producer(String clientId) {
        Map<String, Object> p = new HashMap<>(extra);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        SpecificAvroSerializer<SpecificRecord> values = new SpecificAvroSerializer<>();
        values.configure(Map.of("schema.registry.url", registryUrl), false);
        return new KafkaProducer<>(p, new StringSerializer(), values);
    }

    /** A read-committed consumer without a group (the router assigns partitions itself); the caller closes it. */
    public KafkaConsumer<String, byte[]> consumer(String clientId) {
        Map<String, Object> c = new HashMap<>(extra);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** A value decoder; the caller closes it. */
    public SpecificAvroDeserializer<SpecificRecord> decoder() {
        SpecificAvroDeserializer<SpecificRecord> d = new SpecificAvroDeserializer<>();
        d.configure(Map.of("schema.registry.url", registryUrl), false);
        return d;
    }

    /**
     * Assigns every partition of a topic and seeks to the first record at or after {@code fromTimestamp}
     * (the beginning when it is {@code Long.MIN_VALUE}).
     *
     * @throws IllegalStateException when the topic does not exist
     */
    public static List<TopicPartition> assign(
            KafkaConsumer<String, byte[]> consumer, String topic, long fromTimestamp) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, LOOKUP_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist: is Tollgate running and were its"
                    + " topics created ('tollgate topics create' or 'tollgate run --create-topics')?");
        }
        List<TopicPartition> parts = new ArrayList<>();
        infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
        consumer.assign(parts);
        if (fromTimestamp == Long.MIN_VALUE) {
            consumer.seekToBeginning(parts);
        } else {
            Map<TopicPartition, Long> query = new HashMap<>();
            parts.forEach(p -> query.put(p, Math.max(0, fromTimestamp)));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, LOOKUP_TIMEOUT);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts, LOOKUP_TIMEOUT);
            for (TopicPartition p : parts) {
                OffsetAndTimestamp o = found.get(p);
                consumer.seek(p, o == null ? ends.get(p) : o.offset());
            }
        }
        return parts;
    }

    /**
     * Reads a topic from {@code fromTimestamp} up to its end as of now, handing each decodable record to
     * {@code sink}; undecodable records are skipped with a warning.
     */
    public void readToEnd(
            String topic,
            long fromTimestamp,
            String clientId,
            Consumer<ConsumerRecord<String, byte[]>> raw,
            java.util.function.BiConsumer<ConsumerRecord<String, byte[]>, SpecificRecord> sink) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(clientId);
                SpecificAvroDeserializer<SpecificRecord> decoder = decoder()) {
            List<TopicPartition> parts = assign(consumer, topic, fromTimestamp);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts, LOOKUP_TIMEOUT);
            long deadline = System.nanoTime() + LOOKUP_TIMEOUT.multipliedBy(2).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " to its end took over "
                            + LOOKUP_TIMEOUT.multipliedBy(2).toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    raw.accept(r);
                    SpecificRecord v = decode(decoder, r);
                    if (v != null) {
                        sink.accept(r, v);
                    }
                }
            }
        }
    }

    /** Decodes a record's value, or logs and returns null for a tombstone or an undecodable value. */
    static SpecificRecord decode(SpecificAvroDeserializer<SpecificRecord> decoder, ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return decoder.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            log.warn(
                    "Skipping an undecodable record topic=[{}] partition=[{}] offset=[{}] error=[{}]",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
            return null;
        }
    }
}
