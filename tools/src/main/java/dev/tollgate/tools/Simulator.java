package dev.tollgate.tools;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.QueueWork;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RevisionPins;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.SideEffect;
import dev.tollgate.schemas.avro.StreamOutcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plays a {@link ScenarioSpec}: generates the events a service, its probe runner, queue workers and metric
 * shipper would publish during a rollout, and acts as the router: it starts the canary at the first step's
 * share, shifts traffic on PROMOTE (publishing a STEP event with the next share), ends the rollout on COMPLETE
 * (COMPLETED), sends all traffic back to the baseline on ROLLBACK or FREEZE (ABORTED), and gives up on a rollout
 * held longer than the scenario's hold timeout (ABORTED).
 *
 * <p>Every gate gets its inputs: requests (5xx, latency, cold starts, POSTs with idempotency keys and retries,
 * pins, X-Release pins, streamed responses), side effects, queue work and {@code queue_age_ms}, the canary's
 * {@code warm_instances}/{@code expected_p50_load}, and at every step the whole probe set on every seed for
 * both revisions.
 *
 * <p>Time: events carry event time from {@link Options#startMs()}, generated in slices of
 * {@link Options#sliceMs()}. With {@link Options#speed()} &gt; 0 the simulator paces itself to that many
 * event-time ms per wall-clock ms (a live cluster); with 0 it runs as fast as the bus takes events (in process).
 * The same seed, bus and options give the same events.
 */
public final class Simulator {
    /** 2026-01-01T00:00:00Z: the default event-time origin of in-process runs. */
    public static final long DEFAULT_START_MS = 1_767_225_600_000L;

    private static final String PROBE_SET = "faq-v1";
    private static final String QUEUE = "orders";
    private static final int QUEUE_PARTITIONS = 2;
    private static final long WARM_EVERY_MS = 5_000;
    private static final long QUEUE_AGE_EVERY_MS = 500;
    private static final long GAP_BETWEEN_ROLLOUTS_MS = 3_000;

    /**
     * How to run.
     *
     * @param seed          random seed
     * @param rate          requests per second of event time (the whole service)
     * @param maxDurationMs event time after which the simulation stops
     * @param speed         event-time ms per wall ms; 0 = unpaced
     * @param startMs       event time of the first event
     * @param sliceMs       event time generated between two looks at Tollgate's decisions
     * @param policyKey     key the scenario's policy is exported (and published) under
     * @param publishPolicy send the policy on the bus (false: someone else put it in place; it is still exported)
     * @param policySettleMs wall time to wait after publishing the policy (the service loads it asynchronously)
     */
    public record Options(
            long seed,
            double rate,
            long maxDurationMs,
            double speed,
            long startMs,
            long sliceMs,
            String policyKey,
            boolean publishPolicy,
            long policySettleMs) {
        public static Options inProcess(ScenarioSpec spec) {
            return new Options(spec.seed, spec.rate, 600_000, 0, DEFAULT_START_MS, 250, spec.service, true, 0);
        }
    }

    /** Called after every slice (same thread), e.g. to redraw a view. */
    public interface Listener {
        void onSlice(RolloutBoard board, long eventTime);

        /** A decision for one of the simulated rollouts arrived. */
        default void onDecision(RolloutBoard.Rollout rollout, GateDecision decision) {}

        /** The router published a rollout event. */
        default void onRouter(RolloutBoard.Rollout rollout, RolloutEvent event) {}
    }

    private final ScenarioSpec spec;
    private final Options opts;
    private final EventBus bus;
    private final Consumer<EventCodec.Event> export;
    private final Listener listener;
    private final SplittableRandom random;
    private final TrafficRandom draws;
    private final RolloutBoard board = new RolloutBoard();
    /** Events due later (retries, repeated side effects, probes), in time order, ties in scheduling order. */
    private final PriorityQueue<Scheduled> scheduled = new PriorityQueue<>(
            Comparator.comparingLong((Scheduled s) -> s.event().timestamp()).thenComparingLong(Scheduled::seq));

    private long seq;

    private record Scheduled(long seq, EventCodec.Event event) {}

    private long now;
    private long t0;
    private long wall0;
    private double requestCarry;
    private double sideEffectCarry;
    private double queueCarry;
    private long nextWarm;
    private long nextQueueAge;
    private final double[] queueAge = new double[QUEUE_PARTITIONS];
    private final long[] queueOffsets = new long[QUEUE_PARTITIONS];
    private int queuePartitionTurn;
    private long idem;
    private long sourceIds;
    private long eventsSent;

    // the rollout being played
    private ScenarioSpec.Rollout rollout;
    private RolloutBoard.Rollout row;
    private RolloutEvent current;
    private double traffic;
    private TrafficShape canaryShape;
    private long stepStartedAt;
    private long holdSince = Long.MIN_VALUE;
    private String holdKey = "";

    public Simulator(
            ScenarioSpec spec, Options opts, EventBus bus, Consumer<EventCodec.Event> export, Listener listener) {
        this.spec = spec;
        this.opts = opts;
        this.bus = bus;
        this.export = export == null ? e -> {} : export;
        this.listener = listener == null ? (b, t) -> {} : listener;
        this.random = new SplittableRandom(opts.seed());
        this.draws = new TrafficRandom(random);
    }

    public RolloutBoard board() {
        return board;
    }

    /** Events sent so far. */
    public long eventsSent() {
        return eventsSent;
    }

    /** Plays the scenario to the end; returns the board with every rollout's outcome. */
    public RolloutBoard run() throws InterruptedException {
        now = opts.startMs();
        t0 = now;
        wall0 = System.nanoTime();
        for (int p = 0; p < QUEUE_PARTITIONS; p++) {
            queueAge[p] = 2_000 + 150 * p; // a backlog being drained: healthy means not growing
        }
        nextQueueAge = now;
        EventCodec.Event policy = new EventCodec.Event("GatePolicy", opts.policyKey(), Long.MIN_VALUE, spec.policy);
        export.accept(policy);
        if (opts.publishPolicy()) {
            bus.send(policy);
            bus.flush();
            if (opts.policySettleMs() > 0) {
                Thread.sleep(opts.policySettleMs());
            }
            wall0 = System.nanoTime();
        }
        for (int i = 0; i < spec.rollouts.size() && !overTime(); i++) {
            rollout = spec.rollouts.get(i);
            if (i > 0) {
                playIdle(GAP_BETWEEN_ROLLOUTS_MS); // baseline-only traffic between two rollouts
            }
            playRollout(rollout, i);
        }
        bus.flush();
        return board;
    }

    private boolean overTime() {
        return now - t0 >= opts.maxDurationMs();
    }

    private void playIdle(long ms) throws InterruptedException {
        long end = now + ms;
        while (now < end) {
            slice();
            afterSlice();
        }
    }

    private void playRollout(ScenarioSpec.Rollout r, int index) throws InterruptedException {
        rollout = r;
        List<Double> steps = spec.policy.getSteps();
        row = board.add(
                spec.service,
                r.releaseId(),
                r.baselineRevision(),
                r.canaryRevision(),
                steps,
                "rollout " + (index + 1) + " of " + spec.service + ": " + r.releaseId() + " (" + r.baselineRevision()
                        + " -> " + r.canaryRevision() + ")");
        row.eventStart = now;
        row.wallStartNanos = System.nanoTime();
        holdSince = Long.MIN_VALUE;
        holdKey = "";
        publishRollout(RolloutPhase.STARTED, 0, steps.get(0));
        while (!row.done()) {
            slice();
            afterSlice();
            if (row.done()) {
                break;
            }
            if (overTime()) {
                board.finish(
                        row,
                        "TIMEOUT",
                        row.decisions.isEmpty() ? null : row.decisions.get(row.decisions.size() - 1),
                        now,
                        System.nanoTime(),
                        "simulation duration reached");
            } else if (holdSince != Long.MIN_VALUE && now - holdSince >= r.holdTimeoutMs()) {
                GateDecision last = row.decisions.get(row.decisions.size() - 1);
                publishRollout(RolloutPhase.ABORTED, current.getStepIndex(), 0);
                board.finish(
                        row,
                        "HOLD",
                        last,
                        now,
                        System.nanoTime(),
                        "router gave up after " + r.holdTimeoutMs() / 1000 + " s on hold");
            } else if (now - stepStartedAt >= r.stepTimeoutMs()) {
                publishRollout(RolloutPhase.ABORTED, current.getStepIndex(), 0);
                board.finish(
                        row,
                        "TIMEOUT",
                        row.decisions.isEmpty() ? null : row.decisions.get(row.decisions.size() - 1),
                        now,
                        System.nanoTime(),
                        "no decision within " + r.stepTimeoutMs() / 1000 + " s of the step");
            }
        }
        traffic = 0;
        current = null;
    }

    // ------------------------------------------------------------------ router

    private void afterSlice() throws InterruptedException {
        pace();
        long wall = System.nanoTime();
        List<GateDecision> decisions = board.onOutputs(bus.drain(), wall);
        for (GateDecision d : decisions) {
            RolloutBoard.Rollout r = board.get(d.getService(), d.getReleaseId());
            listener.onDecision(r, d);
            if (r != row || row.done() || current == null || d.getStepIndex() != current.getStepIndex()) {
                continue;
            }
            Action a = d.getAction();
            if (a == Action.HOLD) {
                String key = String.join(",", d.getFailingGates());
                if (holdSince == Long.MIN_VALUE || !key.equals(holdKey)) {
                    holdSince = now;
                    holdKey = key;
                }
                continue;
            }
            holdSince = Long.MIN_VALUE;
            switch (a) {
                case PROMOTE ->
                    publishRollout(
                            RolloutPhase.STEP,
                            d.getStepIndex() + 1,
                            d.getNextTrafficPercent() != null
                                    ? d.getNextTrafficPercent()
                                    : spec.policy.getSteps().get(d.getStepIndex() + 1));
                case COMPLETE -> {
                    publishRollout(RolloutPhase.COMPLETED, d.getStepIndex(), 100);
                    board.finish(row, "COMPLETE", d, now, wall, "");
                }
                case ROLLBACK, FREEZE -> {
                    publishRollout(RolloutPhase.ABORTED, d.getStepIndex(), 0);
                    board.finish(row, a.name(), d, now, wall, "");
                }
                default -> {}
            }
        }
        listener.onSlice(board, now);
    }

    private void pace() throws InterruptedException {
        if (opts.speed() <= 0) {
            return;
        }
        long targetNanos = wall0 + (long) ((now - t0) / opts.speed() * 1_000_000L);
        long wait = targetNanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
        }
    }

    private void publishRollout(RolloutPhase phase, int stepIndex, double percent) {
        RolloutEvent e = RolloutEvent.newBuilder()
                .setService(spec.service)
                .setReleaseId(rollout.releaseId())
                .setTimestamp(now)
                .setBaselineRevision(rollout.baselineRevision())
                .setCanaryRevision(rollout.canaryRevision())
                .setPhase(phase)
                .setStepIndex(stepIndex)
                .setTrafficPercent(percent)
                .setCanaryPins(rollout.canaryPins())
                .setBaselinePins(rollout.baselinePins())
                .build();
        current = e;
        send(EventCodec.event(e));
        bus.flush(); // the step boundary reaches the cluster before the traffic that follows it
        board.onRollout(e);
        listener.onRouter(row, e);
        if (phase == RolloutPhase.STARTED || phase == RolloutPhase.STEP) {
            traffic = percent;
            stepStartedAt = now;
            canaryShape = rollout.canaryShape(spec.baseline, stepIndex);
            scheduleProbes(now + 1_500);
            if (phase == RolloutPhase.STARTED) {
                nextWarm = now + 1_100;
            }
        } else {
            traffic = phase == RolloutPhase.COMPLETED ? 100 : 0;
        }
    }

    // ------------------------------------------------------------------ traffic

    private void slice() {
        long start = now;
        long end = now + opts.sliceMs();
        List<EventCodec.Event> events = new ArrayList<>();
        requestCarry += spec.rate * opts.sliceMs() / 1000.0;
        int n = (int) requestCarry;
        requestCarry -= n;
        double gap = (double) opts.sliceMs() / Math.max(1, n);
        for (int i = 0; i < n; i++) {
            long ts = start + (long) (i * gap + random.nextDouble() * gap);
            events.add(request(Math.min(ts, end - 1)));
        }
        TrafficShape service = spec.baseline;
        sideEffectCarry += service.sideEffectsPerSecond * opts.sliceMs() / 1000.0;
        int se = (int) sideEffectCarry;
        sideEffectCarry -= se;
        for (int i = 0; i < se; i++) {
            sideEffect(start + random.nextLong(opts.sliceMs()), events);
        }
        queueCarry += service.queueWorkPerSecond * opts.sliceMs() / 1000.0;
        int qw = (int) queueCarry;
        queueCarry -= qw;
        for (int i = 0; i < qw; i++) {
            events.add(queueWork(start + random.nextLong(opts.sliceMs())));
        }
        while (nextQueueAge < end) {
            queueAgeSamples(nextQueueAge, events);
            nextQueueAge += QUEUE_AGE_EVERY_MS;
        }
        if (current != null && row != null && !row.done()) {
            while (nextWarm < end) {
                warm(nextWarm, events);
                nextWarm += WARM_EVERY_MS;
            }
        }
        while (!scheduled.isEmpty() && scheduled.peek().event().timestamp() < end) {
            events.add(scheduled.poll().event());
        }
        events.sort(Comparator.comparingLong(EventCodec.Event::timestamp)); // stable
        for (EventCodec.Event e : events) {
            send(e);
        }
        now = end;
        if (row != null) {
            row.lastEventTime = now;
        }
    }

    private void send(EventCodec.Event e) {
        bus.send(e);
        export.accept(e);
        eventsSent++;
    }

    private void schedule(SpecificRecord r) {
        scheduled.add(new Scheduled(seq++, EventCodec.event(r)));
    }

    private boolean active() {
        return current != null
                && (current.getPhase() == RolloutPhase.STARTED || current.getPhase() == RolloutPhase.STEP);
    }

    /** Whether the router sends this request to the canary, honouring X-Release pins. */
    private boolean toCanary(String pin) {
        if (!active()) {
            return false;
        }
        if (pin != null) {
            boolean wantCanary = pin.equals("canary");
            boolean misroute = random.nextDouble() < canaryShape.misroutedShare;
            return wantCanary != misroute;
        }
        return random.nextDouble() * 100 < traffic;
    }

    private EventCodec.Event request(long ts) {
        TrafficShape base = spec.baseline;
        String pin = null;
        if (active() && random.nextDouble() < base.pinnedShare) {
            pin = random.nextBoolean() ? "canary" : "baseline";
        }
        boolean canary = toCanary(pin);
        TrafficShape s = canary ? canaryShape : base;
        String revision = canary ? rollout.canaryRevision() : baselineRevision();
        boolean post = random.nextDouble() < s.postShare;
        boolean error = random.nextDouble() < s.errorRate;
        double latency = draws.latencyMs(s.latencyMedianMs * s.latencyFactor, s.latencySigma);
        boolean streamed = random.nextDouble() < s.streamShare;
        StreamOutcome outcome = !streamed
                ? StreamOutcome.NONE
                : random.nextDouble() < s.cutShare ? StreamOutcome.CUT : StreamOutcome.COMPLETED;
        RevisionPins pins = pinsOf(canary);
        RevisionPins other = pinsOf(!canary);
        String schemaRev = pins == null ? null : pins.getSchemaRev();
        if (other != null && random.nextDouble() < s.pinSkewShare) {
            schemaRev = other.getSchemaRev();
        }
        String key = post ? "idem-" + (++idem) : null;
        RequestLog r = RequestLog.newBuilder()
                .setService(spec.service)
                .setReleaseId(canary ? rollout.releaseId() : baselineRelease())
                .setRevision(revision)
                .setTimestamp(ts)
                .setStatus(error ? 503 : post ? 201 : 200)
                .setLatencyMs(Math.round(latency * 1000) / 1000.0)
                .setColdStart(random.nextDouble() < s.coldStartRate)
                .setMethod(post ? "POST" : "GET")
                .setRoute(post ? "/api/orders" : "/api/items/{id}")
                .setPinnedRelease(pin)
                .setStreamOutcome(outcome)
                .setIdempotencyKey(key)
                .setSchemaRev(schemaRev)
                .setIndexHash(pins == null ? null : pins.getIndexHash())
                .setModelTag(pins == null ? null : pins.getModelTag())
                .build();
        if (post && random.nextDouble() < s.retryShare) {
            long retryAt = ts + 200 + random.nextLong(1_800);
            boolean retryCanary = toCanary(null);
            TrafficShape rs = retryCanary ? canaryShape : base;
            schedule(RequestLog.newBuilder(r)
                    .setTimestamp(retryAt)
                    .setRevision(retryCanary ? rollout.canaryRevision() : baselineRevision())
                    .setReleaseId(retryCanary ? rollout.releaseId() : baselineRelease())
                    .setStatus(201)
                    .setLatencyMs(Math.round(rs.latencyMedianMs * 0.3 * 1000) / 1000.0)
                    .setColdStart(false)
                    .setPinnedRelease(null)
                    .setStreamOutcome(StreamOutcome.NONE)
                    .setDedupeHit(random.nextDouble() < rs.dedupeHitShare)
                    .build());
        }
        return EventCodec.event(r);
    }

    private RevisionPins pinsOf(boolean canary) {
        if (rollout == null) {
            return null;
        }
        return canary ? rollout.canaryPins() : rollout.baselinePins();
    }

    private String baselineRevision() {
        return rollout != null
                ? rollout.baselineRevision()
                : spec.rollouts.get(0).baselineRevision();
    }

    private String baselineRelease() {
        return rollout != null
                ? rollout.baselineReleaseId()
                : spec.rollouts.get(0).baselineReleaseId();
    }

    private void sideEffect(long ts, List<EventCodec.Event> out) {
        boolean canary = toCanary(null);
        TrafficShape s = canary ? canaryShape : spec.baseline;
        RevisionPins pins = pinsOf(canary);
        SideEffect e = SideEffect.newBuilder()
                .setService(spec.service)
                .setReleaseId(canary ? rollout.releaseId() : baselineRelease())
                .setRevision(canary ? rollout.canaryRevision() : baselineRevision())
                .setTimestamp(ts)
                .setKind("webhook")
                .setSourceId("evt-" + (++sourceIds))
                .setEventRev("1")
                .setIndexHash(pins != null && pins.getIndexHash() != null ? pins.getIndexHash() : "idx-1")
                .build();
        out.add(EventCodec.event(e));
        if (random.nextDouble() < s.sideEffectRepeatShare) {
            schedule(SideEffect.newBuilder(e)
                    .setTimestamp(ts + 50 + random.nextLong(500))
                    .build());
        }
    }

    private EventCodec.Event queueWork(long ts) {
        boolean canary = toCanary(null);
        int p = queuePartitionTurn++ % QUEUE_PARTITIONS;
        String release = canary ? rollout.releaseId() : baselineRelease();
        return EventCodec.event(QueueWork.newBuilder()
                .setService(spec.service)
                .setReleaseId(release)
                .setRevision(canary ? rollout.canaryRevision() : baselineRevision())
                .setTimestamp(ts)
                .setQueue(QUEUE)
                .setPartition(p)
                .setOffset(queueOffsets[p]++)
                .setFence(release)
                .build());
    }

    private void queueAgeSamples(long ts, List<EventCodec.Event> out) {
        double share = active() ? traffic / 100.0 : 0;
        TrafficShape c = canaryShape != null ? canaryShape : spec.baseline;
        double slope = spec.baseline.queueAgeSlope * (1 - share) + c.queueAgeSlope * share;
        for (int p = 0; p < QUEUE_PARTITIONS; p++) {
            queueAge[p] = Math.max(0, queueAge[p] + slope * QUEUE_AGE_EVERY_MS / 1000.0);
            double v = Math.max(0, queueAge[p] + 0.5 * gaussian());
            out.add(EventCodec.event(MetricSample.newBuilder()
                    .setService(spec.service)
                    .setTimestamp(ts)
                    .setName("queue_age_ms")
                    .setValue(Math.round(v * 100) / 100.0)
                    .setLabels(Map.of("partition", Integer.toString(p), "queue", QUEUE))
                    .build()));
        }
    }

    private void warm(long ts, List<EventCodec.Event> out) {
        for (String[] m : new String[][] {{"warm_instances", "w"}, {"expected_p50_load", "e"}}) {
            double v = m[1].equals("w") ? canaryShape.warmInstances : canaryShape.expectedLoad;
            out.add(EventCodec.event(MetricSample.newBuilder()
                    .setService(spec.service)
                    .setReleaseId(rollout.releaseId())
                    .setRevision(rollout.canaryRevision())
                    .setTimestamp(ts)
                    .setName(m[0])
                    .setValue(v)
                    .build()));
        }
    }

    /** The whole probe set, on every seed, for both revisions, spread over a second from {@code at}. */
    private void scheduleProbes(long at) {
        GatePolicy p = spec.policy;
        int k = p.getProbeSetSize();
        int seeds = Math.max(2, p.getProbeSeeds());
        long ts = at;
        for (int rev = 0; rev < 2; rev++) {
            boolean canary = rev == 1;
            TrafficShape s = canary ? canaryShape : spec.baseline;
            for (int seed = 1; seed <= seeds; seed++) {
                for (int q = 1; q <= k; q++) {
                    double base = s.probeDeltaS + 0.08 * Math.sin(q * 1.7);
                    double ds = Math.max(0, Math.min(1, base + s.probeDrift + 0.003 * gaussian()));
                    schedule(ProbeResult.newBuilder()
                            .setService(spec.service)
                            .setReleaseId(canary ? rollout.releaseId() : baselineRelease())
                            .setRevision(canary ? rollout.canaryRevision() : baselineRevision())
                            .setTimestamp(ts)
                            .setProbeSet(PROBE_SET)
                            .setQuestionId(String.format("q%02d", q))
                            .setSeed(seed)
                            .setDeltaS(Math.round(ds * 1e5) / 1e5)
                            .setTrajectory(trajectory(ds, s.probeTrajectory))
                            .build());
                    ts += 25;
                }
            }
        }
    }

    private static List<Double> trajectory(double ds, String shape) {
        List<Double> t = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            t.add(Math.round((ds + 0.3 * Math.pow(0.5, i)) * 1e5) / 1e5);
        }
        switch (shape) {
            case "chaotic" -> t.add(t.get(t.size() - 1) + 0.08);
            case "divergent" -> {
                double last = t.get(t.size() - 1);
                t.add(last + 0.03);
            }
            default -> {}
        }
        return t;
    }

    private double gaussian() {
        return draws.gaussian();
    }
}
