package dev.tollgate.bench;

import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.devbroker.DevBroker;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.InProcessTopology;
import dev.tollgate.tools.KafkaBus;
import dev.tollgate.tools.Replayer;
import dev.tollgate.tools.ScenarioSpec;
import dev.tollgate.tools.Simulator;
import dev.tollgate.topology.TopicNames;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Event-time clock drills (issue 12): runs the real Tollgate service as a child JVM ({@code tollgate.jar run}),
 * plays simulated rollouts of several services with all six evidence types onto a real broker, and checks that the
 * service dropped no event as late ({@code tollgate_events_late_total} == 0 on its {@code /metrics}) and that its
 * decisions on {@code tollgate.decisions} (read_committed) equal a replay of the same events in process
 * ({@link Replayer}), per service, record for record (decision ids included). Exit code 1 on a mismatch.
 *
 * <p>Scenarios ({@code --scenario}):
 *
 * <ul>
 *   <li>{@code pause}: the rollouts live at 1x; the service is SIGSTOPped for {@code --pause-s} mid-run while the
 *       producer continues, then SIGCONTed;
 *   <li>{@code burst}: the events played at {@code --speed} (default 4x) into a just-started service;
 *   <li>{@code backlog}: all events on the broker before the service starts (catch-up);
 *   <li>{@code latency}: live at 1x; for each decision, the wall time from the send of its completing event (the
 *       first event the drill produced whose timestamp is at least {@code decidedAt + grace.ms}) to the moment a
 *       read_committed consumer returned the decision; p50/p99 over all decisions.
 * </ul>
 *
 * <p>The events are recorded first: one {@link Simulator} per service (the built-in healthy scenario with its
 * minimum step duration stretched so that one rollout lasts {@code --duration}), each against its own in-process
 * topology (the router reacts to those decisions), then merged in timestamp order. Event times start near now (in
 * the past for burst and backlog, so that nothing is ahead of the wall clock).
 */
public final class ClockDrill {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int STEPS = 5;
    private static final long WARMUP_MS = 3_000;

    private final Map<String, String> opts;
    private final String scenario;
    private final Path work;
    /** Filled by {@link #drill}: the service's settings that differ by run, and its input counters. */
    private String serviceNote = "";

    private Map<String, Long> eventsIn = Map.of();

    private ClockDrill(Map<String, String> opts) throws IOException {
        this.opts = opts;
        this.scenario = opt("scenario", "burst");
        if (!List.of("pause", "burst", "backlog", "latency").contains(scenario)) {
            throw new IllegalArgumentException("--scenario must be pause, burst, backlog or latency: " + scenario);
        }
        this.work = Files.createTempDirectory("tollgate-drill-" + scenario + "-");
    }

    private String opt(String name, String dflt) {
        return opts.getOrDefault(name, dflt);
    }

    private long optLong(String name, long dflt) {
        return Long.parseLong(opt(name, Long.toString(dflt)));
    }

