package dev.tollgate.app.it;

import static dev.tollgate.app.it.ItSupport.await;
import static dev.tollgate.app.it.ItSupport.get;
import static dev.tollgate.app.it.ItSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.topology.TopicNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the service share the work (one partition each); either answers for every service, by
 * forwarding interactive queries to the instance that owns the service's partition.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 300)
class MultiInstanceIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final long t0 = (System.currentTimeMillis() / 1000 - 300) * 1000;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private TollgateService instance(KafkaBroker broker, SchemaRegistry registry, String name) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bootstrap.servers", broker.bootstrapServers());
        m.put("application.id", prefix + "app");
        m.put("topic.prefix", prefix);
        m.put("schema.registry.url", registry.url());
        m.put("state.dir", tmp.resolve(name).toString());
        m.put("http.host", "127.0.0.1");
        m.put("http.port", "0");
        m.put("topics.partitions", "2");
        m.put("topics.replication.factor", "1");
        m.put("grace.ms", "0");
        m.put("shutdown.timeout.ms", "15000");
        TollgateService s = new TollgateService(TollgateConfig.fromMap(m, "test", Map.of()));
        toClose.add(s);
        return s;
    }

    /** A service name whose key lands on the given partition of a 2-partition topic. */
    private static String serviceOnPartition(int partition) {
        for (int i = 0; ; i++) {
            String s = "svc-" + i;
            if (Utils.toPositive(Utils.murmur2(s.getBytes(StandardCharsets.UTF_8))) % 2 == partition) {
                return s;
            }
        }
    }

    @Test
    void shouldAnswerForEveryServiceFromEitherInstance(KafkaBroker broker, SchemaRegistry registry) throws Exception {
        // given: two instances, one partition each
        TollgateService a = instance(broker, registry, "a");
        a.start(true);
        TollgateService b = instance(broker, registry, "b");
        b.start(false);
        int pa = a.httpPort();
        int pb = b.httpPort();
        await(
                "both instances RUNNING",
                WAIT,
                () -> get(pa, "/health/streams").status() == 200
                        && get(pb, "/health/streams").status() == 200
                        && a.streams().metadataForLocalThreads().stream()
                                .anyMatch(t -> !t.activeTasks().isEmpty())
                        && b.streams().metadataForLocalThreads().stream()
                                .anyMatch(t -> !t.activeTasks().isEmpty()));
        String s0 = serviceOnPartition(0);
        String s1 = serviceOnPartition(1);
        TopicNames t = new TopicNames(prefix);

        // when: a rollout with some traffic for a service on each partition
        try (KafkaProducer<String, SpecificRecord> producer =
                ItSupport.avroProducer(broker.bootstrapServers(), registry.url())) {
            for (String svc : List.of(s0, s1)) {
                send(
                        producer,
                        t.rollouts(),
                        svc,
                        RolloutEvent.newBuilder()
                                .setService(svc)
                                .setReleaseId("r1")
                                .setTimestamp(t0)
                                .setBaselineRevision("b")
                                .setCanaryRevision("c")
                                .setPhase(RolloutPhase.STARTED)
                                .setStepIndex(0)
                                .setTrafficPercent(1.0)
                                .build(),
                        t0);
            }
            producer.flush();
            Thread.sleep(2_000);
            for (int i = 0; i < 100; i++) {
                long ts = t0 + 100 + i * 50L;
                for (String svc : List.of(s0, s1)) {
                    send(
                            producer,
                            t.requests(),
                            svc,
                            RequestLog.newBuilder()
                                    .setService(svc)
                                    .setReleaseId("r1")
                                    .setRevision(i % 2 == 0 ? "c" : "b")
                                    .setTimestamp(ts)
                                    .setStatus(200)
                                    .setLatencyMs(40)
                                    .build(),
                            ts);
                }
            }
            producer.flush();
        }

        // then: each instance answers for both services
        for (int port : List.of(pa, pb)) {
            for (String svc : List.of(s0, s1)) {
                await(
                        svc + " on instance :" + port,
                        WAIT,
                        () -> get(port, "/api/rollouts/" + svc).status() == 200);
                assertThat(get(port, "/api/rollouts/" + svc)
                                .json()
                                .get("service")
                                .asText())
                        .isEqualTo(svc);
                assertThat(get(port, "/api/argo/" + svc).json().get("status").asText())
                        .isIn("PENDING", "PASS");
            }
            assertThat(get(port, "/api/rollouts").json().findValuesAsText("service"))
                    .contains(s0, s1);
            assertThat(get(port, "/api/rollouts/no-such-service").status()).isEqualTo(404);
        }
    }
}
