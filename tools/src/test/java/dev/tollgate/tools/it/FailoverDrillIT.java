package dev.tollgate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.devbroker.DevBroker;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.KafkaBus;
import dev.tollgate.topology.TopicNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failover drill: two instances ({@code num.standby.replicas=1}, static membership, {@code session.timeout.ms}
 * 15 s) evaluate a live rollout; the one owning it is killed with SIGKILL. The other takes over within
 * {@code session.timeout.ms} + 10 s (its first gate result for the service after the kill), decides the rest of the
 * rollout exactly as {@code tollgate replay} of the events, and its HTTP API answers for the service throughout:
 * 200, and only between the kill and the takeover, while the group still counts the dead owner or the survivor's
 * task restores, its standby copy marked stale or 503 ("retry"); never 404.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 600)
class FailoverDrillIT {
    private static final String SERVICE = "orders";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long SESSION_TIMEOUT_MS = 15_000;

    @TempDir
    Path tmp;

    /**
     * One answer of the survivor's API for the service: when it was asked and when it answered (wall clock), its HTTP
     * status (-1: no answer) and whether it was its standby copy (marked stale).
     */
    record Answer(long at, long answeredAt, int status, boolean stale) {
        static Answer ask(int port) {
            long at = System.currentTimeMillis();
            try {
                ItSupport.Http r = ItSupport.get(port, "/api/rollouts/" + SERVICE);
                return new Answer(
                        at, System.currentTimeMillis(), r.status(), r.body().contains("\"stale\":true"));
            } catch (AssertionError e) {
                return new Answer(at, System.currentTimeMillis(), -1, false);
            }
        }
    }

