package dev.tollgate.router.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.router.AccessLogShipper;
import dev.tollgate.router.HaproxyRuntime;
import dev.tollgate.router.RouterClients;
import dev.tollgate.router.RouterHeaders;
import dev.tollgate.router.RouterTopics;
import dev.tollgate.router.Weights;
import dev.tollgate.router.local.HaproxySandbox;
import dev.tollgate.router.local.LoadGenerator;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.testkit.KafkaBroker;
import dev.tollgate.testkit.KafkaBrokerExtension;
import dev.tollgate.testkit.SchemaRegistry;
import dev.tollgate.testkit.SchemaRegistryExtension;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real loop: HAProxy (the Debian package) in front of two tiny HTTP backends per service, a load generator,
 * HAProxy's access log shipped over UDP syslog into {@code tollgate.requests}, the real Tollgate service deciding,
 * and {@code tollgate router haproxy rollout start} in a child JVM moving HAProxy's weights on the decisions. A
 * healthy canary goes 1 → 5 → 25 → 50 → 100 % and completes, through a kill -9 of the router and a restart that
 * converges without applying a decision twice; a canary answering 5 % 5xx is rolled back and HAProxy stops
 * sending it requests.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@Timeout(value = 400)
class HaproxyRouterIT {
    private static final Logger log = LoggerFactory.getLogger(HaproxyRouterIT.class);
    private static final int REQUESTS_PER_SECOND = 250;
    private static final String LOG_FORMAT =
            "tollgate1 %Ts.%ms %b %s %ST %Ta %ID %HM" + " %{+Q}[capture.req.hdr(0)] %{+Q}[capture.req.hdr(1)]";

    @TempDir
    static Path tmp;

    private static final List<AutoCloseable> toClose = new ArrayList<>();
    private static final String prefix = "hap-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private static RouterClients clients;
    private static HaproxyRuntime haproxy;
    private static HaproxySandbox sandbox;

    @BeforeAll
    static void startTheLoop(KafkaBroker broker, SchemaRegistry registry) throws Exception {
        clients = new RouterClients(broker.bootstrapServers(), registry.url(), new RouterTopics(prefix), Map.of());
        TollgateConfig cfg = TollgateConfig.fromMap(settings(broker, registry), "test", Map.of());
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(cfg.topicNames(), 2, (short) 1);
        }
        try (KafkaProducer<String, SpecificRecord> p = clients.producer("it-policy")) {
            p.send(new ProducerRecord<>(clients.topics().policies(), "*", policy()))
                    .get();
        }
        TollgateService service = new TollgateService(cfg);
        toClose.add(service);
        service.start(false);

