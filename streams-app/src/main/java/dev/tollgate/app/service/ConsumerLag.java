package dev.tollgate.app.service;

import dev.tollgate.topology.SourceLag;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' client supplier that remembers each stream thread's main consumer, so the evaluator can ask how far
 * behind an input partition is ({@link SourceLag}). The question is asked on the stream thread that owns the
 * consumer: the main consumer's client id is the thread's name plus {@code -consumer}. Any other thread gets
 * {@link SourceLag#UNKNOWN}.
 *
 * <p>{@link #lagSince} compares the consumer's position with the partition's end as the <em>broker</em> reported it
 * ({@link EndOffsets}, asked every {@code refreshMs} by a background thread for the partitions the evaluator asked
 * about), and answers only from a report asked for after the given time. The consumer's own lag
 * ({@code KafkaConsumer#currentLag}) is as of its last fetch: while the stream thread works through other partitions'
 * buffered records it does not fetch, so a lag of 0 can be seconds old while a producer appends (measured: a 4x burst
 * into a busy service counted 120,815 events late on it).
 */
public final class ConsumerLag implements KafkaClientSupplier, SourceLag, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);
    private static final Duration POSITION_TIMEOUT = Duration.ZERO;

    /** The broker's end of input partitions (the last stable offset under read_committed). */
    @FunctionalInterface
    public interface EndOffsets extends AutoCloseable {
        /** The end offset of each of {@code partitions}. */
        Map<TopicPartition, Long> ask(Collection<TopicPartition> partitions, IsolationLevel isolation) throws Exception;

        @Override
        default void close() {}

        /** From an admin client with {@code adminConfig}, waiting at most {@code timeout} per question. */
        static EndOffsets admin(Map<String, Object> adminConfig, Duration timeout) {
            Admin admin = Admin.create(adminConfig);
            return new EndOffsets() {
                @Override
                public Map<TopicPartition, Long> ask(Collection<TopicPartition> partitions, IsolationLevel isolation)
                        throws Exception {
                    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
                    partitions.forEach(tp -> specs.put(tp, OffsetSpec.latest()));
                    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r = admin.listOffsets(
                                    specs, new ListOffsetsOptions(isolation))
                            .all()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    Map<TopicPartition, Long> out = new HashMap<>();
                    r.forEach((tp, info) -> out.put(tp, info.offset()));
                    return out;
                }

                @Override
                public void close() {
                    admin.close(Duration.ofSeconds(5));
                }
            };
        }
    }

    /** A partition's end as the broker reported it, and the wall clock when the question was sent. */
    private record End(long offset, long askedAt) {}

    private final Map<String, Consumer<byte[], byte[]>> byThread = new ConcurrentHashMap<>();
    private final ThreadLocal<Consumer<byte[], byte[]>> mine = new ThreadLocal<>();
    private final Map<String, TopicPartition[]> partitionsOf = new ConcurrentHashMap<>();
    private final Set<TopicPartition> wanted = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, End> ends = new ConcurrentHashMap<>();
    private final EndOffsets endOffsets;
    private final LongSupplier clock;
    private volatile IsolationLevel isolation = IsolationLevel.READ_UNCOMMITTED;
    private ScheduledExecutorService poller;

    /** Without broker reports: {@link #lagSince} is always {@link SourceLag#UNKNOWN}. */
    ConsumerLag() {
        this(null, System::currentTimeMillis);
    }

    /**
     * @param endOffsets where the partitions' ends come from (null: nowhere)
     * @param clock      the wall clock
     */
    public ConsumerLag(EndOffsets endOffsets, LongSupplier clock) {
        this.endOffsets = endOffsets;
        this.clock = clock;
    }

    /** Starts asking the broker for the ends of the partitions asked about, every {@code refreshMs}. */
    public void start(long refreshMs) {
        if (endOffsets == null || poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-end-offsets");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::refresh, 0, refreshMs, TimeUnit.MILLISECONDS);
    }

    /** Asks the broker once for the ends of every partition asked about so far. */
    void refresh() {
        if (endOffsets == null || wanted.isEmpty()) {
            return;
        }
        List<TopicPartition> asking = List.copyOf(wanted);
        long askedAt = clock.getAsLong();
        try {
            endOffsets.ask(asking, isolation).forEach((tp, offset) -> ends.put(tp, new End(offset, askedAt)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the broker away or slow: the reports age, and silent partitions keep holding ticks back
            log.debug("End offsets not available partitions=[{}] error=[{}]", asking.size(), e.toString());
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
        if (endOffsets != null) {
            endOffsets.close();
        }
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return bytesConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return bytesConsumer(config);
    }

    private static Consumer<byte[], byte[]> bytesConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        Consumer<byte[], byte[]> consumer = bytesConsumer(config);
        register(config, consumer);
        return consumer;
    }

    /** Remembers a main consumer created with {@code config} for its stream thread. */
    void register(Map<String, Object> config, Consumer<byte[], byte[]> consumer) {
        Object clientId = config.get(CommonClientConfigs.CLIENT_ID_CONFIG);
        if (clientId != null && clientId.toString().endsWith("-consumer")) {
            String id = clientId.toString();
            byThread.put(id.substring(0, id.length() - "-consumer".length()), consumer);
        }
        Object level = config.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
        if (level != null) {
            isolation = IsolationLevel.valueOf(level.toString().toUpperCase(java.util.Locale.ROOT));
        }
    }

    private Consumer<byte[], byte[]> consumer() {
        Consumer<byte[], byte[]> consumer = mine.get();
        if (consumer == null) {
            consumer = byThread.get(Thread.currentThread().getName());
            if (consumer != null) {
                mine.set(consumer);
            }
        }
        return consumer;
    }

    private TopicPartition partition(String topic, int partition) {
        TopicPartition[] known = partitionsOf.get(topic);
        if (known == null || known.length <= partition) {
            TopicPartition[] grown = new TopicPartition[partition + 1];
            if (known != null) {
                System.arraycopy(known, 0, grown, 0, known.length);
            }
            known = grown;
            partitionsOf.put(topic, known);
        }
        if (known[partition] == null) {
            known[partition] = new TopicPartition(topic, partition);
        }
        return known[partition];
    }

    @Override
    public long lag(String topic, int partition) {
        Consumer<byte[], byte[]> consumer = consumer();
        if (consumer == null) {
            return UNKNOWN;
        }
        try {
            OptionalLong lag = consumer.currentLag(partition(topic, partition));
            return lag.isPresent() ? lag.getAsLong() : UNKNOWN;
        } catch (RuntimeException e) {
            // not assigned (any more), or closed: nothing to tell
            return UNKNOWN;
        }
    }

    @Override
    public long lagSince(String topic, int partition, long sinceWallClockMs) {
        Consumer<byte[], byte[]> consumer = consumer();
        if (consumer == null) {
            return UNKNOWN;
        }
        TopicPartition tp = partition(topic, partition);
        if (!wanted.contains(tp)) {
            wanted.add(tp);
        }
        End end = ends.get(tp);
        if (end == null || end.askedAt() < sinceWallClockMs) {
            return UNKNOWN;
        }
        try {
            return Math.max(0, end.offset() - consumer.position(tp, POSITION_TIMEOUT));
        } catch (RuntimeException e) {
            // not assigned (any more), position unknown, or closed: nothing to tell
            return UNKNOWN;
        }
    }
}
