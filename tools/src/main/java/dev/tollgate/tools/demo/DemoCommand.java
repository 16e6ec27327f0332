package dev.tollgate.tools.demo;

import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.cli.CheckFailedException;
import dev.tollgate.app.cli.CommandFailedException;
import dev.tollgate.app.cli.ExitCodes;
import dev.tollgate.app.cli.UsageException;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.service.TollgateService;
import dev.tollgate.devbroker.DevBroker;
import dev.tollgate.router.HaproxyException;
import dev.tollgate.router.local.HaproxyProcess;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.serde.InMemorySchemaRegistry;
import dev.tollgate.schemas.serde.SpecificAvroSerializer;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.KafkaBus;
import dev.tollgate.tools.RolloutBoard;
import dev.tollgate.tools.ScenarioSpec;
import dev.tollgate.tools.Simulator;
import dev.tollgate.tools.SummaryTable;
import dev.tollgate.tools.TerminalView;
import dev.tollgate.tools.ToolLogging;
import dev.tollgate.tools.ViewMode;
import dev.tollgate.topology.TopicNames;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tollgate demo}: everything in one command. Starts a single-node KRaft broker (child JVM, free loopback
 * port), the in-memory schema registry, the Tollgate service and the simulator with its router stand-in, plays two
 * rollouts of a sample service (one healthy, promoted to 100 %; one that degrades at 25 % and is rolled back) with a
 * live view, prints a summary, and cleans up. With {@code --router haproxy} the rollout runs through a real HAProxy
 * instead ({@link HaproxyDemo}).
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole thing on this machine, nothing to install: a Kafka broker (KRaft, in a child JVM on "
                    + "a free loopback port), an in-memory schema registry, the Tollgate service and a simulated service "
                    + "with a router that follows Tollgate's decisions.",
            "Two rollouts play out: checkout-rel-42 is healthy and promoted 1 -> 5 -> 25 -> 50 -> 100 %%; "
                    + "checkout-rel-43 degrades at 25 %% (5xx and p95 up) and is rolled back. Steps are shortened to "
                    + "8 s of event time, and event time runs faster than the clock (--speed).",
            "With --router haproxy (HAProxy installed): one rollout through a real HAProxy in front of two small "
                    + "HTTP backends, its access log shipped to Tollgate, load sent through it and the router moving "
                    + "its weights on Tollgate's decisions; --canary-errors 5 makes the canary answer 5 %% 500s, "
                    + "so it is rolled back."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the rollouts ended as expected",
            "1:a rollout ended otherwise, or a runtime error",
            "2:usage error"
        })
