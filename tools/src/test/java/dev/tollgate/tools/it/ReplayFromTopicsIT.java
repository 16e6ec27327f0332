package dev.tollgate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.cli.CliErrors;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.serde.SpecificAvroSerializer;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.ReplayCommand;
import dev.tollgate.topology.TopicNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tollgate replay --bootstrap-servers … --from … --to …}: a recorded rollout produced to the input topics
 * of a real broker (in a committed transaction, next to an aborted one and to events after the range) replays from
 * the topics exactly as the file of the same events replays.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 300)
class ReplayFromTopicsIT {
    private static final String SERVICE = "shop";

    @TempDir
    Path tmp;

    private final String prefix = "replay-" + UUID.randomUUID().toString().substring(0, 8) + ".";

    @Test
    void shouldReplayATimeRangeOfTheTopicsAsTheFileOfTheSameEvents(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given a healthy rollout recorded 10 minutes ago, its events in a file
        long start = System.currentTimeMillis() - 600_000;
        List<EventCodec.Event> events = ItSupport.recordedRollout(tmp, SERVICE, 7, 200, start);
        long last = events.stream().mapToLong(EventCodec.Event::timestamp).max().orElseThrow();
        Path file = tmp.resolve("rollout.jsonl");
        Files.write(file, events.stream().map(EventCodec::toLine).toList());
        // and the same events on the input topics, committed; the policy stamped before the range
        TopicNames topics = new TopicNames(prefix);
        broker.createTopics(2, topics.evidenceInputs().toArray(String[]::new));
        broker.createTopics(1, topics.policies());
        try (KafkaProducer<String, SpecificRecord> producer = producer(broker, registry)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (EventCodec.Event e : events) {
                long ts = e.timestamp() == Long.MIN_VALUE ? start - 60_000 : e.timestamp();
                producer.send(
                        new ProducerRecord<>(EventCodec.topicOf(e.type(), topics), null, ts, e.key(), e.record()));
            }
            producer.commitTransaction();
            // an aborted transaction inside the range (read_committed skips it) ...
            producer.beginTransaction();
            RequestLog aborted = (RequestLog) events.stream()
                    .filter(e -> e.record() instanceof RequestLog)
                    .findFirst()
                    .orElseThrow()
                    .record();
            for (int i = 0; i < 50; i++) {
                RequestLog r = RequestLog.newBuilder(aborted)
                        .setStatus(503)
                        .setRequestId("aborted-" + i)
                        .build();
                producer.send(new ProducerRecord<>(topics.requests(), null, r.getTimestamp(), SERVICE, r));
            }
            producer.flush();
            producer.abortTransaction();
            // ... and a rollout after it (--to excludes it)
            producer.beginTransaction();
            RolloutEvent later = RolloutEvent.newBuilder((RolloutEvent) events.stream()
                            .filter(e -> e.record() instanceof RolloutEvent)
                            .findFirst()
                            .orElseThrow()
                            .record())
                    .setReleaseId("after-the-range")
                    .setTimestamp(last + 60_000)
                    .build();
            producer.send(new ProducerRecord<>(topics.rollouts(), null, later.getTimestamp(), SERVICE, later));
            producer.commitTransaction();
        }

        // when the range is replayed from the topics, and the file is replayed
        String from = Instant.ofEpochMilli(start - 1).toString();
        String to = Instant.ofEpochMilli(last + 1).toString();
        StringWriter err = new StringWriter();
        String fromTopics = replay(
                err,
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--registry-url",
                registry.url(),
                "--topic-prefix",
                prefix,
                "--from",
                from,
                "--to",
                to,
                "--timeline");
        String fromFile = replay(err, "--events", file.toString(), "--timeline");

        // then both print the same results, decisions and timeline, and the rollout completed
        assertThat(fromFile).contains("\"GateDecision\"").contains("COMPLETE");
        assertThat(fromTopics.lines().toList())
                .as(err.toString())
                .containsExactlyElementsOf(fromFile.lines().toList());
    }

    private static KafkaProducer<String, SpecificRecord> producer(KafkaBroker broker, SchemaRegistry registry) {
        Map<String, Object> p = new HashMap<>(broker.clientConfig());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "replay-it-" + UUID.randomUUID());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        SpecificAvroSerializer<SpecificRecord> values = new SpecificAvroSerializer<>();
        values.configure(Map.of("schema.registry.url", registry.url()), false);
        return new KafkaProducer<>(p, new StringSerializer(), values);
    }

    private static String replay(StringWriter err, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = CliErrors.install(new CommandLine(new ReplayCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }
}
