package dev.tollgate.app.it;

import static dev.tollgate.app.it.ItSupport.await;
import static dev.tollgate.app.it.ItSupport.get;
import static dev.tollgate.app.it.ItSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.http.ApiServer;
import dev.tollgate.app.http.HttpApi;
import dev.tollgate.app.http.KafkaStreamsStatusSource;
import dev.tollgate.app.http.RemoteStatusClient;
import dev.tollgate.app.http.RolloutStatusSource;
import dev.tollgate.app.metrics.TollgateMetrics;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.topology.Names;
import dev.tollgate.topology.TollgateTopology;
import dev.tollgate.topology.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The takeover race behind the failover drill's one 404, brought on command. When an instance takes over a partition,
 * Kafka Streams first publishes the new assignment to its query metadata (this instance is now the key's active
 * host), then moves the tasks (the standby copy is taken out of the state updater and recycled into an active task
 * that still has to be initialized and restored), and only then leaves {@code RUNNING}. A query in between reads the
 * local stores of the partitions that are already running, which do not hold the service. Here the survivor's stream
 * thread is held in exactly that gap (its rebalance listener sleeps before Kafka Streams' own runs) while the API is
 * asked for the service: it must answer 503 ("retry") or its standby copy marked stale, never 404, and 200 from
 * its own running task once the takeover is done.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 240)
class TakeoverQueryIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long HOLD_MS = 3_000;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final String prefix = "takeover-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final long t0 = (System.currentTimeMillis() / 1000 - 300) * 1000;

    /** One answer of the survivor's API: its status and whether the takeover was being held when it was asked. */
    record Answer(int status, boolean duringHold, String body) {
        boolean stale() {
            return body.contains("\"stale\":true");
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private TollgateConfig config(KafkaBroker broker, SchemaRegistry registry, String name) {
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
        m.put("num.standby.replicas", "1");
        m.put("grace.ms", "0");
        m.put("shutdown.timeout.ms", "15000");
        return TollgateConfig.fromMap(m, "test", Map.of());
    }

    @Test
    void shouldAnswer503NotUnknownWhileTheSurvivorTakesOverThePartition(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given instance A, the service as it runs
        TollgateService a = new TollgateService(config(broker, registry, "a"));
        toClose.add(a);
        a.start(true);
        // and instance B: the same Kafka Streams settings, topology and API, whose main consumer can hold the stream
        // thread between "this instance owns the partition now" and Kafka Streams' reaction to it
        TollgateConfig cb = config(broker, registry, "b");
        TollgateMetrics metrics = new TollgateMetrics(new SimpleMeterRegistry());
        HoldingClientSupplier supplier = new HoldingClientSupplier();
        AtomicReference<KafkaStreams> bStreams = new AtomicReference<>();
        AtomicReference<RolloutStatusSource> source = new AtomicReference<>();
        KafkaStreamsStatusSource local = new KafkaStreamsStatusSource(bStreams::get);
        HttpApi api = new HttpApi(
                new RolloutStatusSource() {
                    @Override
                    public Optional<RolloutStatus> find(String service) {
                        return source.get().find(service);
                    }

                    @Override
                    public List<RolloutStatus> all() {
                        return source.get().all();
                    }
                },
                local,
                () -> bStreams.get() == null ? null : bStreams.get().state().name(),
                () -> "");
        ApiServer server = ApiServer.start(api, "127.0.0.1", 0, 2);
        toClose.add(server);
        HostInfo bSelf = new HostInfo("127.0.0.1", server.port());
        source.set(new KafkaStreamsStatusSource(bStreams::get, bSelf, new RemoteStatusClient(Duration.ofSeconds(2))));
        KafkaStreams b = new KafkaStreams(
                TollgateTopology.build(cb.topologySettings(metrics)),
                TollgateService.streamsProperties(cb, metrics, bSelf),
                supplier);
        bStreams.set(b);
        toClose.add(() -> b.close(Duration.ofSeconds(15)));
        b.start();
        await(
                "both instances RUNNING with an active task each",
                WAIT,
                () -> a.streams().state() == KafkaStreams.State.RUNNING
                        && b.state() == KafkaStreams.State.RUNNING
                        && a.streams().metadataForLocalThreads().stream()
                                .anyMatch(t -> !t.activeTasks().isEmpty())
                        && b.metadataForLocalThreads().stream()
                                .anyMatch(t -> !t.activeTasks().isEmpty()));

        // and a rollout of a service whose partition A owns, which B answers for by asking A
        String service = serviceOwnedBy(b, bSelf);
        TopicNames t = new TopicNames(prefix);
        try (KafkaProducer<String, SpecificRecord> producer =
                ItSupport.avroProducer(broker.bootstrapServers(), registry.url())) {
            send(
                    producer,
                    t.rollouts(),
                    service,
                    RolloutEvent.newBuilder()
                            .setService(service)
                            .setReleaseId("r1")
                            .setTimestamp(t0)
                            .setBaselineRevision("b")
                            .setCanaryRevision("c")
                            .setPhase(RolloutPhase.STARTED)
                            .setStepIndex(0)
                            .setTrafficPercent(1.0)
                            .build(),
                    t0);
            for (int i = 0; i < 50; i++) {
                long ts = t0 + 100 + i * 50L;
                send(
                        producer,
                        t.requests(),
                        service,
                        RequestLog.newBuilder()
                                .setService(service)
                                .setReleaseId("r1")
                                .setRevision(i % 2 == 0 ? "c" : "b")
                                .setTimestamp(ts)
                                .setStatus(200)
                                .setLatencyMs(40)
                                .build(),
                        ts);
            }
            producer.flush();
        }
        int port = server.port();
        await(
                "B answers for " + service + " (from A)",
                WAIT,
                () -> get(port, "/api/rollouts/" + service).status() == 200);

        // when A leaves and B takes its partition over, with B's stream thread held in the takeover gap
        supplier.arm();
        Thread closer = new Thread(a::close, "close-a");
        closer.start();
        List<Answer> answers = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        boolean taken = false;
        while (System.nanoTime() < deadline && !taken) {
            boolean holding = supplier.holding();
            ItSupport.Http r = get(port, "/api/rollouts/" + service);
            answers.add(new Answer(r.status(), holding && supplier.holding(), r.body()));
            taken = r.status() == 200
                    && supplier.released()
                    && !answers.get(answers.size() - 1).stale();
            Thread.sleep(50);
        }
        closer.join(30_000);

        // then B held the takeover and was asked during it
        assertThat(supplier.released()).as("B's takeover was held and released").isTrue();
        List<Answer> during = answers.stream().filter(Answer::duringHold).toList();
        System.out.printf(
                "%s: %d answers, %d while the takeover was held: %s%n",
                getClass().getSimpleName(),
                answers.size(),
                during.size(),
                during.stream().map(Answer::status).toList());
        during.stream().map(Answer::body).distinct().forEach(body -> System.out.println("  held: " + body));
        assertThat(during).as("answers while the takeover was held").isNotEmpty();
        // and answered 503 (retry) or its standby copy marked stale while it could not know, never "unknown
        // service"; then 200 from its own running task
        assertThat(during)
                .as("answers while the takeover was held")
                .allMatch(x -> x.status() == 503 || x.status() == 200 && x.stale());
        assertThat(answers).as("every answer").allMatch(x -> x.status() == 200 || x.status() == 503);
        Answer last = answers.get(answers.size() - 1);
        assertThat(last.status()).as("after the takeover").isEqualTo(200);
        assertThat(last.stale()).as("after the takeover").isFalse();
        assertThat(b.queryMetadataForKey(Names.STORE_ROLLOUT_STATUS, service, new StringSerializer())
                        .activeHost())
                .as("B owns the service's partition")
                .isEqualTo(bSelf);
    }

    /** A service whose partition instance A (not {@code b}) is the active host of. */
    private static String serviceOwnedBy(KafkaStreams b, HostInfo bSelf) {
        for (int i = 0; ; i++) {
            String s = "svc-" + i;
            HostInfo owner = b.queryMetadataForKey(Names.STORE_ROLLOUT_STATUS, s, new StringSerializer())
                    .activeHost();
            if (owner != null && !owner.equals(bSelf)) {
                return s;
            }
        }
    }

    /**
     * Kafka Streams' clients, whose main consumer, once armed, holds the stream thread for {@link #HOLD_MS} when a
     * rebalance assigns it more partitions: after Kafka Streams' assignor has published the new assignment (query
     * metadata) and handed the tasks over, before Kafka Streams' rebalance listener moves the thread out of
     * {@code RUNNING}. That is the gap a real takeover passes through, only longer.
     */
    static final class HoldingClientSupplier implements KafkaClientSupplier {
        private final AtomicBoolean armed = new AtomicBoolean();
        private final AtomicBoolean holding = new AtomicBoolean();
        private final CountDownLatch released = new CountDownLatch(1);

        void arm() {
            armed.set(true);
        }

        boolean holding() {
            return holding.get();
        }

        boolean released() {
            return released.getCount() == 0;
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
        public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
            return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()) {
                @Override
                public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
                    super.subscribe(topics, holding(listener));
                }
            };
        }

        private ConsumerRebalanceListener holding(ConsumerRebalanceListener streams) {
            return new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty() && armed.compareAndSet(true, false)) {
                        holding.set(true);
                        try {
                            TimeUnit.MILLISECONDS.sleep(HOLD_MS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            holding.set(false);
                            released.countDown();
                        }
                    }
                    streams.onPartitionsAssigned(partitions);
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    streams.onPartitionsRevoked(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    streams.onPartitionsLost(partitions);
                }
            };
        }

        @Override
        public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
            return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
            return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
    }
}