    @Test
    void shouldTakeOverTheRolloutOfAKilledInstanceAndDecideAsAReplay(KafkaBroker broker, SchemaRegistry registry)
            throws Exception {
        // given a rollout of recent events and its replay
        long start = (System.currentTimeMillis() - Duration.ofMinutes(10).toMillis()) / 1000 * 1000;
        List<EventCodec.Event> events = Drill.rollouts(tmp, start, Duration.ZERO, p -> p, SERVICE);
        Map<String, List<String>> expected = Drill.replayedByService(events);
        long span = events.get(events.size() - 1).timestamp() - start;

        // and two instances of the service
        String prefix = "failover-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        TopicNames topics = new TopicNames(prefix);
        Drill.createTopics(broker.bootstrapServers(), topics);
        int[] ports = DevBroker.freePorts(2);
        Map<String, Drill.Service> instances = new TreeMap<>();
        Path log = Files.createDirectories(Path.of("target", "drills")).resolve(prefix + "failover.log");
        List<ConsumerRecord<String, SpecificRecord>> published = new ArrayList<>();
        List<Answer> answers = new CopyOnWriteArrayList<>();
        AtomicBoolean asking = new AtomicBoolean(true);
        long kill;
        long takeover;
        String owner;
        try (KafkaBus bus = new KafkaBus(broker.bootstrapServers(), registry.url(), topics, Map.of());
                KafkaConsumer<String, SpecificRecord> decisions =
                        ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), topics.decisions());
                KafkaConsumer<String, SpecificRecord> results =
                        ItSupport.avroConsumer(broker.bootstrapServers(), registry.url(), topics.gateResults());
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Drill.sendPolicies(bus, events);
            for (int i = 0; i < 2; i++) {
                String id = i == 0 ? "a" : "b";
                Map<String, String> s = Drill.settings(
                        broker.bootstrapServers(), registry.url(), prefix, tmp.resolve("state-" + id), ports[i]);
                s.put("num.standby.replicas", "1");
                s.put("group.instance.id", id);
                s.put("kafka.session.timeout.ms", Long.toString(SESSION_TIMEOUT_MS));
                instances.put(id, Drill.Service.start(Drill.writeConfig(tmp.resolve(id + ".properties"), s), log));
            }
            for (int p : ports) {
                ItSupport.await("instance on " + p + " RUNNING", WAIT, () -> Drill.status(p, "/health/streams") == 200);
            }
            try (Drill.Player player = new Drill.Player(bus, events, Math.max(1.0, span / 100_000.0))) {
                // when the rollout is under way: its first decision is out
                ItSupport.pollUntil(decisions, published, WAIT, () -> !published.isEmpty());
                assertThat(published).as("a decision before the kill").isNotEmpty();
                owner = owner(admin, prefix + "app", topics.requests());
                String survivor = owner.equals("a") ? "b" : "a";
                int survivorPort = ports[survivor.equals("a") ? 0 : 1];
                Thread asker = new Thread(
                        () -> {
                            while (asking.get()) {
                                answers.add(Answer.ask(survivorPort));
                                try {
                                    Thread.sleep(250);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "drill-asker");
                asker.setDaemon(true);
                asker.start();
                Thread.sleep(2_000);

                // and its owner is killed
                kill = System.currentTimeMillis();
                instances.get(owner).kill();
                Files.writeString(
                        log,
                        "==== kill -9 of instance " + owner + "\n",
                        StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.APPEND);

                // then the survivor takes over: its first gate result for the service after the kill
                List<ConsumerRecord<String, SpecificRecord>> seen = new ArrayList<>();
                ItSupport.pollUntil(
                        results, seen, WAIT, () -> resultAfter(seen, kill).isPresent());
                takeover = resultAfter(seen, kill).orElseThrow(() -> new AssertionError("no takeover"));
                player.awaitDone(Duration.ofSeconds(180));
            }
            ItSupport.pollUntil(
                    decisions, published, WAIT, () -> Drill.count(Drill.byService(published)) >= Drill.count(expected));
            ItSupport.pollUntil(decisions, published, Duration.ofSeconds(5), () -> false);
            asking.set(false);
        } finally {
            for (Drill.Service s : instances.values()) {
                s.close();
            }
        }

        double takeoverSeconds = (takeover - kill) / 1000.0;
        Map<String, List<String>> live = Drill.byService(published);
        String both = "owner " + owner + " killed; takeover after " + takeoverSeconds + " s\nlive:\n"
                + Drill.summary(live) + "replay:\n" + Drill.summary(expected) + "log: " + log.toAbsolutePath();
        System.out.println("failover drill: " + both);
        assertThat(takeover - kill).as(both).isLessThanOrEqualTo(SESSION_TIMEOUT_MS + 10_000);
        assertThat(Drill.decided(live)).as(both).isEqualTo(Drill.decided(expected));
        // and record for record: per-source watermarks and evaluation at every tick of a step make live = replay
        assertThat(live).as(both).isEqualTo(expected);
        System.out.printf(
                "%s: %d of %d decision records differ from replay's in other fields%n",
                getClass().getSimpleName(), Drill.differingRecords(live, expected), Drill.count(expected));
        System.out.printf(
                "failover drill: %d answers, %d of them 503, %d of them 200 from the standby copy (stale), %d of them"
                        + " 404%n",
                answers.size(),
                answers.stream().filter(a -> a.status() == 503).count(),
                answers.stream().filter(a -> a.status() == 200 && a.stale()).count(),
                answers.stream().filter(a -> a.status() == 404).count());
        // the survivor answered for the service throughout: the owner's status before the kill and after the takeover
        // (a query asked just before the kill may be answered after it: it counts as during the takeover)
        assertThat(answers).isNotEmpty();
        assertThat(answers.stream().filter(a -> a.answeredAt() < kill || a.at() > takeover + 1_000))
                .as("answers before the kill and after the takeover: the owner's status")
                .allMatch(a -> a.status() == 200 && !a.stale());
        // and in between its standby copy marked stale or 503 (retry), never "unknown service" (404: the survivor is
        // named the partition's active host before its task has moved and restored; TakeoverQueryIT holds that gap
        // open) nor anything else
        assertThat(answers).as("answers").allMatch(a -> a.status() == 200 || a.status() == 503);
    }

    /** The wall-clock time (record timestamp) of the first gate result for the service published after {@code t}. */
    private static Optional<Long> resultAfter(List<ConsumerRecord<String, SpecificRecord>> seen, long t) {
        return seen.stream()
                .filter(r -> r.value() instanceof GateResult g && g.getService().equals(SERVICE) && r.timestamp() > t)
                .map(ConsumerRecord::timestamp)
                .findFirst();
    }

    /** The instance ("a" or "b") whose main consumer is assigned the service's partition of the requests topic. */
    private static String owner(Admin admin, String group, String requests) throws Exception {
        int partition = Utils.toPositive(Utils.murmur2(SERVICE.getBytes(StandardCharsets.UTF_8))) % 2;
        TopicPartition tp = new TopicPartition(requests, partition);
        for (MemberDescription m : admin.describeConsumerGroups(List.of(group))
                .all()
                .get()
                .get(group)
                .members()) {
            if (m.assignment().topicPartitions().contains(tp)) {
                return m.groupInstanceId().orElseThrow().substring(0, 1);
            }
        }
        throw new AssertionError("no member of " + group + " owns " + tp);
    }
}
