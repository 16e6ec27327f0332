package dev.tollgate.tools.demo;

import dev.tollgate.router.HaproxyRouter;
import dev.tollgate.router.HaproxyRuntime;
import dev.tollgate.router.RolloutSpec;
import dev.tollgate.router.RouterClients;
import dev.tollgate.router.RouterHeaders;
import dev.tollgate.router.RouterTopics;
import dev.tollgate.router.local.Backend;
import dev.tollgate.router.local.HaproxySandbox;
import dev.tollgate.router.local.LoadGenerator;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.tools.Lines;
import dev.tollgate.tools.RolloutBoard;
import dev.tollgate.tools.ScenarioSpec;
import dev.tollgate.tools.TerminalView;
import dev.tollgate.topology.TopicNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code tollgate demo --router haproxy}: one rollout of {@code checkout} through a real HAProxy. Two tiny HTTP
 * backends (the baseline, and a canary that is healthy or answers a share of 500s), HAProxy in front of them on a
 * config built from {@code deploy/haproxy/}'s lines ({@link HaproxySandbox}), its access log shipped over UDP
 * syslog to {@code tollgate.requests}, a load generator sending requests through it, and the router
 * ({@link HaproxyRouter}, in process) moving HAProxy's weights on Tollgate's decisions. The view is fed from the
 * topics (every RolloutEvent the router published, every result and decision), and each shift prints the weights
 * HAProxy reports for it ({@code show servers state}).
 */
final class HaproxyDemo implements AutoCloseable {
    static final String SERVICE = "checkout";
    static final String BASELINE = "checkout-00041";
    /** Backends answer after this long (the same for both: a latency difference would be the canary's). */
    static final long BACKEND_DELAY_MS = 20;
    /** A rollout not ended by then is reported as TIMEOUT. */
    static final Duration ROLLOUT_TIMEOUT = Duration.ofMinutes(5);
    /** After the end, how long the demo watches that HAProxy sends the dropped server nothing. */
    static final Duration AFTER_END = Duration.ofSeconds(2);

    /**
     * A RolloutEvent the router published, read back from {@code tollgate.rollouts}, with the decision id it
     * carries and the weights HAProxy reported right after it was read.
     */
    record Shift(RolloutEvent event, String decisionId, Map<String, Integer> haproxyWeights) {}

    private final String releaseId;
    private final String canary;
    private final double canaryErrorsPercent;
    private final int rate;
    private final RouterClients clients;
    private final TopicNames topics;
    private final Path dir;
    private final List<Shift> shifts = new CopyOnWriteArrayList<>();
    private final AtomicBoolean routing = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<Throwable> routerFailure = new AtomicReference<>();
    private volatile String weightsLine = "";
    private volatile HaproxySandbox sandbox;
    private volatile LoadGenerator load;
    private volatile Thread router;
    /** Requests each server received in {@link #AFTER_END} after the rollout ended. */
    private volatile long baselineAfterEnd = -1;

    private volatile long canaryAfterEnd = -1;

    /**
     * @param bootstrap           the demo's broker
     * @param registryUrl         the demo's registry
     * @param topics              topic names
     * @param canaryErrorsPercent share of the canary's answers that are 500 (0: healthy)
     * @param rate                requests a second through HAProxy
     */
    HaproxyDemo(String bootstrap, String registryUrl, TopicNames topics, double canaryErrorsPercent, int rate)
            throws IOException {
        this.canaryErrorsPercent = canaryErrorsPercent;
        this.rate = rate;
        boolean healthy = canaryErrorsPercent == 0;
        this.releaseId = healthy ? "checkout-rel-42" : "checkout-rel-43";
        this.canary = healthy ? "checkout-00042" : "checkout-00043";
        this.topics = topics;
        this.clients = new RouterClients(bootstrap, registryUrl, new RouterTopics(topics.prefix()), Map.of());
        // a directory of its own with a short path: the stats socket's path is limited to 107 bytes
        this.dir = Files.createTempDirectory("tollgate-haproxy-");
    }

    /**
     * The demo's policy: request gates with small samples and short steps, so that a rollout decides in about a
     * minute at a few hundred requests a second.
     */
    static GatePolicy policy() {
        Map<String, GateSettings> gates = new LinkedHashMap<>();
        // reported, not blocking: both backends share this JVM and the machine with the broker, the service and
        // HAProxy, so a shift's burst of new connections shows as a p95 step on whichever server takes it for a
        // second or two (HaproxyRouterIT saw 48-68 ms against 8-25 ms); what the demo shows is the error-rate loop
        gates.put("latency-p95", GateSettings.newBuilder().setDryRun(true).build());
        return GatePolicy.newBuilder()
                .setGates(gates)
                .setMinSamples(30)
                .setMinStepDurationMs(5_000)
                .setWarmupMs(0)
                .setNoDataTimeoutMs(60_000)
                .build();
    }

    /** What the rollout is expected to end with. */
    ScenarioSpec.Expect expect() {
        return canaryErrorsPercent == 0
                ? new ScenarioSpec.Expect("COMPLETE", 100.0, List.of(), false)
                : new ScenarioSpec.Expect("ROLLBACK|FREEZE", null, List.of("error-rate"), false);
    }