        // two services, each: a baseline and a canary backend, a frontend built from the documented config's
        // lines, its own syslog port and shipper; the payments canary answers every 20th request with 500
        sandbox = closing(HaproxySandbox.start(
                tmp,
                clients,
                List.of(
                        new HaproxySandbox.Site(
                                "catalog", release("catalog"), "catalog", "catalog-v1", "catalog-v2", 20, 0),
                        new HaproxySandbox.Site(
                                "payments", release("payments"), "payments", "payments-v1", "payments-v2", 20, 20))));
        haproxy = sandbox.runtime();
    }

    @AfterAll
    static void stopTheLoop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void shouldCompleteAHealthyCanaryThroughARouterKillWithoutApplyingADecisionTwice() throws Exception {
        // given: steady load through HAProxy, the router driving the release in a child JVM
        String svc = "catalog";
        try (LoadGenerator load = new LoadGenerator(url(svc), REQUESTS_PER_SECOND);
                RouterProcess first = new RouterProcess(tmp.resolve("router-1.log"), routerArgs(svc))) {
            long t0 = System.nanoTime();
            try {
                await(
                        "STEP to 5 %",
                        Duration.ofSeconds(200), () -> {
                            if (!first.alive()) {
                                throw new AssertionError("the router exited early");
                            }
                            return last(svc).getStepIndex() >= 1;
                        });
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + "; events " + published(svc) + "; router output:\n" + first.output());
            }
            log.info("Catalog reached step 1 after {} s", (System.nanoTime() - t0) / 1_000_000_000);

            // when: the router is killed mid-rollout, HAProxy's weights are reset behind its back, and it restarts
            first.kill();
            haproxy.setWeight(svc, svc + "-v2", 0);
            haproxy.setWeight(svc, svc + "-v1", 200);
            try (RouterProcess second = new RouterProcess(tmp.resolve("router-2.log"), routerArgs(svc))) {
                await(
                        "weights converged to the last published step",
                        Duration.ofSeconds(60),
                        () -> weights(svc).equals(Weights.of(last(svc).getTrafficPercent())));
                String midway = status();
                int exit = second.awaitExit(240);
                log.info(
                        "Catalog rollout ended after {} s with exit code {}, load sent {} answered {}",
                        (System.nanoTime() - t0) / 1_000_000_000,
                        exit,
                        load.sent(),
                        load.answered());

                // then: 1 → 5 → 25 → 50 → 100 % and COMPLETED, each decision applied once, HAProxy at 100 %
                assertThat(exit)
                        .as("router exit code; its output:\n%s", second.output())
                        .isZero();
                List<Published> events = published(svc);
                assertThat(events)
                        .extracting(p -> p.event().getPhase())
                        .containsExactly(
                                RolloutPhase.STARTED,
                                RolloutPhase.STEP,
                                RolloutPhase.STEP,
                                RolloutPhase.STEP,
                                RolloutPhase.STEP,
                                RolloutPhase.COMPLETED);
                assertThat(events)
                        .extracting(p -> p.event().getTrafficPercent())
                        .containsExactly(1.0, 5.0, 25.0, 50.0, 100.0, 100.0);
                List<String> ids =
                        events.stream().skip(1).map(Published::decisionId).toList();
                assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
                assertThat(second.output())
                        .as("the restarted router re-read the decision it had applied and skipped it")
                        .containsPattern("skippedAlreadyApplied=\\[[1-9]");
                assertThat(weights(svc)).isEqualTo(new Weights(0, 200));
                var stats = haproxy.stats(svc);
                log.info("Catalog HAProxy counters {}", stats);
                assertThat(stats.get(svc + "-v2").sessions()).isPositive();
                assertThat(midway)
                        .as("status while the release was active")
                        .contains("catalog catalog-rel: STEP step ")
                        .containsPattern("haproxy catalog: catalog-v1 weight \\d+, catalog-v2 weight \\d+ \\(canary")
                        .contains("last decision: ");
                String end = status("--all", "--service", svc);
                assertThat(end)
                        .contains("catalog catalog-rel: COMPLETED step 4, 100.0 % canary (catalog-v1 -> catalog-v2)")
                        .contains("haproxy catalog: catalog-v1 weight 0, catalog-v2 weight 200 (canary 100.0 %)")
                        .contains("last decision: COMPLETE at step 4")
                        .contains("error-rate PASS");
                assertThat(status("--service", svc)).contains("no active releases");
            }
        }
    }

    @Test
    void shouldRollBackACanaryAnswering5PercentServerErrorsAndStopSendingItRequests() throws Exception {
        // given: steady load, the router driving a canary that answers every 20th request with 500
        String svc = "payments";
        try (LoadGenerator load = new LoadGenerator(url(svc), REQUESTS_PER_SECOND);
                RouterProcess router = new RouterProcess(tmp.resolve("router-payments.log"), routerArgs(svc))) {
            long t0 = System.nanoTime();

            // when: Tollgate's statistics see the regression
            int exit = router.awaitExit(240);
            long rolledBackAfter = (System.nanoTime() - t0) / 1_000_000;
            long canaryAtAbort = haproxy.stats(svc).get(svc + "-v2").sessions();
            long baselineAtAbort = haproxy.stats(svc).get(svc + "-v1").sessions();
            Thread.sleep(5_000);
            var after = haproxy.stats(svc);
            log.info(
                    "Payments rolled back after {} ms (exit {}), canary sessions {} then {}, baseline {} then {}",
                    rolledBackAfter,
                    exit,
                    canaryAtAbort,
                    after.get(svc + "-v2").sessions(),
                    baselineAtAbort,
                    after.get(svc + "-v1").sessions());

            // then: ABORTED on tollgate.rollouts for a ROLLBACK/FREEZE decision, canary weight 0, no more requests
            assertThat(exit)
                    .as("router exit code; its output:\n%s", router.output())
                    .isEqualTo(4);
            List<Published> events = published(svc);
            Published aborted = events.get(events.size() - 1);
            assertThat(aborted.event().getPhase()).isEqualTo(RolloutPhase.ABORTED);
            assertThat(aborted.event().getTrafficPercent()).isZero();
            GateDecision cause = decision(svc, aborted.decisionId());
            assertThat(cause.getAction()).isIn(Action.ROLLBACK, Action.FREEZE);
            assertThat(cause.getFailingGates()).contains("error-rate");
            assertThat(haproxy.weights(svc)).containsEntry(svc + "-v2", 0).containsEntry(svc + "-v1", 200);
            assertThat(canaryAtAbort)
                    .as("the canary had been receiving requests")
                    .isPositive();
            assertThat(after.get(svc + "-v2").sessions())
                    .as("HAProxy sends the canary nothing after the rollback")
                    .isEqualTo(canaryAtAbort);
            assertThat(after.get(svc + "-v1").sessions())
                    .as("the baseline takes the traffic")
                    .isGreaterThan(baselineAtAbort);
        }
    }

    @Test
    void shouldCountAndSkipMalformedLogLines() throws Exception {
        // given: the catalog shipper's count so far
        AccessLogShipper shipper = sandbox.shipper("catalog");
        long before = shipper.malformed();
        long shippedBefore = shipper.shipped();

        // when: three lines in another format arrive on its syslog port, then a good one
        try (DatagramSocket out = new DatagramSocket()) {
            for (String line : List.of(
                    "<134>Dec  2 03:00:00 haproxy[1]: 127.0.0.1:5000 [02/Dec/2026:03:00:00.000] fe catalog/v1 200",
                    "tollgate1 not-a-time catalog catalog-v1 200 3 - GET \"\" \"\"",
                    "tollgate1 1796180191.761 catalog catalog-v1 200 3 - GET",
                    "tollgate1 " + System.currentTimeMillis() / 1000
                            + ".123 catalog catalog-v1 200 3 - GET \"\" \"\"")) {
                byte[] b = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.send(new java.net.DatagramPacket(
                        b, b.length, new InetSocketAddress("127.0.0.1", sandbox.syslogPort("catalog"))));
            }
        }

        // then: three counted as malformed and skipped, the good one shipped
        await("3 malformed lines counted", Duration.ofSeconds(10), () -> shipper.malformed() - before == 3);
        await("the good line shipped", Duration.ofSeconds(10), () -> shipper.shipped() > shippedBefore);
        assertThat(shipper.malformed() - before).isEqualTo(3);
    }

    /** A RolloutEvent on tollgate.rollouts with the decision id the router put on it. */
    record Published(RolloutEvent event, String decisionId) {}

    private static List<Published> published(String svc) {
        List<Published> out = new ArrayList<>();
        clients.readToEnd(clients.topics().rollouts(), Long.MIN_VALUE, "it-rollouts", r -> {}, (r, v) -> {
            if (v instanceof RolloutEvent e && e.getReleaseId().equals(release(svc))) {
                out.add(new Published(e, RouterHeaders.get(r.headers(), RouterHeaders.DECISION_ID)));
            }
        });
        return out;
    }

    private static RolloutEvent last(String svc) {
        List<Published> p = published(svc);
        return p.isEmpty()
                ? RolloutEvent.newBuilder()
                        .setService(svc)
                        .setReleaseId(release(svc))
                        .setTimestamp(0)
                        .setBaselineRevision("")
                        .setCanaryRevision("")
                        .setPhase(RolloutPhase.STARTED)
                        .setStepIndex(-1)
                        .build()
                : p.get(p.size() - 1).event();
    }

    private static GateDecision decision(String svc, String id) {
        List<GateDecision> found = new ArrayList<>();
        clients.readToEnd(clients.topics().decisions(), Long.MIN_VALUE, "it-decisions", r -> {}, (r, v) -> {
            if (v instanceof GateDecision d && d.getDecisionId().equals(id)) {
                found.add(d);
            }
        });
        assertThat(found).as("decision %s of %s", id, svc).isNotEmpty();
        return found.get(0);
    }

    private static Weights weights(String svc) {
        Map<String, Integer> w = haproxy.weights(svc);
        return new Weights(w.get(svc + "-v1"), w.get(svc + "-v2"));
    }

    private static List<String> routerArgs(String svc) {
        return List.of(
                "haproxy",
                "rollout",
                "start",
                "--bootstrap-servers",
                clients.bootstrap(),
                "--schema-registry-url",
                clients.registryUrl(),
                "--topic-prefix",
                prefix,
                "--haproxy",
                haproxy.address(),
                "--service",
                svc,
                "--backend",
                svc,
                "--baseline",
                svc + "-v1",
                "--canary",
                svc + "-v2",
                "--release",
                release(svc));
    }

    /** {@code tollgate router status ARGS} in process, its output. */
    private static String status(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        List<String> all = new ArrayList<>(List.of(
                "status",
                "--bootstrap-servers",
                clients.bootstrap(),
                "--schema-registry-url",
                clients.registryUrl(),
                "--topic-prefix",
                prefix,
                "--haproxy",
                haproxy.address()));
        all.addAll(List.of(args));
        int code = new picocli.CommandLine(new dev.tollgate.router.cli.RouterCommand())
                .setOut(new java.io.PrintWriter(out))
                .execute(all.toArray(String[]::new));
        assertThat(code).as("status exit code, output %s", out).isZero();
        log.info("tollgate router status {}:\n{}", String.join(" ", args), out);
        return out.toString();
    }

    private static String release(String svc) {
        return svc + "-rel";
    }

    private static String url(String svc) {
        return sandbox.url(svc);
    }

    private static Map<String, String> settings(KafkaBroker broker, SchemaRegistry registry) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bootstrap.servers", broker.bootstrapServers());
        m.put("application.id", prefix + "app");
        m.put("topic.prefix", prefix);
        m.put("schema.registry.url", registry.url());
        m.put("state.dir", tmp.resolve("state").toString());
        m.put("http.host", "127.0.0.1");
        m.put("http.port", String.valueOf(freePort()));
        m.put("topics.partitions", "2");
        m.put("topics.replication.factor", "1");
        m.put("grace.ms", "0");
        m.put("tick.ms", "1000");
        m.put("shutdown.timeout.ms", "15000");
        m.put("rocksdb.memory.bytes", String.valueOf(64L * 1024 * 1024));
        return m;
    }

    /** Request gates only, small samples and short steps so a rollout decides in seconds at this load. */
    private static GatePolicy policy() {
        Map<String, GateSettings> gates = new LinkedHashMap<>();
        for (String g : List.of(
                "warm-capacity", "dedupe", "side-effects", "semantic-drift", "lambda", "queue-age", "queue-fence")) {
            gates.put(g, GateSettings.newBuilder().setEnabled(false).build());
        }
        // reported, not blocking: the two backends share this JVM and a 2-core machine with the broker, the
        // service and HAProxy, so a shift's burst of new connections shows as a p95 step on whichever server
        // takes it (seen: canary p95 48-68 ms against 8-25 ms for 2 s after the shift to 25 %); the loop under
        // test is the error-rate one
        gates.put("latency-p95", GateSettings.newBuilder().setDryRun(true).build());
        return GatePolicy.newBuilder()
                .setGates(gates)
                .setMinSamples(30)
                .setMinStepDurationMs(6_000)
                .setWarmupMs(0)
                .setNoDataTimeoutMs(600_000)
                .build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(1_000);
        }
    }
}