    /**
     * Entry point; see the class comment and {@code bench/drill.sh}.
     *
     * @param args {@code --scenario pause|burst|backlog|latency} and {@code --name value} options
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: ClockDrill --scenario pause|burst|backlog|latency [--services N] "
                        + "[--rate REQ/S per service] [--duration-s S] [--speed X] [--pause-at-s S] [--pause-s S] "
                        + "[--schema-registry-url URL] [--bootstrap-servers H:P] [--service-jar JAR] "
                        + "[--partitions N] [--report FILE]");
                System.exit(2);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        System.exit(new ClockDrill(opts).run());
    }

    static void log(String msg) {
        System.out.println("[drill " + java.time.LocalTime.now().withNano(0) + "] " + msg);
    }

    private int run() throws Exception {
        int services = (int) optLong("services", 4);
        double rate = Double.parseDouble(opt("rate", scenario.equals("latency") ? "450" : "200"));
        long durationMs = optLong(
                        "duration-s",
                        switch (scenario) {
                            case "pause" -> 600;
                            case "backlog" -> 1800;
                            case "latency" -> 120;
                            default -> 60;
                        })
                * 1000;
        double speed =
                scenario.equals("backlog") ? 0 : Double.parseDouble(opt("speed", scenario.equals("burst") ? "4" : "1"));
        String registry = opts.get("schema-registry-url");
        if (registry == null) {
            throw new IllegalArgumentException("--schema-registry-url is required (bench/drill.sh starts one)");
        }
        long now = System.currentTimeMillis() / 1000 * 1000;
        // live drills start at now (the recording takes a while: its events are that much behind the wall clock);
        // a burst or backlog is all in the past, so that no event is ahead of the wall clock when it is sent
        long origin = speed == 1 ? now : now - durationMs - 60_000;
        log("recording " + services + " rollouts of " + durationMs / 1000 + " s at " + rate + " req/s each ...");
        List<EventCodec.Event> events = record(services, rate, durationMs, origin);
        List<String> expectedLines = new ArrayList<>();
        Replayer.run(events, null, null, r -> {
            if (r instanceof GateDecision d) {
                expectedLines.add(EventCodec.toLine(d));
            }
        });
        long inputs =
                events.stream().filter(e -> e.timestamp() != Long.MIN_VALUE).count();
        long spanMs = events.get(events.size() - 1).timestamp()
                - events.stream()
                        .filter(e -> e.timestamp() != Long.MIN_VALUE)
                        .findFirst()
                        .orElseThrow()
                        .timestamp();
        log(String.format(
                Locale.ROOT,
                "%d events over %d s of event time (%.0f/s), replay: %d decisions",
                inputs,
                spanMs / 1000,
                inputs * 1000.0 / Math.max(1, spanMs),
                expectedLines.size()));

        DevBroker broker = null;
        String bootstrap = opts.get("bootstrap-servers");
        try {
            if (bootstrap == null) {
                broker = DevBroker.builder(work.resolve("kafka"))
                        .timeout(Duration.ofSeconds(180))
                        .deleteDirOnClose(true)
                        .start();
                bootstrap = broker.bootstrapServers();
                log("dev broker up: " + bootstrap);
            }
            return drill(bootstrap, registry, events, expectedLines, speed, inputs, spanMs);
        } finally {
            if (broker != null) {
                broker.close();
            }
            DevBroker.deleteTree(work);
        }
    }

    /** One simulated healthy rollout per service, merged in replay order (policies first). */
    private List<EventCodec.Event> record(int services, double rate, long durationMs, long origin) throws Exception {
        long stepMs = Math.max(10_000, durationMs / STEPS);
        // the first step sends 1 % of the traffic to the canary: ask for half the samples it gets after warm-up
        long minSamples = Math.max(10, Math.min(100, (long) (rate * 0.01 * (stepMs - WARMUP_MS) / 1000 / 2)));
        List<EventCodec.Event> all = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            String service = String.format(Locale.ROOT, "drill-%03d", i);
            String json = """
                    {"name": "drill", "service": "%s", "rate": %s, "seed": %d,
                     "policy": {"minSamples": %d, "minStepDurationMs": %d, "warmupMs": %d,
                                "noDataTimeoutMs": 30000},
                     "rollouts": [{"releaseId": "%s-rel-2", "baselineRevision": "%s-00001",
                                   "canaryRevision": "%s-00002", "baselineReleaseId": "%s-rel-1",
                                   "stepTimeoutMs": %d, "expect": {"outcome": "COMPLETE", "atPercent": 100}}]}
                    """.formatted(
                            service,
                            Double.toString(rate),
                            i + 1,
                            minSamples,
                            stepMs,
                            WARMUP_MS,
                            service,
                            service,
                            service,
                            service,
                            stepMs * 2 + 60_000);
            ScenarioSpec spec = ScenarioSpec.parse(json, "drill");
            Simulator.Options o =
                    new Simulator.Options(i + 1, rate, durationMs * 2, 0, origin + i * 137L, 250, service, true, 0);
            try (InProcessTopology bus = new InProcessTopology(null)) {
                var board = new Simulator(spec, o, bus, all::add, null).run();
                board.rollouts()
                        .forEach(r -> log("  recorded " + r.service + ": " + r.outcome + " (min samples " + minSamples
                                + ", step " + stepMs / 1000 + " s)"));
            }
        }
        return Replayer.ordered(all);
    }

    private int drill(
            String bootstrap,
            String registry,
            List<EventCodec.Event> events,
            List<String> expectedLines,
            double speed,
            long inputs,
            long spanMs)
            throws Exception {
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        String prefix = "drill-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", bootstrap);
        settings.put("application.id", prefix + "app");
        settings.put("topic.prefix", prefix);
        settings.put("schema.registry.url", registry);
        settings.put("state.dir", work.resolve("state").toString());
        settings.put("http.host", "127.0.0.1");
        settings.put("http.port", Integer.toString(httpPort));
        settings.put("topics.partitions", opt("partitions", "6"));
        settings.put("topics.replication.factor", "1");
        // --set k=v,k=v: extra service settings (e.g. source.idle.ms), printed in the report
        for (String kv : opt("set", "").split(",")) {
            if (!kv.isBlank()) {
                settings.put(
                        kv.substring(0, kv.indexOf('=')).trim(),
                        kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        TollgateConfig cfg = TollgateConfig.fromMap(settings, "drill", Map.of());
        serviceNote = "topics.partitions=" + settings.get("topics.partitions")
                + (opt("set", "").isBlank() ? "" : ", " + opt("set", ""));
        TopicNames topics = cfg.topicNames();
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            new TopicAdmin(admin, Duration.ofSeconds(60))
                    .createMissing(topics, Integer.parseInt(settings.get("topics.partitions")), (short) 1);
        }
        Path config = work.resolve("tollgate.properties");
        StringBuilder props = new StringBuilder();
        settings.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, props.toString(), StandardCharsets.UTF_8);
        long graceMs = cfg.graceMs();

        List<EventCodec.Event> policies =
                events.stream().filter(e -> e.timestamp() == Long.MIN_VALUE).toList();
        List<EventCodec.Event> timed =
                events.stream().filter(e -> e.timestamp() != Long.MIN_VALUE).toList();
        long[] sentNanos = new long[timed.size()];
        List<Received> received = new ArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> read(bootstrap, registry, topics.decisions(), received, reading), "reader");
        reader.start();
        Process service = null;
        // kept after the run (the work directory is not): what to read when a drill fails
        Path serviceLog = Path.of(opt("service-log", "bench/target/drill-" + scenario + "-service.log"));
        Files.createDirectories(serviceLog.toAbsolutePath().getParent());
        Files.deleteIfExists(serviceLog);
        Map<String, Long> late;
        String lateMerged;
        long wallStart;
        long wallEnd;
        try (KafkaBus bus = new KafkaBus(bootstrap, registry, topics, Map.of())) {
            policies.forEach(bus::send);
            bus.flush();
            if (scenario.equals("backlog")) {
                log("producing the backlog before the service starts ...");
                play(bus, timed, 0, sentNanos, null);
            }
            service = startService(config, serviceLog);
            awaitHealthy(httpPort, service);
            log("service up (pid " + service.pid() + ")");
            wallStart = System.nanoTime();
            if (!scenario.equals("backlog")) {
                Process svc = service;
                Runnable pause = !scenario.equals("pause")
                        ? null
                        : () -> {
                            long pauseS = optLong("pause-s", 60);
                            signal(svc, "STOP");
                            log("service SIGSTOPped for " + pauseS + " s (the producer continues)");
                            sleep(pauseS * 1000);
                            signal(svc, "CONT");
                            log("service SIGCONTed");
                        };
                play(bus, timed, speed, sentNanos, pause);
                log("all events sent");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(optLong("wait-s", 1200));
            // the end: every input event counted by the service (accepted, merged or dropped as late) and the
            // replay's decision count, or nothing moving for --quiet-s; then a little longer (a decision too many
            // would show)
            long nextLog = System.nanoTime();
            long lastChange = System.nanoTime();
            long seen = -1;
            long counted = 0;
            while (System.nanoTime() < deadline
                    && (counted < inputs || size(received) < expectedLines.size())
                    && System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(optLong("quiet-s", 90))) {
                String m = get(httpPort, "/metrics");
                counted = total(sum(m, "tollgate_events_in_total"))
                        + total(sum(m, "tollgate_events_late_total"))
                        + total(sum(m, "tollgate_dlq_total"));
                if (counted + size(received) != seen) {
                    seen = counted + size(received);
                    lastChange = System.nanoTime();
                }
                if (System.nanoTime() >= nextLog) {
                    log("decisions read: " + size(received) + " of " + expectedLines.size()
                            + "; input events counted by the service: " + counted + " of " + inputs);
                    nextLog += TimeUnit.SECONDS.toNanos(15);
                }
                sleep(1_000);
            }
            wallEnd = System.nanoTime();
            sleep(5_000);
            String metrics = get(httpPort, "/metrics");
            late = sum(metrics, "tollgate_events_late_total");
            eventsIn = sum(metrics, "tollgate_events_in_total");
            lateMerged = String.join(
                    "\n",
                    metrics.lines()
                            .filter(l -> !l.startsWith("#") && l.contains("late_merged"))
                            .filter(l -> !l.endsWith(" 0.0"))
                            .toList());
        } finally {
            reading.set(false);
            reader.join(10_000);
            if (service != null) {
                signal(service, "CONT");
                service.destroy();
                if (!service.waitFor(30, TimeUnit.SECONDS)) {
                    service.destroyForcibly();
                }
            }
        }
        return report(
                expectedLines,
                received,
                late,
                lateMerged,
                timed,
                sentNanos,
                graceMs,
                speed,
                inputs,
                spanMs,
                wallEnd - wallStart);
    }

    private static long total(Map<String, Long> samples) {
        return samples.values().stream().mapToLong(Long::longValue).sum();
    }

    private record Received(GateDecision decision, long nanos) {}

    private static int size(List<Received> received) {
        synchronized (received) {
            return received.size();
        }
    }

    /** Sends the events paced at {@code speed} event ms per wall ms (0: as fast as possible). */
    private void play(KafkaBus bus, List<EventCodec.Event> timed, double speed, long[] sentNanos, Runnable pause)
            throws InterruptedException {
        long first = timed.get(0).timestamp();
        long start = System.nanoTime();
        long pauseAtNanos = TimeUnit.SECONDS.toNanos(optLong("pause-at-s", 300));
        Thread pauser = null;
        for (int i = 0; i < timed.size(); i++) {
            EventCodec.Event e = timed.get(i);
            if (speed > 0) {
                long due = start + (long) ((e.timestamp() - first) * 1_000_000L / speed);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    bus.flush();
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            if (pause != null && pauser == null && System.nanoTime() - start >= pauseAtNanos) {
                pauser = new Thread(pause, "pauser");
                pauser.start();
            }
            sentNanos[i] = System.nanoTime();
            bus.send(e);
        }
        bus.flush();
        if (pauser != null) {
            pauser.join();
        } else if (pause != null) {
            throw new IllegalStateException("the events ended before --pause-at-s: nothing was paused");
        }
    }

    private void read(String bootstrap, String registry, String topic, List<Received> sink, AtomicBoolean running) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "drill-reader-" + UUID.randomUUID());
        SpecificAvroDeserializer<SpecificRecord> values = new SpecificAvroDeserializer<>();
        values.configure(Map.of("schema.registry.url", registry), false);
        try (KafkaConsumer<String, SpecificRecord> consumer =
                new KafkaConsumer<>(c, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(100));
                long at = System.nanoTime();
                for (ConsumerRecord<String, SpecificRecord> r : records) {
                    if (r.value() instanceof GateDecision d) {
                        synchronized (sink) {
                            sink.add(new Received(d, at));
                        }
                    }
                }
            }
        }
    }

    private Process startService(Path config, Path log) throws IOException {
        String jar = opt("service-jar", "streams-app/target/tollgate.jar");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                opt("service-xmx", "-Xmx512m"),
                "-XX:+UseSerialGC"));
        String avro = System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES");
        if (avro != null) {
            cmd.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=" + avro);
        }
        cmd.addAll(List.of("-jar", jar, "run", "--config", config.toString(), "--create-topics"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("TOLLGATE_"));
        log("starting the service: " + String.join(" ", cmd) + " (log " + log + ")");
        Process p = pb.start();
        // a drill stopped with SIGTERM/Ctrl-C must not leave the service running (or stopped by SIGSTOP)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            signal(p, "CONT");
            p.destroyForcibly();
        }));
        return p;
    }

    private static void awaitHealthy(int port, Process service) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("the service exited with " + service.exitValue());
            }
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/streams"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the service did not become healthy within 180 s");
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** The Prometheus samples of a counter, by their label set. */
    static Map<String, Long> sum(String exposition, String name) {
        Map<String, Long> out = new TreeMap<>();
        for (String l : exposition.lines().toList()) {
            if (l.startsWith(name + "{") || l.startsWith(name + " ")) {
                int space = l.lastIndexOf(' ');
                out.merge(
                        l.substring(name.length(), space),
                        (long) Double.parseDouble(l.substring(space + 1)),
                        Long::sum);
            }
        }
        return out;
    }

    private static void signal(Process p, String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("kill -" + sig + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int report(
            List<String> expectedLines,
            List<Received> received,
            Map<String, Long> late,
            String lateMerged,
            List<EventCodec.Event> timed,
            long[] sentNanos,
            long graceMs,
            double speed,
            long inputs,
            long spanMs,
            long wallNanos)
            throws IOException {
        List<Received> live;
        synchronized (received) {
            live = List.copyOf(received);
        }
        Map<String, List<String>> want = new TreeMap<>();
        Map<String, List<String>> got = new TreeMap<>();
        for (String l : expectedLines) {
            want.computeIfAbsent(serviceOf(l), k -> new ArrayList<>()).add(l);
        }
        for (Received r : live) {
            got.computeIfAbsent(r.decision().getService(), k -> new ArrayList<>())
                    .add(EventCodec.toLine(r.decision()));
        }
        long lateTotal = late.values().stream().mapToLong(Long::longValue).sum();
        List<String> out = new ArrayList<>();
        out.add("## Clock drill: " + scenario);
        out.add("");
        out.add(String.format(
                Locale.ROOT,
                "%d input events over %d s of event time (%.0f events/s of event time), %d services, speed %s, "
                        + "%.1f s from the first event sent to the last decision read; load average %s",
                inputs,
                spanMs / 1000,
                inputs * 1000.0 / Math.max(1, spanMs),
                want.size(),
                speed == 0 ? "backlog (all on the broker first)" : speed + "x",
                wallNanos / 1e9,
                loadAverage()));
        out.add("");
        out.add("service: tollgate.jar run, defaults except " + serviceNote + "; events in " + eventsIn);
        out.add("");
        out.add("| service | replay decisions | live decisions | equal |");
        out.add("|---|---:|---:|---|");
        boolean ok = lateTotal == 0;
        TreeSet<String> names = new TreeSet<>(want.keySet());
        names.addAll(got.keySet());
        List<String> diffs = new ArrayList<>();
        for (String s : names) {
            List<String> w = want.getOrDefault(s, List.of());
            List<String> g = got.getOrDefault(s, List.of());
            boolean eq = w.equals(g);
            ok &= eq;
            out.add("| " + s + " | " + w.size() + " | " + g.size() + " | " + (eq ? "yes" : "**NO**") + " |");
            if (!eq) {
                for (int i = 0; i < Math.max(w.size(), g.size()); i++) {
                    String a = i < w.size() ? w.get(i) : "(none)";
                    String b = i < g.size() ? g.get(i) : "(none)";
                    if (!a.equals(b)) {
                        diffs.add(s + " decision #" + i + ":\n  replay: " + a + "\n  live:   " + b);
                    }
                }
            }
        }
        out.add("");
        out.add("late events dropped (tollgate_events_late_total): " + lateTotal + (late.isEmpty() ? "" : " " + late));
        out.add("late events merged into their open step: "
                + (lateMerged.isBlank() ? "none reported" : "\n```\n" + lateMerged + "\n```"));
        if (scenario.equals("latency")) {
            out.addAll(latency(live, timed, sentNanos, graceMs));
        }
        if (!diffs.isEmpty()) {
            out.add("");
            out.add("### Differences (replay vs live)");
            out.add("```");
            out.addAll(diffs);
            out.add("```");
        }
        out.add("");
        out.add("**" + (ok ? "PASS" : "FAIL") + "**");
        out.forEach(System.out::println);
        String file = opts.get("report");
        if (file != null) {
            Files.writeString(Path.of(file), String.join("\n", out) + "\n", StandardCharsets.UTF_8);
        }
        return ok ? 0 : 1;
    }

    /**
     * For each decision: the wall time from the send of the first event the drill produced with a timestamp at
     * least {@code decidedAt + grace} (the earliest event that can seal the deciding tick) to its read.
     */
    private static List<String> latency(List<Received> live, List<EventCodec.Event> timed, long[] sent, long graceMs) {
        long[] ts = timed.stream().mapToLong(EventCodec.Event::timestamp).toArray();
        List<Long> ms = new ArrayList<>();
        int sealedByIdleness = 0;
        for (Received r : live) {
            long target = r.decision().getDecidedAt() + graceMs;
            int i = Arrays.binarySearch(ts, target);
            if (i < 0) {
                i = -i - 1;
            } else {
                while (i > 0 && ts[i - 1] == target) {
                    i--;
                }
            }
            if (i >= ts.length) {
                sealedByIdleness++;
                continue;
            }
            ms.add((r.nanos() - sent[i]) / 1_000_000);
        }
        List<String> out = new ArrayList<>();
        out.add("");
        if (ms.isEmpty()) {
            out.add("latency: no decision had a completing event");
            return out;
        }
        List<Long> sorted = ms.stream().sorted().toList();
        out.add(String.format(
                Locale.ROOT,
                "decision latency (send of the completing event -> decision read, read_committed), %d decisions: "
                        + "p50 %d ms, p99 %d ms, max %d ms; %d decisions after the last event (not counted)",
                sorted.size(),
                sorted.get((sorted.size() - 1) / 2),
                sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
                sorted.get(sorted.size() - 1),
                sealedByIdleness));
        return out;
    }

    private static String serviceOf(String line) {
        int i = line.indexOf("\"service\":\"");
        int from = i + "\"service\":\"".length();
        return line.substring(from, line.indexOf('"', from));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
