package dev.tollgate.app.timeline;

import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link RolloutHistory} from the gate-results, decisions and timeline topics on a thread of its own.
 *
 * <p>A plain consumer without a group: it assigns itself every partition of the three topics (each instance
 * keeps the whole history, so any instance answers for any service) and commits nothing. It reads
 * {@code read_committed}, so only what Tollgate's exactly-once transactions committed is shown. On start it seeks
 * each partition to the first record published at or after now minus the look-back ({@code offsetsForTimes} on
 * the records' timestamps, which are the wall-clock publication times), so a restarted instance rebuilds the
 * history of recent rollouts from the topics. A record it cannot decode is skipped and counted (logged once per
 * start at WARN, then DEBUG); the feed never stops the service.
 */
public final class HistoryFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryFeed.class);

    /** How far back a starting feed reads by default: a day of rollouts. */
    public static final Duration DEFAULT_LOOKBACK = Duration.ofHours(24);

    private static final AtomicInteger FEEDS = new AtomicInteger();

    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> serdeConfig;
    private final List<String> topics;
    private final Duration lookback;
    private final RolloutHistory history;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private long skipped;

    /**
     * @param clientConfig bootstrap servers and client settings (security) of a plain consumer
     * @param serdeConfig  schema registry settings of the Avro deserializer
     * @param topics       the gate-results, decisions and timeline topics
     * @param lookback     how far back (publication time) to read on start
     * @param history      what is fed
     */
    public HistoryFeed(
            Map<String, Object> clientConfig,
            Map<String, Object> serdeConfig,
            List<String> topics,
            Duration lookback,
            RolloutHistory history) {
        this.consumerConfig = new HashMap<>(clientConfig);
        this.serdeConfig = Map.copyOf(serdeConfig);
        this.topics = List.copyOf(topics);
        this.lookback = Objects.requireNonNull(lookback, "lookback");
        this.history = Objects.requireNonNull(history, "history");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumerConfig.putIfAbsent(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "tollgate-timeline-" + ProcessHandle.current().pid());
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
    }

    /** Starts the feed's thread (daemon). */
    public void start() {
        Thread t = new Thread(this::run, "tollgate-timeline-feed");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run() {
        SpecificAvroDeserializer<SpecificRecord> values = new SpecificAvroDeserializer<>();
        values.configure(serdeConfig, false);
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            if (!running.get()) {
                return;
            }
            List<TopicPartition> partitions = partitions(c);
            c.assign(partitions);
            seekBack(c, partitions);
            log.info(
                    "Timeline history feed started topics=[{}] partitions=[{}] lookback=[{}]",
                    topics,
                    partitions.size(),
                    lookback);
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    feed(values, r);
                }
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        } catch (RuntimeException e) {
            log.warn("Timeline history feed stopped; the timeline pages stop updating", e);
        } finally {
            values.close();
        }
    }

    private void feed(SpecificAvroDeserializer<SpecificRecord> values, ConsumerRecord<String, byte[]> r) {
        try {
            SpecificRecord v = values.deserialize(r.topic(), r.value());
            if (v != null) {
                history.accept(v);
            }
        } catch (RuntimeException e) {
            skipped++;
            if (skipped == 1) {
                log.warn(
                        "Timeline history feed skips a record it cannot decode topic=[{}] partition=[{}] offset=[{}]: {}",
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        e.toString());
            } else {
                log.debug(
                        "Timeline history feed skips a record topic=[{}] offset=[{}] skipped=[{}]",
                        r.topic(),
                        r.offset(),
                        skipped);
            }
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " has no partitions");
            }
            infos.forEach(p -> out.add(new TopicPartition(p.topic(), p.partition())));
        }
        return out;
    }

    private void seekBack(KafkaConsumer<String, byte[]> c, List<TopicPartition> partitions) {
        long from = System.currentTimeMillis() - lookback.toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, from));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query, Duration.ofSeconds(30));
        List<TopicPartition> none = new ArrayList<>();
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp o = found.get(p);
            if (o == null) {
                none.add(p); // nothing published since: start at the end
            } else {
                c.seek(p, o.offset());
            }
        }
        if (!none.isEmpty()) {
            c.seekToEnd(none);
        }
    }

    /** Stops the thread and closes the consumer (waits up to 5 s). */
    @Override
    public void close() {
        running.set(false);
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