public final class DemoCommand implements Callable<Integer> {
    static final String REGISTRY_SCOPE = "demo";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--keep-running",
            description = "Leave the broker and the HTTP API up after the rollouts (until Ctrl-C) to explore "
                    + "the timeline at /ui/rollouts, /api/rollouts, /metrics and 'tollgate tail'.")
    boolean keepRunning;

    @Option(names = "--speed", description = "Event-time seconds per wall-clock second (default ${DEFAULT-VALUE}).")
    double speed = 3.0;

    @Option(
            names = "--http-port",
            description = "Port of the HTTP API; 0 picks a free one; a busy port falls back to a "
                    + "free one (default ${DEFAULT-VALUE}).")
    int httpPort = 8080;

    @Option(
            names = "--scenario",
            paramLabel = "NAME|FILE",
            description = "Scenario to play (default ${DEFAULT-VALUE}).")
    String scenario = "demo";

    @Option(
            names = "--export",
            paramLabel = "FILE.jsonl",
            description = "Also write every event as JSON lines for " + "'tollgate replay'.")
    Path export;

    @Option(
            names = "--decisions-out",
            paramLabel = "FILE.jsonl",
            description = "Also write the decisions the service "
                    + "published (as read from the decisions topic) as JSON lines.")
    Path decisionsOut;

    @Option(
            names = "--view",
            converter = ViewMode.Converter.class,
            description = "live (redraw in place), plain (one "
                    + "line per event) or auto (live on a terminal) (default ${DEFAULT-VALUE}).")
    ViewMode view = ViewMode.AUTO;

    @Option(
            names = "--router",
            paramLabel = "simulator|haproxy",
            description = "Who moves the traffic: the simulator's router stand-in over simulated traffic, or a real "
                    + "HAProxy (installed, on PATH) over real requests (default ${DEFAULT-VALUE}).")
    String router = "simulator";

    @Option(
            names = "--canary-errors",
            paramLabel = "PERCENT",
            description = "With --router haproxy: share of the canary's answers that are 500 (0: healthy, promoted "
                    + "to 100 %%; e.g. 5: rolled back) (default ${DEFAULT-VALUE}).")
    double canaryErrors;

    @Option(
            names = "--rate",
            paramLabel = "N",
            description = "With --router haproxy: requests per second sent through HAProxy (default ${DEFAULT-VALUE}).")
    int rate = 250;

    @Option(
            names = "--work-dir",
            description = "Directory for the broker's data and the service's state (default: a new "
                    + "temporary directory, deleted at the end).")
    Path workDir;

    /** The rollouts as played (for tests). */
    volatile RolloutBoard board;
    /** The broker's bootstrap servers while it runs (for tests). */
    volatile String bootstrapServers;
    /** Wall time of the run in ms. */
    volatile long wallMs;
    /** Port of the HTTP API while the service runs (for tests). */
    volatile int apiPort;
    /** With --router haproxy: what it played (for tests). */
    volatile HaproxyDemo haproxyDemo;
    /** Counted down when the rollouts have played (before --keep-running waits). */
    final CountDownLatch played = new CountDownLatch(1);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean cleaning = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean waitingForStop;
    private volatile DevBroker broker;
    private volatile TollgateService service;
    private volatile Path dir;
    private volatile boolean ownDir;

    /** Ends a {@code --keep-running} demo (tests; Ctrl-C does the same). */
    public void stop() {
        stop.countDown();
    }

    @Override
    public Integer call() throws Exception {
        ToolLogging.quiet();
        long t0 = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        ScenarioSpec s;
        try {
            s = ScenarioSpec.load(scenario);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        if (speed <= 0) {
            throw new UsageException("--speed must be > 0");
        }
        boolean viaHaproxy = checkRouterOptions();
        ownDir = workDir == null;
        dir = ownDir ? Files.createTempDirectory("tollgate-demo-") : workDir;
        Files.createDirectories(dir);
        boolean ansi = view.ansi();
        // Ctrl-C: while kept running, the main thread cleans up; before that, the hook does
        Thread interruptHook = new Thread(
                () -> {
                    stop.countDown();
                    if (waitingForStop) {
                        try {
                            cleanedUp.await(30, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (InterruptedException ignored) {
                            Thread.currentThread().interrupt();
                        }
                    } else {
                        cleanup();
                    }
                },
                "tollgate-demo-stop");
        Runtime.getRuntime().addShutdownHook(interruptHook);
        try {
            out.println("tollgate demo: starting a Kafka broker (KRaft, single node) ...");
            out.flush();
            broker = DevBroker.builder(dir.resolve("broker"))
                    .timeout(Duration.ofSeconds(90))
                    .stopOnJvmExit(false)
                    .jvmOptions(DevBroker.QUICK_START_JVM_OPTIONS)
                    .property("auto.create.topics.enable", "false")
                    .property("offsets.topic.num.partitions", "1")
                    .property("transaction.state.log.num.partitions", "1")
                    .property("num.io.threads", "2")
                    // simulated event time may run ahead of the clock
                    .property("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE))
                    .property("log.message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE))
                    .start();
            bootstrapServers = broker.bootstrapServers();
            out.printf(
                    Locale.ROOT,
                    "tollgate demo: broker up on %s after %.1f s (pid %d, log %s)%n",
                    bootstrapServers,
                    (System.nanoTime() - t0) / 1e9,
                    broker.pid(),
                    broker.logFile());
            out.flush();

            TopicNames topics = TopicNames.defaults();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
                new TopicAdmin(admin, Duration.ofSeconds(30)).createMissing(topics, 1, (short) 1);
            }
            // the policy is in place before the service starts: its global store loads it before the first event
            String registryUrl = "mock://" + REGISTRY_SCOPE;
            publishPolicy(bootstrapServers, registryUrl, topics, viaHaproxy ? HaproxyDemo.policy() : s.policy);

            int port = httpPort == 0 || portFree(httpPort) ? httpPort : 0;
            Map<String, Object> conf = new LinkedHashMap<>();
            conf.put(TollgateConfig.BOOTSTRAP_SERVERS, bootstrapServers);
            conf.put(TollgateConfig.APPLICATION_ID, "tollgate-demo");
            conf.put(TollgateConfig.SCHEMA_REGISTRY_URL, registryUrl);
            conf.put(TollgateConfig.STATE_DIR, dir.resolve("state").toString());
            conf.put(TollgateConfig.HTTP_PORT, Integer.toString(port));
            conf.put(TollgateConfig.HTTP_HOST, "127.0.0.1");
            conf.put(TollgateConfig.TOPICS_PARTITIONS, "1");
            conf.put(TollgateConfig.TOPICS_REPLICATION_FACTOR, "1");
            conf.put(TollgateConfig.SHUTDOWN_TIMEOUT_MS, "10000");
            // event time runs --speed times faster than the wall clock, so it runs ahead of it by design
            conf.put(TollgateConfig.MAX_FUTURE_SKEW_MS, "0");
            if (viaHaproxy) {
                // one shipper sends the access log nearly in time order: seal each tick without waiting
                conf.put(TollgateConfig.GRACE_MS, "0");
            }
            TollgateConfig config = TollgateConfig.fromMap(conf, "demo", Map.of());
            service = new TollgateService(config);
            service.start(false);
            awaitRunning(service, Duration.ofSeconds(60));
            apiPort = service.httpPort();
            String api = "http://127.0.0.1:" + apiPort;
            out.printf(
                    Locale.ROOT,
                    "tollgate demo: Tollgate running after %.1f s: HTTP API %s/api/rollouts, metrics " + "%s/metrics%n",
                    (System.nanoTime() - t0) / 1e9,
                    api,
                    api);
            out.printf(
                    Locale.ROOT,
                    "tollgate demo: rollout timeline %s%n",
                    timelineUrl(api, viaHaproxy ? HaproxyDemo.SERVICE : s.service));
            List<ScenarioSpec.Expect> expects = new ArrayList<>();
            if (viaHaproxy) {
                HaproxyDemo hd = new HaproxyDemo(bootstrapServers, registryUrl, topics, canaryErrors, rate);
                haproxyDemo = hd;
                TerminalView viewer = new TerminalView(
                        out,
                        ansi,
                        HaproxyDemo.policy().getMinStepDurationMs(),
                        () -> "Tollgate demo via HAProxy  broker " + bootstrapServers + "  API " + api + "  haproxy "
                                + hd.weightsLine());
                try {
                    board = hd.run(out, viewer, ansi);
                } catch (HaproxyException e) {
                    throw new CommandFailedException(e.getMessage(), e);
                }
                expects.add(hd.expect());
            } else {
                out.printf(Locale.ROOT, "tollgate demo: playing \"%s\": %s%n%n", s.name, s.description);
                out.flush();
                board = playScenario(out, ansi, api, s, registryUrl, topics);
                s.rollouts.forEach(r -> expects.add(r.expect()));
            }
            wallMs = (System.nanoTime() - t0) / 1_000_000L;
            out.println();
            out.println("Summary");
            SummaryTable.render(board, expects).forEach(out::println);
            out.println();
            boolean asExpected = true;
            for (int i = 0; i < board.rollouts().size(); i++) {
                asExpected &= expects.get(i) == null
                        || expects.get(i).matches(board.rollouts().get(i));
            }
            String which = board.rollouts().size() == 2 ? "both rollouts" : "the rollout";
            out.printf(
                    Locale.ROOT,
                    "tollgate demo: %s in %.1f s%n",
                    asExpected ? which + " ended as expected" : "a rollout did NOT end as expected",
                    wallMs / 1000.0);
            if (decisionsOut != null) {
                writeDecisions(decisionsOut, board);
            }
            played.countDown();
            if (keepRunning) {
                out.println();
                out.println("tollgate demo: still running (Ctrl-C stops and cleans up):");
                out.println("  timeline  " + timelineUrl(api, viaHaproxy ? HaproxyDemo.SERVICE : s.service)
                        + "  (all services: " + api + "/ui/rollouts)");
                out.println("  rollouts  curl " + api + "/api/rollouts");
                out.println("  metrics   curl " + api + "/metrics");
                if (haproxyDemo != null) {
                    out.println("  haproxy   curl " + haproxyDemo.sandbox().url(HaproxyDemo.SERVICE)
                            + "  (no load is sent any more; its access log is still shipped)");
                    out.println("  runtime   echo 'show servers state " + HaproxyDemo.SERVICE + "' | socat stdio unix:"
                            + haproxyDemo.sandbox().runtime().address());
                }
                out.println("  decisions tollgate tail decisions --bootstrap-servers " + bootstrapServers
                        + " --from-beginning");
                out.println("  results   tollgate tail results --bootstrap-servers " + bootstrapServers
                        + " --from-beginning");
                out.flush();
                waitingForStop = true;
                stop.await();
                out.println("tollgate demo: stopping ...");
            }
            out.flush();
            if (!asExpected) {
                throw new CheckFailedException();
            }
            return ExitCodes.OK;
        } finally {
            played.countDown();
            cleanup();
            try {
                Runtime.getRuntime().removeShutdownHook(interruptHook);
            } catch (IllegalStateException ignored) {
                // shutting down
            }
            out.flush();
            cleanedUp.countDown();
        }
    }

    /**
     * Checks the options that depend on {@code --router}.
     *
     * @return whether the demo runs through HAProxy
     * @throws UsageException for an unknown router or options of the other router
     * @throws CommandFailedException when HAProxy is asked for and not installed
     */
    private boolean checkRouterOptions() {
        var parsed = spec.commandLine().getParseResult();
        switch (router.toLowerCase(Locale.ROOT)) {
            case "simulator" -> {
                for (String o : List.of("--canary-errors", "--rate")) {
                    if (parsed != null && parsed.hasMatchedOption(o)) {
                        throw new UsageException(o + " works with --router haproxy only (the simulated rollouts come"
                                + " from --scenario)");
                    }
                }
                return false;
            }
            case "haproxy" -> {
                for (String o : List.of("--scenario", "--speed", "--export")) {
                    if (parsed != null && parsed.hasMatchedOption(o)) {
                        throw new UsageException(o + " works with the simulated router only: with --router haproxy"
                                + " requests are real and event time is the clock");
                    }
                }
                if (!(canaryErrors >= 0 && canaryErrors <= 100)) {
                    throw new UsageException("--canary-errors must be within 0..100 (percent), not " + canaryErrors);
                }
                if (rate < 10 || rate > 2_000) {
                    throw new UsageException("--rate must be within 10..2000 requests/s, not " + rate);
                }
                try {
                    HaproxyProcess.executable();
                } catch (HaproxyException e) {
                    throw new CommandFailedException("--router haproxy: " + e.getMessage(), e);
                }
                return true;
            }
            default -> throw new UsageException("--router must be simulator or haproxy, not " + router);
        }
    }

    /** Plays the scenario with the simulator and its router stand-in. */
    private RolloutBoard playScenario(
            PrintWriter out, boolean ansi, String api, ScenarioSpec s, String registryUrl, TopicNames topics)
            throws IOException, InterruptedException {
        TerminalView viewer = new TerminalView(
                out,
                ansi,
                s.policy.getMinStepDurationMs(),
                () -> String.format(
                        Locale.ROOT,
                        "Tollgate demo  broker %s  API %s  event time x%.0f",
                        bootstrapServers,
                        api,
                        speed));
        Simulator.Options opts = new Simulator.Options(
                s.seed,
                s.rate,
                600_000,
                speed,
                System.currentTimeMillis() / 1000 * 1000,
                250,
                EventCodec.DEFAULT_POLICY_KEY,
                false,
                0);
        try (PrintWriter exportFile = export == null
                        ? null
                        : new PrintWriter(new BufferedWriter(
                                new OutputStreamWriter(Files.newOutputStream(export), StandardCharsets.UTF_8)));
                KafkaBus bus = new KafkaBus(bootstrapServers, registryUrl, topics, Map.of())) {
            Consumer<EventCodec.Event> sink = exportFile == null ? null : e -> exportFile.println(EventCodec.toLine(e));
            RolloutBoard result = new Simulator(s, opts, bus, sink, viewer).run();
            viewer.finish(result, result.rollouts().get(result.rollouts().size() - 1).lastEventTime);
            return result;
        }
    }

    /** The timeline page of the demo's service (every rollout of the demo is of one service). */
    static String timelineUrl(String api, String service) {
        return api + "/ui/rollouts/"
                + java.net.URLEncoder.encode(service, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Stops the service and the broker and deletes the demo's directory (once). */
    private void cleanup() {
        if (!cleaning.compareAndSet(false, true)) {
            return;
        }
        HaproxyDemo hd = haproxyDemo;
        if (hd != null) {
            hd.close();
        }
        TollgateService svc = service;
        if (svc != null) {
            svc.close();
        }
        DevBroker b = broker;
        if (b != null) {
            b.close();
        }
        InMemorySchemaRegistry.dropScope(REGISTRY_SCOPE);
        if (ownDir && dir != null) {
            deleteTree(dir);
        }
    }

    private static void publishPolicy(String bootstrap, String registryUrl, TopicNames topics, GatePolicy policy) {
        Map<String, Object> p = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.CLIENT_ID_CONFIG,
                "tollgate-demo-policy-" + UUID.randomUUID());
        SpecificAvroSerializer<SpecificRecord> values = new SpecificAvroSerializer<>();
        values.configure(Map.of("schema.registry.url", registryUrl), false);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(p, new StringSerializer(), values)) {
            producer.send(new ProducerRecord<>(topics.policies(), EventCodec.DEFAULT_POLICY_KEY, policy));
            producer.flush();
        }
    }

    private static void awaitRunning(TollgateService service, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!"RUNNING".equals(service.stateName())) {
            if (service.failed() || "ERROR".equals(service.stateName())) {
                throw new IllegalStateException(
                        "the Tollgate service failed to start (state " + service.stateName() + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Tollgate service was not RUNNING within " + timeout.toSeconds()
                        + " s (state " + service.stateName() + ")");
            }
            Thread.sleep(100);
        }
    }

    private static void writeDecisions(Path file, RolloutBoard board) throws IOException {
        List<String> lines = new ArrayList<>();
        board.rollouts().forEach(r -> r.decisions.forEach(d -> lines.add(EventCodec.toLine(d))));
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static boolean portFree(int port) {
        try {
            new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
