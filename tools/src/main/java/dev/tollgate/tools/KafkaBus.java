package dev.tollgate.tools;

import dev.tollgate.schemas.serde.SpecificAvroSerializer;
import dev.tollgate.topology.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The simulator's connection to a real cluster: a producer of contract events (Avro, Confluent wire format,
 * schemas registered in the given registry) and a read-committed reader of Tollgate's gate results and decisions
 * that starts at the end of those topics (it only sees what is published after it was created).
 */
public final class KafkaBus implements EventBus {
    private final TopicNames topics;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final OutputDecoder decoder;
    private final ConcurrentLinkedQueue<SpecificRecord> received = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Thread reader;
    private Future<RecordMetadata> lastSend;

    /**
     * @param bootstrap   bootstrap servers
     * @param registryUrl schema registry URL (mock://SCOPE shares the registry of this JVM)
     * @param topics      topic names
     * @param extra       further client settings (security, ...), may be empty
     */
    public KafkaBus(String bootstrap, String registryUrl, TopicNames topics, Map<String, Object> extra) {
        this.topics = topics;
        Map<String, Object> p = new HashMap<>(extra);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "tollgate-simulator");
        SpecificAvroSerializer<SpecificRecord> values = new SpecificAvroSerializer<>();
        values.configure(Map.of("schema.registry.url", registryUrl), false);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), values);

        Map<String, Object> c = new HashMap<>(extra);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "tollgate-simulator-reader");
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.decoder = new OutputDecoder(registryUrl, topics);
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(topics.gateResults(), topics.decisions())) {
            List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                close();
                throw new IllegalStateException("topic " + t + " does not exist: is Tollgate running on " + bootstrap
                        + " (it creates its topics with 'tollgate run --create-topics')?");
            }
            infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // resolve the end offsets now, before anything is produced
        this.reader = new Thread(this::readLoop, "tollgate-simulator-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    SpecificRecord v = decoder.decode(r.topic(), r.value());
                    if (v != null) {
                        received.add(v);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure.set(e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    @Override
    public void send(EventCodec.Event e) {
        String topic = EventCodec.topicOf(e.type(), topics);
        Long ts = e.timestamp() == Long.MIN_VALUE ? null : e.timestamp();
        lastSend = producer.send(new ProducerRecord<>(topic, null, ts, e.key(), e.record()));
    }

    @Override
    public void flush() {
        producer.flush();
        Future<RecordMetadata> f = lastSend;
        if (f != null) {
            try {
                f.get();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending", ex);
            } catch (ExecutionException ex) {
                throw new IllegalStateException(
                        "sending to the cluster failed: " + ex.getCause().getMessage(), ex.getCause());
            }
        }
    }

    @Override
    public List<SpecificRecord> drain() {
        RuntimeException f = failure.get();
        if (f != null) {
            throw new IllegalStateException("reading Tollgate's outputs failed: " + f.getMessage(), f);
        }
        List<SpecificRecord> out = new ArrayList<>();
        SpecificRecord r;
        while ((r = received.poll()) != null) {
            out.add(r);
        }
        return out;
    }

    @Override
    public void close() {
        running.set(false);
        if (reader != null) {
            consumer.wakeup();
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
        producer.close(Duration.ofSeconds(10));
        decoder.close();
    }
}
