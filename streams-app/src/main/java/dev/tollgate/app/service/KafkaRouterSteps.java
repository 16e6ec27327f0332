package dev.tollgate.app.service;

import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.http.RolloutStatusSource.StatusUnavailableException;
import dev.tollgate.app.http.RouterSteps;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RouterSteps} read from the rollouts topic with a plain consumer (no group, read_committed): every call
 * first reads each partition up to its end offset as of the call, so a RolloutEvent the router published before
 * the call is seen, whichever instance answers and however recently it started. The topic holds a few events per
 * release and service, so keeping the latest per service is small.
 */
public final class KafkaRouterSteps implements RouterSteps, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaRouterSteps.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final SpecificAvroDeserializer<SpecificRecord> deserializer = new SpecificAvroDeserializer<>();
    private final String topic;
    private final Duration timeout;
    private final Map<String, RolloutEvent> latest = new HashMap<>();
    private List<TopicPartition> partitions;
    private long undecodable;

    /**
     * @param config  the service's configuration (bootstrap, security settings, registry, topic names)
     * @param timeout how long one call may take to reach the end of the topic before it answers "unavailable"
     */
    public KafkaRouterSteps(TollgateConfig config, Duration timeout) {
        Map<String, Object> c = new HashMap<>(config.plainClientConfig());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-router-steps");
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.deserializer.configure(config.serdeConfig(), false);
        this.topic = config.topicNames().rollouts();
        this.timeout = timeout;
    }

    @Override
    public synchronized Optional<RolloutEvent> latest(String service) {
        try {
            if (partitions == null) {
                List<TopicPartition> ps = consumer.partitionsFor(topic, timeout).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
                consumer.assign(ps);
                consumer.seekToBeginning(ps);
                partitions = ps;
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!caughtUp(end)) {
                if (System.nanoTime() > deadline) {
                    throw new StatusUnavailableException(
                            "the router's rollout events on " + topic + " are not read up to the end yet; retry", null);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
            }
            return Optional.ofNullable(latest.get(service));
        } catch (KafkaException e) {
            throw new StatusUnavailableException("cannot read the router's rollout events on " + topic, e);
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null || r.value() == null) {
            return;
        }
        try {
            if (deserializer.deserialize(r.topic(), r.value()) instanceof RolloutEvent e) {
                latest.put(r.key(), e);
            }
        } catch (RuntimeException e) {
            // the topology dead-letters it; it says nothing about the router's step
            undecodable++;
            log.debug("Rollout event not decodable offset=[{}] skipped=[{}]", r.offset(), undecodable, e);
        }
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(5));
        deserializer.close();
    }
}
