package dev.tollgate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.devbroker.DevBroker;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.KafkaBus;
import dev.tollgate.topology.TopicNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker-restart drill, on a broker of its own (a child JVM; the shared test broker is never stopped): the
 * broker is stopped for 30 s in the middle of a live rollout of two services and started again in the same
 * directory on the same port. The decisions equal {@code tollgate replay} of the same events; the service (a child
 * JVM, never restarted) reports that it is not processing while the broker is away ({@code /health/streams} 503,
 * {@code /health/ready} state {@code BROKER_UNREACHABLE}, still serving its API) and processing again after.
 *
 * <p>The rollouts' policies have a no-data timeout of 5 minutes: the stall detector is the one wall-clock path of
 * the evaluation (it holds a step whose service sent nothing for {@code noDataTimeoutMs} of wall-clock time), and
 * an outage longer than that timeout makes it hold, a decision a replay of the events does not make.
 */
@ExtendWith(SchemaRegistryExtension.class)
@Timeout(value = 600)
class BrokerRestartDrillIT {
    private static final List<String> SERVICES = List.of("inventory", "pricing");
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private DevBroker broker;

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private DevBroker.Builder brokerBuilder() {
        return DevBroker.builder(tmp.resolve("broker"))
                .jvmOptions(DevBroker.QUICK_START_JVM_OPTIONS)
                .retentionCheckInterval(Duration.ofSeconds(5));
    }

    @Test
    void shouldDecideAsAReplayAndReportNotProcessingWhileTheBrokerIsAway(SchemaRegistry registry) throws Exception {
        // given a broker of its own, two services' rollouts of recent events and their replay
        broker = brokerBuilder().start();
        long start = (System.currentTimeMillis() - Duration.ofMinutes(10).toMillis()) / 1000 * 1000;
        List<EventCodec.Event> events = Drill.rollouts(
                tmp,
                start,
                Duration.ofSeconds(5),
                p -> {
                    p.setNoDataTimeoutMs(300_000L);
                    return p;
                },
                SERVICES.toArray(String[]::new));
        Map<String, List<String>> expected = Drill.replayedByService(events);
        assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
        long span = events.get(events.size() - 1).timestamp() - start;

        String prefix = "brk-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        TopicNames topics = new TopicNames(prefix);
        String bootstrap = broker.bootstrapServers();
        Drill.createTopics(bootstrap, topics);
        int port = DevBroker.freePorts(1)[0];
        Path config = Drill.writeConfig(
                tmp.resolve("tollgate.properties"),
                Drill.settings(bootstrap, registry.url(), prefix, tmp.resolve("state"), port));
        Path log = Files.createDirectories(Path.of("target", "drills")).resolve(prefix + "broker-restart.log");

        List<ConsumerRecord<String, SpecificRecord>> published = new ArrayList<>();
        TreeSet<String> readyWhileAway = new TreeSet<>();
        long away;
        long back;
        long processingAgain;
        try (KafkaBus bus = new KafkaBus(bootstrap, registry.url(), topics, Map.of());
                KafkaConsumer<String, SpecificRecord> decisions =
                        ItSupport.avroConsumer(bootstrap, registry.url(), topics.decisions());
                Drill.Service service = Drill.Service.start(config, log)) {
            Drill.sendPolicies(bus, events);
            ItSupport.await("service RUNNING", WAIT, () -> Drill.status(port, "/health/streams") == 200);
            try (Drill.Player player = new Drill.Player(bus, events, Math.max(1.0, span / 90_000.0))) {
                // the first decision is out: mid-rollout
                ItSupport.pollUntil(decisions, published, WAIT, () -> !published.isEmpty());
                assertThat(published).as("decisions before the outage").isNotEmpty();

                // when the broker is stopped for 30 s (the producers hold their events meanwhile)
                player.pause.set(true);
                Thread.sleep(500);
                broker.close();
                away = System.currentTimeMillis();
                ItSupport.await(
                        "not processing while the broker is away",
                        Duration.ofSeconds(20),
                        () -> Drill.status(port, "/health/streams") == 503);
                long notProcessing = System.currentTimeMillis();
                while (System.currentTimeMillis() - away < OUTAGE.toMillis()) {
                    ItSupport.Http ready = ItSupport.get(port, "/health/ready");
                    readyWhileAway.add(
                            ready.status() + " " + ready.body().replaceAll(".*\"state\":\"(\\w+)\".*", "$1"));
                    assertThat(Drill.status(port, "/health/streams")).isEqualTo(503);
                    Thread.sleep(1_000);
                }
                broker = brokerBuilder()
                        .ports(broker.port(), broker.controllerPort())
                        .start();
                back = System.currentTimeMillis();
                player.pause.set(false);
                ItSupport.await(
                        "processing again after the broker is back",
                        WAIT,
                        () -> Drill.status(port, "/health/streams") == 200);
                processingAgain = System.currentTimeMillis();
                System.out.printf(
                        "broker restart drill: not processing %.1f s after the broker stopped, processing again"
                                + " %.1f s after it was back%n",
                        (notProcessing - away) / 1000.0, (processingAgain - back) / 1000.0);
                player.awaitDone(Duration.ofSeconds(180));
            }
            // then the rest is decided by the same process
            ItSupport.pollUntil(
                    decisions, published, WAIT, () -> Drill.count(Drill.byService(published)) >= Drill.count(expected));
            ItSupport.pollUntil(decisions, published, Duration.ofSeconds(5), () -> false);
            assertThat(service.isAlive()).as("the service was not restarted").isTrue();
        }

        Map<String, List<String>> live = Drill.byService(published);
        String both = "live:\n" + Drill.summary(live) + "replay:\n" + Drill.summary(expected) + "log: "
                + log.toAbsolutePath();
        assertThat(readyWhileAway)
                .as("/health/ready while the broker was away")
                .containsExactly("200 BROKER_UNREACHABLE");
        assertThat(Drill.decided(live)).as(both).isEqualTo(Drill.decided(expected));
        // and record for record: per-source watermarks and evaluation at every tick of a step make live = replay
        assertThat(live).as(both).isEqualTo(expected);
        System.out.printf(
                "%s: %d of %d decision records differ from replay's in other fields%n",
                getClass().getSimpleName(), Drill.differingRecords(live, expected), Drill.count(expected));
    }
}