    String releaseId() {
        return releaseId;
    }

    /** The RolloutEvents seen so far, with HAProxy's weights after each. */
    List<Shift> shifts() {
        return List.copyOf(shifts);
    }

    /** The HAProxy weights as last read, for the live view's header. */
    String weightsLine() {
        return weightsLine;
    }

    long baselineAfterEnd() {
        return baselineAfterEnd;
    }

    long canaryAfterEnd() {
        return canaryAfterEnd;
    }

    HaproxySandbox sandbox() {
        return sandbox;
    }

    /**
     * Starts HAProxy, the backends, the shipper, the load and the router, and plays the rollout to its end.
     *
     * @return the rollout as seen on the topics
     */
    RolloutBoard run(PrintWriter out, TerminalView viewer, boolean ansi) throws IOException, InterruptedException {
        int failEvery = Backend.failEvery(canaryErrorsPercent);
        sandbox = HaproxySandbox.start(
                dir,
                clients,
                List.of(new HaproxySandbox.Site(
                        SERVICE, releaseId, SERVICE, BASELINE, canary, BACKEND_DELAY_MS, failEvery)));
        HaproxyRuntime runtime = sandbox.runtime();
        out.printf(
                Locale.ROOT,
                "tollgate demo: HAProxy up (pid %d, config %s): frontend %s, runtime API %s%n",
                sandbox.process().pid(),
                sandbox.configFile(),
                sandbox.url(SERVICE),
                runtime.address());
        out.printf(
                Locale.ROOT,
                "tollgate demo: backend %s: %s on :%d (healthy), %s on :%d (%s); access log over UDP syslog"
                        + " 127.0.0.1:%d -> %s%n",
                SERVICE,
                BASELINE,
                sandbox.baseline(SERVICE).port(),
                canary,
                sandbox.canary(SERVICE).port(),
                failEvery == 0 ? "healthy" : "answers every " + failEvery + "th request with 500",
                sandbox.syslogPort(SERVICE),
                clients.topics().requests());
        out.flush();

        RolloutBoard board = new RolloutBoard();
        RolloutBoard.Rollout row = board.add(
                SERVICE,
                releaseId,
                BASELINE,
                canary,
                policy().getSteps(),
                releaseId + " via HAProxy: "
                        + (failEvery == 0
                                ? "a healthy canary"
                                : "a canary answering " + Lines.pct(canaryErrorsPercent) + " 5xx"));
        try (KafkaConsumer<String, byte[]> consumer = clients.consumer("tollgate-demo-watch");
                SpecificAvroDeserializer<SpecificRecord> decoder = clients.decoder()) {
            watchFromNow(consumer);
            load = new LoadGenerator(sandbox.url(SERVICE), rate);
            out.printf(
                    Locale.ROOT,
                    "tollgate demo: sending %d requests/s through HAProxy; router: rollout start --service %s"
                            + " --backend %s --baseline %s --canary %s --release %s%n%n",
                    rate,
                    SERVICE,
                    SERVICE,
                    BASELINE,
                    canary,
                    releaseId);
            out.flush();
            row.eventStart = System.currentTimeMillis();
            row.stepStartEvent = row.eventStart;
            row.wallStartNanos = System.nanoTime();
            startRouter(runtime);
            follow(out, viewer, ansi, board, row, consumer, decoder, runtime);
        }
        if (closed.get()) {
            // Ctrl-C: the shutdown hook is stopping HAProxy, the service and the broker
            out.println("tollgate demo: stopped before the rollout ended");
            out.flush();
            return board;
        }
        viewer.finish(board, row.eventEnd);
        watchAfterEnd(out, row);
        load.close();
        routing.set(false);
        router.join(10_000);
        for (var s : runtime.stats(SERVICE).values()) {
            out.printf(
                    Locale.ROOT,
                    "tollgate demo: haproxy %s/%s: weight %d, %d requests, %d answered 5xx%n",
                    SERVICE,
                    s.server(),
                    s.weight(),
                    s.sessions(),
                    s.responses5xx());
        }
        out.flush();
        return board;
    }

    private void startRouter(HaproxyRuntime runtime) {
        RolloutSpec spec = new RolloutSpec(SERVICE, releaseId, SERVICE, BASELINE, canary, null, null, null, null);
        router = new Thread(
                () -> {
                    try {
                        new HaproxyRouter(clients, runtime).run(spec, routing::get);
                    } catch (Throwable e) {
                        routerFailure.set(e);
                    }
                },
                "tollgate-demo-router");
        router.setDaemon(true);
        router.start();
    }

