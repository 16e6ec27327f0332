package dev.tollgate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.cli.CliErrors;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.Replayer;
import dev.tollgate.tools.SimulateCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
import picocli.CommandLine;

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

    /**
     * Events of a healthy rollout of {@code service}, recorded by the simulator against the in-process topology,
     * the first at {@code startMs}, in replay order (policies first).
     */
    static List<EventCodec.Event> recordedRollout(Path dir, String service, long seed, int rate, long startMs)
            throws IOException {
        Path export = dir.resolve(service + "-" + seed + ".jsonl");
        StringWriter out = new StringWriter();
        CommandLine sim = CliErrors.install(new CommandLine(new SimulateCommand()));
        sim.setOut(new PrintWriter(out, true));
        sim.setErr(new PrintWriter(out, true));
        int code = sim.execute(
                "--scenario",
                "healthy",
                "--service",
                service,
                "--seed",
                Long.toString(seed),
                "--rate",
                Integer.toString(rate),
                "--start-time",
                Long.toString(startMs),
                "--export",
                export.toString(),
                "--view",
                "plain",
                "--check");
        assertThat(code).as(out.toString()).isZero();
        try (BufferedReader in = Files.newBufferedReader(export)) {
            return Replayer.ordered(Replayer.read(in, false).events());
        }
    }

    /** The decisions a replay of the events publishes, as replay's JSON lines. */
    static List<String> replayedDecisions(List<EventCodec.Event> events) throws IOException {
        List<String> expected = new ArrayList<>();
        Replayer.run(events, null, null, r -> {
            if (r instanceof GateDecision d) {
                expected.add(EventCodec.toLine(d));
            }
        });
        return expected;
    }
}
