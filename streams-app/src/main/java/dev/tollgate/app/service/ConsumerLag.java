package dev.tollgate.app.service;

import dev.tollgate.topology.SourceLag;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Kafka Streams' client supplier that remembers each stream thread's main consumer, so the evaluator can ask how far
 * behind an input partition is ({@link SourceLag}, from {@code KafkaConsumer#currentLag}, as of the last fetch). The
 * question is asked on the stream thread that owns the consumer: the main consumer's client id is the thread's name
 * plus {@code -consumer}. Any other thread gets {@link SourceLag#UNKNOWN}.
 */
final class ConsumerLag implements KafkaClientSupplier, SourceLag {
    private final Map<String, Consumer<byte[], byte[]>> byThread = new ConcurrentHashMap<>();
    private final ThreadLocal<Consumer<byte[], byte[]>> mine = new ThreadLocal<>();

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
        Object clientId = config.get(CommonClientConfigs.CLIENT_ID_CONFIG);
        if (clientId != null && clientId.toString().endsWith("-consumer")) {
            String id = clientId.toString();
            byThread.put(id.substring(0, id.length() - "-consumer".length()), consumer);
        }
        return consumer;
    }

    @Override
    public long lag(String topic, int partition) {
        Consumer<byte[], byte[]> consumer = mine.get();
        if (consumer == null) {
            consumer = byThread.get(Thread.currentThread().getName());
            if (consumer == null) {
                return UNKNOWN;
            }
            mine.set(consumer);
        }
        try {
            OptionalLong lag = consumer.currentLag(new TopicPartition(topic, partition));
            return lag.isPresent() ? lag.getAsLong() : UNKNOWN;
        } catch (RuntimeException e) {
            // not assigned (any more), or closed: nothing to tell
            return UNKNOWN;
        }
    }
}