    /** Reads the three topics from their current end: what the router and Tollgate publish from now on. */
    private void watchFromNow(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(topics.rollouts(), topics.decisions(), topics.gateResults())) {
            List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + t + " does not exist");
            }
            infos.forEach(i -> parts.add(new TopicPartition(t, i.partition())));
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // resolve the end offsets now, before the router publishes
    }

    private void follow(
            PrintWriter out,
            TerminalView viewer,
            boolean ansi,
            RolloutBoard board,
            RolloutBoard.Rollout row,
            KafkaConsumer<String, byte[]> consumer,
            SpecificAvroDeserializer<SpecificRecord> decoder,
            HaproxyRuntime runtime) {
        long deadline = System.nanoTime() + ROLLOUT_TIMEOUT.toNanos();
        long lastWeights = 0;
        Shift terminal = null;
        long terminalSeenNanos = 0;
        while (!closed.get()) {
            Throwable failed = routerFailure.get();
            if (failed != null) {
                throw new IllegalStateException("the router failed: " + failed.getMessage(), failed);
            }
            List<SpecificRecord> outputs = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                SpecificRecord v = r.value() == null ? null : decoder.deserialize(r.topic(), r.value());
                if (v instanceof RolloutEvent e && e.getReleaseId().equals(releaseId)) {
                    Map<String, Integer> weights = runtime.weights(SERVICE);
                    Shift shift = new Shift(e, RouterHeaders.get(r.headers(), RouterHeaders.DECISION_ID), weights);
                    shifts.add(shift);
                    weightsLine = weightsText(weights);
                    lastWeights = System.nanoTime();
                    board.onRollout(e);
                    viewer.onRouter(row, e);
                    if (!ansi) {
                        out.printf(
                                Locale.ROOT,
                                "[%8s] %s  haproxy %s: %s%n",
                                String.format(Locale.ROOT, "+%.1fs", (e.getTimestamp() - row.eventStart) / 1000.0),
                                releaseId,
                                SERVICE,
                                weightsLine);
                        out.flush();
                    }
                    if (e.getPhase() == RolloutPhase.COMPLETED || e.getPhase() == RolloutPhase.ABORTED) {
                        terminal = shift;
                        terminalSeenNanos = System.nanoTime();
                    }
                } else if (v instanceof GateResult || v instanceof GateDecision) {
                    outputs.add(v);
                }
            }
            for (GateDecision d : board.onOutputs(outputs, System.nanoTime())) {
                viewer.onDecision(row, d);
            }
            long now = System.currentTimeMillis();
            row.lastEventTime = now;
            if (System.nanoTime() - lastWeights > 1_000_000_000L) {
                weightsLine = weightsText(runtime.weights(SERVICE));
                lastWeights = System.nanoTime();
            }
            viewer.onSlice(board, now);
            if (terminal != null) {
                GateDecision cause = decision(row, terminal.decisionId());
                // the decision that ended it is on another topic: wait a little for it to be read too
                if (cause != null || System.nanoTime() - terminalSeenNanos > 5_000_000_000L) {
                    String outcome = cause != null
                            ? cause.getAction().name()
                            : terminal.event().getPhase() == RolloutPhase.COMPLETED ? "COMPLETE" : "ROLLBACK";
                    board.finish(row, outcome, cause, now, System.nanoTime(), "");
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                board.finish(
                        row,
                        "TIMEOUT",
                        null,
                        now,
                        System.nanoTime(),
                        "not ended after " + ROLLOUT_TIMEOUT.toMinutes() + " min; HAProxy: " + weightsLine);
                return;
            }
        }
    }

    /** Counts what each server receives for a moment after the end: the dropped one should get nothing. */
    private void watchAfterEnd(PrintWriter out, RolloutBoard.Rollout row) throws InterruptedException {
        Backend base = sandbox.baseline(SERVICE);
        Backend can = sandbox.canary(SERVICE);
        long b0 = base.served();
        long c0 = can.served();
        Thread.sleep(AFTER_END.toMillis());
        baselineAfterEnd = base.served() - b0;
        canaryAfterEnd = can.served() - c0;
        out.printf(
                Locale.ROOT,
                "%ntollgate demo: %s; in the %d s after it, HAProxy sent %s %d requests and %s %d%n",
                row.outcome == null ? "not ended" : "ended with " + row.outcome,
                AFTER_END.toSeconds(),
                BASELINE,
                baselineAfterEnd,
                canary,
                canaryAfterEnd);
        out.flush();
    }

    private static GateDecision decision(RolloutBoard.Rollout row, String id) {
        if (id == null) {
            return null;
        }
        for (GateDecision d : row.decisions) {
            if (d.getDecisionId().equals(id)) {
                return d;
            }
        }
        return null;
    }

    private String weightsText(Map<String, Integer> weights) {
        int b = weights.getOrDefault(BASELINE, -1);
        int c = weights.getOrDefault(canary, -1);
        return String.format(
                Locale.ROOT,
                "%s weight %d, %s weight %d (canary %s)",
                BASELINE,
                b,
                canary,
                c,
                b + c > 0 ? Lines.pct(Math.round(1000.0 * c / (b + c)) / 10.0) : "-");
    }

    /** Stops the router and the load, then HAProxy, the shipper and the backends, and deletes the directory. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        routing.set(false);
        LoadGenerator l = load;
        if (l != null) {
            l.close();
        }
        Thread t = router;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        HaproxySandbox s = sandbox;
        if (s != null) {
            s.close();
        }
        DemoCommand.deleteTree(dir);
    }
}
