package dev.tollgate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.devbroker.DevBroker;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
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
import java.util.Random;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 drill: a live rollout of three services with all six evidence types, played at its event-time pace
 * while {@code tollgate run} (a child JVM, static membership, the same state directory) is killed with SIGKILL ten
 * times at random moments (half of them during start-up or restoration, half while it processes) and started
 * again at once each time. The decisions on {@code …decisions} (read_committed) must equal {@code tollgate replay}
 * of the same events: none missing, none doubled, the same decision ids; and no instance counted a late event.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 600)
class KillNineDrillIT {
    private static final List<String> SERVICES = List.of("cart", "search", "billing");
    private static final int KILLS = 10;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    @Test
    void shouldPublishTheReplayDecisionsThroughTenKillNines(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given three services' rollouts of recent events (the last one well before now), and their replay
        long start = (System.currentTimeMillis() - Duration.ofMinutes(15).toMillis()) / 1000 * 1000;
        List<EventCodec.Event> events =
                Drill.rollouts(tmp, start, Duration.ofSeconds(8), p -> p, SERVICES.toArray(String[]::new));
        Map<String, List<String>> expected = Drill.replayedByService(events);
        assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
        long span = events.get(events.size() - 1).timestamp() - start;

        String prefix = "kill9-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        TopicNames topics = new TopicNames(prefix);
        Drill.createTopics(broker.bootstrapServers(), topics);
        int port = DevBroker.freePorts(1)[0];
        Map<String, String> settings =
                Drill.settings(broker.bootstrapServers(), registry.url(), prefix, tmp.resolve("state"), port);
        settings.put("group.instance.id", "tollgate-0");
        Path config = Drill.writeConfig(tmp.resolve("tollgate.properties"), settings);
        Path log = Files.createDirectories(Path.of("target", "drills")).resolve(prefix + "kill9.log");

        List<ConsumerRecord<String, SpecificRecord>> published = new ArrayList<>();
        Random random = new Random();
        double late = 0;
        List<String> kills = new ArrayList<>();
        try (KafkaBus bus = new KafkaBus(broker.bootstrapServers(), registry.url(), topics, Map.of());
                KafkaConsumer<String, SpecificRecord> decisions =
                        ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), topics.decisions())) {
            Drill.sendPolicies(bus, events);
            Drill.Service service = Drill.Service.start(config, log);
            try {
                ItSupport.await("first instance RUNNING", WAIT, () -> Drill.status(port, "/health/streams") == 200);
                // when the rollouts play over about 90 s while the service is killed ten times
                double speed = Math.max(0.3, span / 90_000.0);
                try (Drill.Player player = new Drill.Player(bus, events, speed)) {
                    for (int k = 1; k <= KILLS; k++) {
                        long started = System.currentTimeMillis();
                        String running = "";
                        if (k % 2 == 0) {
                            // while it processes
                            ItSupport.await(
                                    "instance " + k + " RUNNING",
                                    WAIT,
                                    () -> Drill.status(port, "/health/streams") == 200);
                            running = String.format(
                                    " (RUNNING %.1f s after the restart)",
                                    (System.currentTimeMillis() - started) / 1000.0);
                            Thread.sleep(random.nextInt(6_000));
                        } else {
                            // at any moment of start-up, group join, restoration or processing
                            Thread.sleep(1_000 + random.nextInt(9_000));
                        }
                        late += Drill.sum(Drill.metrics(port), "tollgate_events_late_total");
                        service.kill();
                        kills.add(String.format(
                                "kill %d at %s, %.1f s after the restart%s, %.0f %% played",
                                k,
                                java.time.LocalTime.now(),
                                (System.currentTimeMillis() - started) / 1000.0,
                                running,
                                100 * player.progress()));
                        Files.writeString(
                                log,
                                "==== " + kills.get(kills.size() - 1) + "\n",
                                java.nio.file.StandardOpenOption.APPEND);
                        service = Drill.Service.start(config, log);
                        ItSupport.pollUntil(decisions, published, Duration.ofMillis(200), () -> false);
                    }
                    player.awaitDone(Duration.ofSeconds(240));
                }
                // then the last instance decides the rest
                ItSupport.pollUntil(
                        decisions,
                        published,
                        WAIT,
                        () -> Drill.count(Drill.byService(published)) >= Drill.count(expected));
                // a little longer: a decision too many would show here
                ItSupport.pollUntil(decisions, published, Duration.ofSeconds(5), () -> false);
                late += Drill.sum(Drill.metrics(port), "tollgate_events_late_total");
            } finally {
                service.close();
            }
        }

        Map<String, List<String>> live = Drill.byService(published);
        String both = String.join("\n", kills) + "\nlive:\n" + Drill.summary(live) + "replay:\n"
                + Drill.summary(expected) + "log: " + log.toAbsolutePath();
        System.out.println("kill -9 drill:\n" + both);
        assertThat(kills).hasSize(KILLS);
        assertThat(Drill.decided(live)).as(both).isEqualTo(Drill.decided(expected));
        // and record for record: per-source watermarks and evaluation at every tick of a step make live = replay
        assertThat(live).as(both).isEqualTo(expected);
        System.out.printf(
                "%s: %d of %d decision records differ from replay's in other fields%n",
                getClass().getSimpleName(), Drill.differingRecords(live, expected), Drill.count(expected));
        assertThat(late).as("late events counted by the instances").isZero();
    }
}
