package dev.tollgate.tools.it;

import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
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
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Consumers, HTTP calls and polling for {@link RestartIT} (the subset of streams-app's {@code ItSupport} it uses;
 * the two modules do not share test code).
 */
final class ItSupport {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ItSupport() {}

    /** A read-committed consumer of contract outputs. */
    static KafkaConsumer<String, SpecificRecord> avroConsumer(String bootstrap, String registryUrl, String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        SpecificAvroDeserializer<SpecificRecord> values = new SpecificAvroDeserializer<>();
        values.configure(Map.of("schema.registry.url", registryUrl), false);
        KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(c, new StringDeserializer(), values);
        consumer.subscribe(List.of(topic));
        return consumer;
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
    record Http(int status, String body) {}

    static Http get(int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET()
                .build();
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
