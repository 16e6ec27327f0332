package dev.tollgate.app.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.schemas.serde.SpecificAvroSerializer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producers, consumers, HTTP calls and polling for the integration tests. */
final class ItSupport {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ItSupport() {}

    /** A producer of contract events (Avro, Confluent wire format, registered in the given registry). */
    static KafkaProducer<String, SpecificRecord> avroProducer(String bootstrap, String registryUrl) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        SpecificAvroSerializer<SpecificRecord> values = new SpecificAvroSerializer<>();
        values.configure(Map.of("schema.registry.url", registryUrl), false);
        return new KafkaProducer<>(c, new StringSerializer(), values);
    }

    /** A producer of raw bytes (for garbage records). */
    static KafkaProducer<String, byte[]> rawProducer(String bootstrap) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
    }

    private static Map<String, Object> consumerConfig(String bootstrap) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + java.util.UUID.randomUUID());
        return c;
    }

    /** A read-committed consumer of contract outputs. */
    static KafkaConsumer<String, SpecificRecord> avroConsumer(String bootstrap, String registryUrl, String topic) {
        SpecificAvroDeserializer<SpecificRecord> values = new SpecificAvroDeserializer<>();
        values.configure(Map.of("schema.registry.url", registryUrl), false);
        KafkaConsumer<String, SpecificRecord> c =
                new KafkaConsumer<>(consumerConfig(bootstrap), new StringDeserializer(), values);
        c.subscribe(List.of(topic));
        return c;
    }

    /** A read-committed consumer of raw records (the dead-letter topic). */
    static KafkaConsumer<byte[], byte[]> rawConsumer(String bootstrap, String topic) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                consumerConfig(bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    static <K, V> void send(KafkaProducer<K, V> producer, String topic, K key, V value, long timestamp) {
        producer.send(new ProducerRecord<>(topic, null, timestamp, key, value));
    }

    /** Polls the consumer into {@code sink} until {@code done} holds or the timeout passes. */
    static <K, V> void pollUntil(
            KafkaConsumer<K, V> consumer, List<ConsumerRecord<K, V>> sink, Duration timeout, Supplier<Boolean> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.get() && System.nanoTime() < deadline) {
            for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(250))) {
                sink.add(r);
            }
        }
    }

    /** Waits until the condition holds; fails with the message after the timeout. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
    }

    /** The result of an HTTP call. */
    record Http(int status, String body) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    static Http get(int port, String path) {
        return call(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET()
                .build());
    }

    static Http post(int port, String path, String body) {
        return call(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static Http call(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Http(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new AssertionError("HTTP call failed: " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * The value of a Prometheus sample in a text exposition, e.g. {@code metric(text, "tollgate_dlq_total",
     * "stage=\"deserialization\"")}; NaN when absent.
     */
    static double metric(String text, String name, String labels) {
        Pattern p = Pattern.compile(
                "^" + Pattern.quote(name) + (labels.isEmpty() ? "" : "\\{" + Pattern.quote(labels) + "\\}")
                        + " ([-+0-9.eENaInf]+)$",
                Pattern.MULTILINE);
        Matcher m = p.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    static <T> List<T> values(List<? extends ConsumerRecord<?, ?>> records, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<?, ?> r : records) {
            if (type.isInstance(r.value())) {
                out.add(type.cast(r.value()));
            }
        }
        return out;
    }
}
