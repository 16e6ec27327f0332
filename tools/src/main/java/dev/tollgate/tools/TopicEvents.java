package dev.tollgate.tools;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.topology.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a time range of Tollgate's input topics for a replay, without exporting it first: every evidence topic's
 * records whose timestamp (the producers' event time) is in {@code [from, to)}, read_committed, starting at {@code
 * offsetsForTimes(from)} and ending at the end offsets taken when reading starts; and the policies topic from its
 * beginning up to {@code to} (a policy stamped before {@code from} is in force from the start of the replay).
 * Values are decoded with the Confluent-format deserializer against the given registry. A record that cannot be
 * decoded is not replayed; it is counted and named in {@link Result#errors()}.
 */
public final class TopicEvents {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private TopicEvents() {}

    /**
     * What was read.
     *
     * @param events  the events (policies stamped before {@code from} have timestamp {@link Long#MIN_VALUE})
     * @param skipped records that could not be decoded
     * @param errors  the first of them, as topic/partition@offset: reason
     */
    public record Result(List<EventCodec.Event> events, long skipped, List<String> errors) {}

    /**
     * Reads the range.
     *
     * @param bootstrap   bootstrap servers
     * @param registryUrl schema registry URL
     * @param topics      topic names
     * @param from        start of the range (epoch ms, inclusive)
     * @param to          end of the range (epoch ms, exclusive)
     * @param extra       further client settings (security, ...), may be empty
     */
    public static Result read(
            String bootstrap, String registryUrl, TopicNames topics, long from, long to, Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>(extra);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "tollgate-replay-reader");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        SpecificAvroDeserializer<SpecificRecord> values = new SpecificAvroDeserializer<>();
        values.configure(Map.of("schema.registry.url", registryUrl), false);
        List<Read> read = new ArrayList<>();
        List<String> topicOrder = new ArrayList<>(topics.evidenceInputs());
        topicOrder.add(topics.policies());
        List<String> errors = new ArrayList<>();
        long skipped = 0;
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> evidence = partitions(consumer, topics.evidenceInputs(), bootstrap);
            List<TopicPartition> policies = partitions(consumer, List.of(topics.policies()), bootstrap);
            List<TopicPartition> all = new ArrayList<>(evidence);
            all.addAll(policies);
            consumer.assign(all);
            Map<TopicPartition, Long> end = consumer.endOffsets(all); // read_committed: the last stable offsets
            Map<TopicPartition, Long> query = new HashMap<>();
            evidence.forEach(tp -> query.put(tp, from));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query);
            for (TopicPartition tp : evidence) {
                OffsetAndTimestamp s = starts.get(tp);
                consumer.seek(tp, s == null ? end.get(tp) : s.offset());
            }
            consumer.seekToBeginning(policies);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : all) {
                if (consumer.position(tp) < end.get(tp)) {
                    remaining.put(tp, end.get(tp));
                }
            }
            while (!remaining.isEmpty()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long stop = remaining.get(tp);
                    if (stop == null || r.offset() >= stop || r.timestamp() >= to) {
                        continue;
                    }
                    boolean policy = r.topic().equals(topics.policies());
                    if (!policy && r.timestamp() < from) {
                        continue;
                    }
                    SpecificRecord v;
                    try {
                        v = r.value() == null ? null : values.deserialize(r.topic(), r.headers(), r.value());
                    } catch (RuntimeException e) {
                        skipped++;
                        if (errors.size() < Replayer.MAX_ERRORS_KEPT) {
                            errors.add(r.topic() + "/" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
                        }
                        continue;
                    }
                    if (policy) {
                        if (v == null || v instanceof GatePolicy) {
                            long ts = r.timestamp() < from ? Long.MIN_VALUE : r.timestamp();
                            read.add(new Read(
                                    new EventCodec.Event("GatePolicy", r.key(), ts, v),
                                    topicOrder.indexOf(r.topic()),
                                    r.partition(),
                                    r.offset()));
                        }
                    } else if (v != null) {
                        EventCodec.Event e = EventCodec.event(v);
                        read.add(new Read(
                                new EventCodec.Event(e.type(), r.key() != null ? r.key() : e.key(), e.timestamp(), v),
                                topicOrder.indexOf(r.topic()),
                                r.partition(),
                                r.offset()));
                    }
                }
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        } finally {
            values.close();
        }
        // a deterministic order whatever the polls returned: event time, then topic, partition and offset
        read.sort(Comparator.comparingLong((Read x) -> x.event().timestamp())
                .thenComparingInt(Read::topic)
                .thenComparingInt(Read::partition)
                .thenComparingLong(Read::offset));
        return new Result(read.stream().map(Read::event).toList(), skipped, errors);
    }

    private record Read(EventCodec.Event event, int topic, int partition, long offset) {}

    private static List<TopicPartition> partitions(
            KafkaConsumer<String, byte[]> consumer, List<String> names, String bootstrap) {
        List<TopicPartition> out = new ArrayList<>();
        for (String t : names) {
            List<PartitionInfo> infos = consumer.partitionsFor(t, METADATA_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + t + " does not exist on " + bootstrap);
            }
            infos.forEach(i -> out.add(new TopicPartition(i.topic(), i.partition())));
        }
        return out;
    }
}
