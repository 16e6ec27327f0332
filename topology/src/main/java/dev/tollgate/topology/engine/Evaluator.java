package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.BatchPolicy;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.InconclusiveAction;
import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.QueueWork;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.schemas.avro.RevisionPins;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.SideEffect;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.gates.Gate;
import dev.tollgate.topology.gates.GateInput;
import dev.tollgate.topology.gates.GateOutcome;
import dev.tollgate.topology.gates.Gates;
import dev.tollgate.topology.gates.WarmCapacityGate;
import dev.tollgate.topology.math.DedupeKeys;
import dev.tollgate.topology.math.DeltaS;
import dev.tollgate.topology.math.LambdaRule;
import dev.tollgate.topology.math.LambdaState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * The gate engine, free of Kafka: it ingests events into tick partials, seals ticks in event-time order
 * once the service's watermark (largest event time − grace) passes them, folds them into the step's
 * evidence, evaluates the gates once per sealed tick and runs the decision state machine.
 *
 * <p>Because evidence only counts once its tick is sealed, and rollout changes take effect at tick
 * boundaries, events that arrive out of order within the grace period give exactly the same results as
 * in order; events later than that are reported as late and not counted.
 */
public final class Evaluator {
    /** Events of this many ms after the step start are always in the evidence span. */
    private static final long MINUTE_MS = 60_000L;
    private static final double HEAVY_BATCH_MAX_PERCENT = 25.0;
    private static final double FULL_TRAFFIC = 100.0;
    private static final long DEFAULT_DEDUPE_RETENTION_MS = 24 * 3_600_000L;

    private final long graceMs;
    private final long tickMs;
    private final long refreshMs;
    private final Function<String, GatePolicy> policies;
    private final List<Gate> gates;

    /** Outcome of ingesting one event. */
    public enum Ingest { ACCEPTED, LATE, IGNORED }

    public Evaluator(long graceMs, long tickMs, long refreshMs, Function<String, GatePolicy> policies, List<Gate> gates) {
        this.graceMs = graceMs;
        this.tickMs = tickMs;
        this.refreshMs = refreshMs;
        this.policies = policies;
        this.gates = List.copyOf(gates);
    }

    /** An evaluator with every gate of {@link Gates#all()}. */
    public Evaluator(long graceMs, long tickMs, long refreshMs, Function<String, GatePolicy> policies) {
        this(graceMs, tickMs, refreshMs, policies, Gates.all());
    }

    // ---------------------------------------------------------------- ingest

    /** Adds one event of {@code service} (event time {@code ts}) to the open partials. */
    public Ingest ingest(ServiceState st, String service, SpecificRecord event, long ts, KeyLedger ledger) {
        if (st.nextTick == Long.MIN_VALUE) {
            st.nextTick = Math.floorDiv(ts - graceMs, tickMs);
        }
        if (event instanceof RolloutEvent r) {
            // control events are never dropped: a late one takes effect at the next boundary
            insertRollout(st, r);
            st.maxEventTime = Math.max(st.maxEventTime, ts);
            return Math.floorDiv(ts, tickMs) < st.nextTick ? Ingest.LATE : Ingest.ACCEPTED;
        }
        long tick = Math.floorDiv(ts, tickMs);
        if (tick < st.nextTick) {
            return Ingest.LATE;
        }
        boolean used;
        if (event instanceof RequestLog r) {
            used = request(st, service, partial(st, tick, r.getRevision()), r, ts, ledger);
        } else if (event instanceof MetricSample m) {
            used = metric(st, tick, m, ts);
        } else if (event instanceof SideEffect s) {
            used = sideEffect(st, service, tick, s, ts, ledger, policies.apply(service));
        } else if (event instanceof QueueWork q) {
            used = queueWork(st, service, tick, q, ts, ledger, policies.apply(service));
        } else if (event instanceof ProbeResult p) {
            used = probe(st, tick, p);
        } else {
            used = false;
        }
        st.maxEventTime = Math.max(st.maxEventTime, ts);
        return used ? Ingest.ACCEPTED : Ingest.IGNORED;
    }

    private static void insertRollout(ServiceState st, RolloutEvent r) {
        int i = st.pendingRollouts.size();
        while (i > 0 && ROLLOUT_ORDER.compare(st.pendingRollouts.get(i - 1), r) > 0) {
            i--;
        }
        st.pendingRollouts.add(i, r);
    }

    private static final Comparator<RolloutEvent> ROLLOUT_ORDER = Comparator
            .comparingLong(RolloutEvent::getTimestamp)
            .thenComparing(RolloutEvent::getReleaseId)
            .thenComparingInt(RolloutEvent::getStepIndex)
            .thenComparingInt(r -> r.getPhase().ordinal());

    private static RevisionEvidence partial(ServiceState st, long tick, String revision) {
        TreeMap<String, RevisionEvidence> partials;
        if (tick == st.cachedTick) {
            partials = st.cachedTickPartials;
        } else {
            partials = st.openTicks.computeIfAbsent(tick, t -> new TreeMap<>());
            st.cachedTick = tick;
            st.cachedTickPartials = partials;
        }
        RevisionEvidence e = partials.get(revision);
        if (e == null) {
            e = new RevisionEvidence();
            partials.put(revision, e);
        }
        return e;
    }

    private boolean request(ServiceState st, String service, RevisionEvidence p, RequestLog r, long ts, KeyLedger ledger) {
        p.requests++;
        if (r.getStatus() >= 500 && r.getStatus() <= 599) {
            p.errors5xx++;
        }
        if (r.getColdStart()) {
            p.coldStarts++;
        }
        p.latency.add(r.getLatencyMs());
        if (r.getSchemaRev() != null || r.getIndexHash() != null || r.getModelTag() != null) {
            p.pinCombos.merge(RevisionEvidence.pinKey(r.getSchemaRev(), r.getIndexHash(), r.getModelTag()), 1L, Long::sum);
        }
        if (r.getPinnedRelease() != null) {
            p.pinnedValues.merge(r.getPinnedRelease(), 1L, Long::sum);
        }
        if (r.getStreamOutcome() == StreamOutcome.CUT) {
            p.streamsCut++;
        }
        p.releaseId = r.getReleaseId();
        if (r.getIdempotencyKey() != null && "POST".equalsIgnoreCase(r.getMethod())) {
            // the policy is looked up only here: most requests carry no idempotency key
            GatePolicy policy = policies.apply(service);
            long[] before = ledger.delivery(service, r.getIdempotencyKey(), ts, r.getDedupeHit(), retention(st, policy, ts));
            long n = before[0];
            long h = before[1];
            if (n > 0) {
                // order-independent: of n+1 deliveries n are duplicates, min(hits, n) of them deduped
                p.postDuplicates++;
                long hits = h + (r.getDedupeHit() ? 1 : 0);
                p.postDuplicatesDeduped += Math.min(hits, n) - Math.min(h, n - 1);
            }
        }
        return true;
    }

    private static boolean metric(ServiceState st, long tick, MetricSample m, long ts) {
        String rev = m.getRevision() == null ? "" : m.getRevision();
        switch (m.getName()) {
            case "warm_instances" -> partial(st, tick, rev).warm(ts, m.getValue());
            case "expected_p50_load" -> partial(st, tick, rev).expectedLoad(ts, m.getValue());
            case "queue_age_ms" -> {
                String part = m.getLabels().getOrDefault("partition", "0");
                partial(st, tick, "").queueAge(part).add(ts / 1000.0, m.getValue());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean sideEffect(ServiceState st, String service, long tick, SideEffect s, long ts, KeyLedger ledger,
                               GatePolicy policy) {
        RevisionEvidence p = partial(st, tick, s.getRevision());
        p.sideEffects++;
        String key = DedupeKeys.sideEffectKey(s.getDedupeKey(), s.getSourceId(), s.getEventRev(), s.getIndexHash());
        String before = ledger.sideEffect(service, key, ts, s.getRevision(), retention(st, policy, ts));
        if (before != null) {
            p.sideEffectDuplicates++;
            if (p.sideEffectExample == null) {
                p.sideEffectExample = "key " + key + " kind " + s.getKind() + " executed by " + before + " and "
                        + s.getRevision();
            }
        }
        return true;
    }

    private boolean queueWork(ServiceState st, String service, long tick, QueueWork q, long ts, KeyLedger ledger,
                              GatePolicy policy) {
        RevisionEvidence p = partial(st, tick, q.getRevision());
        p.queueWorks++;
        String key = q.getQueue() + "|" + q.getPartition() + "|" + q.getOffset();
        String other = ledger.queueOffset(service, key, ts, q.getRevision(), retention(st, policy, ts));
        if (other != null) {
            p.fenceViolations++;
            if (p.fenceExample == null) {
                p.fenceExample = "queue " + q.getQueue() + " partition " + q.getPartition() + " offset " + q.getOffset()
                        + " worked by " + other + " and " + q.getRevision();
            }
        } else if (q.getFence() != null && !q.getFence().equals(q.getReleaseId())) {
            p.fenceViolations++;
            if (p.fenceExample == null) {
                p.fenceExample = "queue " + q.getQueue() + " partition " + q.getPartition() + " fenced by "
                        + q.getFence() + " but worked by release " + q.getReleaseId() + " (" + q.getRevision() + ")";
            }
        }
        return true;
    }

    private static boolean probe(ServiceState st, long tick, ProbeResult pr) {
        RevisionEvidence p = partial(st, tick, pr.getRevision());
        double ds = DeltaS.of(pr.getDeltaS(), pr.getQuestionEmbedding(), pr.getRetrievedEmbedding());
        p.probeDeltaS.merge(pr.getQuestionId(), new double[] {ds, 1}, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
        LambdaState lambda = LambdaRule.classify(pr.getTrajectory());
        boolean convergent = lambda == LambdaState.CONVERGENT;
        p.probeSeeds.merge(pr.getSeed(), new long[] {1, convergent ? 0 : 1}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        if (!convergent && p.lambdaExample == null) {
            p.lambdaExample = "seed " + pr.getSeed() + " question " + pr.getQuestionId() + " " + lambda;
        }
        return true;
    }

    private static long retention(ServiceState st, GatePolicy policy, long ts) {
        if (policy.getDedupeRetentionMs() != null) {
            return policy.getDedupeRetentionMs();
        }
        long window = st.rollout == null ? 0 : Math.max(0, ts - st.releaseStart);
        return window + DEFAULT_DEDUPE_RETENTION_MS;
    }

    // ---------------------------------------------------------------- advance

    /**
     * Seals every tick the watermark has passed, in order, and evaluates. Returns whether anything was
     * emitted (so the caller refreshes the rollout status view).
     */
    public boolean advance(ServiceState st, String service, Emitter out) {
        if (st.nextTick == Long.MIN_VALUE || st.maxEventTime == Long.MIN_VALUE) {
            return false;
        }
        long watermark = st.maxEventTime - graceMs;
        long lastSealable = Math.floorDiv(watermark, tickMs) - 1; // tick k is sealed when (k+1)*T <= watermark
        boolean emitted = false;
        while (st.nextTick <= lastSealable) {
            long k = st.nextTick;
            long nextEventTick = nextInterestingTick(st);
            if (nextEventTick > k && nextEventTick > lastSealable) {
                // nothing until the watermark: jump to the last sealable tick and evaluate there once
                k = lastSealable;
            } else if (nextEventTick > k) {
                k = nextEventTick;
            }
            emitted |= seal(st, service, k, out);
            st.nextTick = k + 1;
        }
        return emitted;
    }

    private long nextInterestingTick(ServiceState st) {
        long next = Long.MAX_VALUE;
        if (!st.openTicks.isEmpty()) {
            next = st.openTicks.firstKey();
        }
        if (!st.pendingRollouts.isEmpty()) {
            // a rollout at ts takes effect at the tick starting at or after ts
            long ts = st.pendingRollouts.get(0).getTimestamp();
            next = Math.min(next, Math.floorDiv(ts + tickMs - 1, tickMs));
        }
        // minute boundaries close timeline windows
        if (!st.minutes.isEmpty()) {
            long minuteEnd = st.minutes.firstKey() + MINUTE_MS;
            next = Math.min(next, Math.floorDiv(minuteEnd, tickMs) - 1);
        }
        return next;
    }

    private boolean seal(ServiceState st, String service, long k, Emitter out) {
        long tickStart = k * tickMs;
        long tickEnd = tickStart + tickMs;
        boolean emitted = false;
        while (!st.pendingRollouts.isEmpty() && st.pendingRollouts.get(0).getTimestamp() <= tickStart) {
            applyRollout(st, st.pendingRollouts.remove(0), tickStart);
        }
        // partials of earlier ticks (only possible after a jump) are folded too, oldest first
        GatePolicy policy = policies.apply(service);
        st.cachedTick = Long.MIN_VALUE; // sealed partials leave the open map
        st.cachedTickPartials = null;
        while (!st.openTicks.isEmpty() && st.openTicks.firstKey() <= k) {
            Map.Entry<Long, TreeMap<String, RevisionEvidence>> e = st.openTicks.pollFirstEntry();
            fold(st, e.getKey() * tickMs, e.getValue(), policy);
        }
        emitted |= closeMinutes(st, service, tickEnd, out);
        if (st.state == ReleaseState.ACTIVE || st.state == ReleaseState.DRAINING) {
            emitted |= evaluate(st, service, tickEnd, policy, out);
        }
        return emitted;
    }

    private void applyRollout(ServiceState st, RolloutEvent r, long effectiveAt) {
        boolean sameRelease = st.rollout != null && st.rollout.getReleaseId().equals(r.getReleaseId());
        if (!sameRelease) {
            st.failures.clear();
            st.decisionSeq = 0;
            st.releaseStart = effectiveAt;
            st.state = ReleaseState.NONE;
        }
        if (st.state == ReleaseState.FROZEN && sameRelease) {
            st.rollout = r; // remember what the router says, but no automatic retries
            return;
        }
        st.rollout = r;
        switch (r.getPhase()) {
            case STARTED, STEP -> {
                st.state = ReleaseState.ACTIVE;
                st.stepStart = effectiveAt;
                st.resetStepEvidence(sameRelease, r.getTrafficPercent() >= FULL_TRAFFIC);
            }
            case DRAINING -> {
                st.state = ReleaseState.DRAINING;
                st.stepStart = effectiveAt;
                st.resetStepEvidence(sameRelease, false);
            }
            case COMPLETED, ABORTED -> st.state = ReleaseState.ENDED;
            default -> {
            }
        }
    }

    private static void fold(ServiceState st, long tickStart, TreeMap<String, RevisionEvidence> partials, GatePolicy policy) {
        RolloutEvent r = st.rollout;
        for (Map.Entry<String, RevisionEvidence> e : partials.entrySet()) {
            String revision = e.getKey();
            RevisionEvidence raw = e.getValue();
            boolean isCanary = r != null && revision.equals(r.getCanaryRevision());
            boolean isBaseline = r != null && revision.equals(r.getBaselineRevision());
            derive(st, raw, tickStart, isCanary, isBaseline, policy);
            if (!revision.isEmpty()) {
                long minute = Math.floorDiv(tickStart, MINUTE_MS) * MINUTE_MS;
                st.minutes.computeIfAbsent(minute, m -> new TreeMap<>())
                        .computeIfAbsent(revision, x -> new RevisionEvidence()).merge(raw);
            }
            boolean inStep = (st.state == ReleaseState.ACTIVE || st.state == ReleaseState.DRAINING)
                    && tickStart >= st.stepStart;
            if (!inStep) {
                continue;
            }
            if (isCanary) {
                st.canary.merge(raw);
            } else if (isBaseline) {
                st.baseline.merge(raw);
            } else if (revision.isEmpty()) {
                st.serviceLevel.merge(raw);
            }
        }
    }

    /** Computes the counters that need the rollout context (warm-up, pins, roles). */
    private static void derive(ServiceState st, RevisionEvidence raw, long tickStart, boolean isCanary, boolean isBaseline,
                               GatePolicy policy) {
        if (raw.requests > 0) {
            raw.lastRequestTick = tickStart;
        }
        if (tickStart >= st.stepStart + policy.getWarmupMs()) {
            raw.requestsAfterWarmup = raw.requests;
            raw.coldStartsAfterWarmup = raw.coldStarts;
        }
        RolloutEvent r = st.rollout;
        if (r == null || !(isCanary || isBaseline)) {
            return;
        }
        RevisionPins pins = isCanary ? r.getCanaryPins() : r.getBaselinePins();
        for (Map.Entry<String, Long> c : raw.pinCombos.entrySet()) {
            raw.pinCarrying += c.getValue();
            String[] parts = RevisionEvidence.pinParts(c.getKey());
            String mismatch = pins == null ? null : mismatch(parts, pins);
            if (mismatch != null) {
                raw.pinMismatches += c.getValue();
                if (raw.pinMismatchExample == null) {
                    raw.pinMismatchExample = mismatch + " on " + (isCanary ? "canary " : "baseline ")
                            + (isCanary ? r.getCanaryRevision() : r.getBaselineRevision());
                }
            }
        }
        for (Map.Entry<String, Long> p : raw.pinnedValues.entrySet()) {
            String intended = intendedRevision(p.getKey(), r);
            raw.pinnedRequests += p.getValue();
            String self = isCanary ? r.getCanaryRevision() : r.getBaselineRevision();
            if (intended != null && !intended.equals(self)) {
                raw.misrouted += p.getValue();
            }
        }
        if (isBaseline) {
            raw.streamsCutOld = raw.streamsCut;
        }
    }

    private static String mismatch(String[] requestPins, RevisionPins pins) {
        String[] names = {"schemaRev", "indexHash", "modelTag"};
        String[] serving = {pins.getSchemaRev(), pins.getIndexHash(), pins.getModelTag()};
        for (int i = 0; i < 3; i++) {
            if (requestPins[i] != null && serving[i] != null && !requestPins[i].equals(serving[i])) {
                return names[i] + " " + requestPins[i] + " != served " + serving[i];
            }
        }
        return null;
    }

    private static String intendedRevision(String pin, RolloutEvent r) {
        return switch (pin) {
            case "canary", "new" -> r.getCanaryRevision();
            case "baseline", "old", "stable" -> r.getBaselineRevision();
            default -> pin.equals(r.getCanaryRevision()) || pin.equals(r.getBaselineRevision()) ? pin : null;
        };
    }

    private static boolean closeMinutes(ServiceState st, String service, long upTo, Emitter out) {
        boolean emitted = false;
        while (!st.minutes.isEmpty() && st.minutes.firstKey() + MINUTE_MS <= upTo) {
            Map.Entry<Long, TreeMap<String, RevisionEvidence>> e = st.minutes.pollFirstEntry();
            for (Map.Entry<String, RevisionEvidence> rev : e.getValue().entrySet()) {
                RevisionEvidence m = rev.getValue();
                boolean any = m.requests > 0;
                out.minute(RevisionMinuteStats.newBuilder()
                        .setService(service)
                        .setRevision(rev.getKey())
                        .setReleaseId(m.releaseId)
                        .setWindowStart(e.getKey())
                        .setWindowEnd(e.getKey() + MINUTE_MS)
                        .setRequests(m.requests)
                        .setErrors5xx(m.errors5xx)
                        .setP50LatencyMs(any ? m.latency.quantile(0.5) : null)
                        .setP95LatencyMs(any ? m.latency.quantile(0.95) : null)
                        .setP99LatencyMs(any ? m.latency.quantile(0.99) : null)
                        .setColdStarts(m.coldStarts)
                        .setPinMismatches(m.pinMismatches)
                        .setMisrouted(m.misrouted)
                        .setStreamsCut(m.streamsCut)
                        .build());
                emitted = true;
            }
        }
        return emitted;
    }

    // ---------------------------------------------------------------- evaluate and decide

    private boolean evaluate(ServiceState st, String service, long at, GatePolicy policy, Emitter out) {
        RolloutEvent r = st.rollout;
        List<Double> steps = policy.getSteps();
        int stepIndex = r.getStepIndex();
        Double next = stepIndex + 1 < steps.size() ? steps.get(stepIndex + 1) : null;
        GateInput input = new GateInput(policy, stepIndex, r.getTrafficPercent(), next, st.draining(), st.stepStart, at,
                st.baseline, st.canary, st.serviceLevel);

        List<Evaluated> results = new ArrayList<>(gates.size());
        for (Gate gate : gates) {
            GateSettings gs = policy.getGates().get(gate.id());
            if (gs != null && !gs.getEnabled()) {
                continue;
            }
            if (gate instanceof WarmCapacityGate && !WarmCapacityGate.applies(input)) {
                continue;
            }
            double threshold = gs != null && gs.getThreshold() != null ? gs.getThreshold() : gate.defaultThreshold();
            GateOutcome o = gate.evaluate(input, threshold);
            results.add(new Evaluated(gate, o, gs != null && gs.getDryRun()));
        }

        GateDecision decision = decide(st, service, at, policy, r, next, results);
        boolean emitted = false;
        for (Evaluated e : results) {
            long[] last = st.published.get(e.gate.id());
            boolean changed = last == null || last[0] != e.outcome.verdict().ordinal();
            if (decision != null || changed || at - last[1] >= refreshMs) {
                out.result(toResult(service, r, st, at, e));
                st.published.put(e.gate.id(), new long[] {e.outcome.verdict().ordinal(), at});
                emitted = true;
            }
        }
        if (decision != null) {
            out.decision(decision);
            emitted = true;
        }
        return emitted;
    }

    /**
     * The one wall-clock path: the service sent nothing at all for {@code silentMs} of wall-clock time while
     * a step is active. It can only hold (never promote), once per step, and is stamped with the last event
     * time seen. Returns whether a decision was emitted.
     */
    public boolean stall(ServiceState st, String service, long silentMs, Emitter out) {
        if (st.state != ReleaseState.ACTIVE || st.rollout == null) {
            return false;
        }
        RolloutEvent r = st.rollout;
        String key = Action.HOLD + "|" + r.getStepIndex() + "|stall|";
        if (key.equals(st.lastDecisionKey)) {
            return false;
        }
        st.lastDecisionKey = key;
        st.decisionSeq++;
        String idSeed = service + "|" + r.getReleaseId() + "|" + r.getStepIndex() + "|" + Action.HOLD + "|" + st.decisionSeq;
        out.decision(GateDecision.newBuilder()
                .setDecisionId(UUID.nameUUIDFromBytes(idSeed.getBytes(StandardCharsets.UTF_8)).toString())
                .setService(service)
                .setReleaseId(r.getReleaseId())
                .setStepIndex(r.getStepIndex())
                .setTrafficPercent(r.getTrafficPercent())
                .setAction(Action.HOLD)
                .setNextTrafficPercent(null)
                .setFailingGates(List.of())
                .setReasons(List.of("NODATA: no events from " + service + " for " + silentMs
                        + " ms of wall-clock time (stall); holding until evidence arrives"))
                .setFailuresAtStep(0)
                .setBatchPolicy(r.getTrafficPercent() <= HEAVY_BATCH_MAX_PERCENT ? BatchPolicy.PAUSE_HEAVY : BatchPolicy.NORMAL)
                .setDecidedAt(Math.max(st.maxEventTime, st.stepStart))
                .build());
        return true;
    }

    private record Evaluated(Gate gate, GateOutcome outcome, boolean dryRun) {
        boolean blocking() {
            return !dryRun && outcome.verdict() == Verdict.FAIL;
        }
    }

    private GateDecision decide(ServiceState st, String service, long at, GatePolicy policy, RolloutEvent r, Double next,
                                List<Evaluated> results) {
        List<String> rollbackGates = new ArrayList<>();
        List<String> holdGates = new ArrayList<>();
        List<String> notPassing = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Evaluated e : results) {
            reasons.add((e.dryRun ? "[dry-run] " : "") + e.outcome.detail()
                    + (e.blocking() && !e.gate.remedy().isEmpty() ? "; remedy: " + e.gate.remedy() : ""));
            if (e.blocking()) {
                (e.gate.holdsOnFail() ? holdGates : rollbackGates).add(e.gate.id());
            } else if (!e.dryRun && e.outcome.verdict() != Verdict.PASS) {
                notPassing.add(e.gate.id());
            }
        }
        int stepIndex = r.getStepIndex();
        long elapsed = at - st.stepStart;
        Action action = null;
        List<String> failing = List.of();
        int failuresAtStep = 0;
        String why = "";
        if (!rollbackGates.isEmpty()) {
            failing = rollbackGates;
            boolean freeze = false;
            for (String g : rollbackGates) {
                int n = st.failures.merge(stepIndex + "|" + g, 1, Integer::sum);
                failuresAtStep = Math.max(failuresAtStep, n);
                freeze |= n >= policy.getFailuresToFreeze();
            }
            action = freeze ? Action.FREEZE : Action.ROLLBACK;
            st.state = freeze ? ReleaseState.FROZEN : ReleaseState.ROLLED_BACK;
        } else if (!holdGates.isEmpty()) {
            failing = holdGates;
            action = Action.HOLD;
            why = "hold";
        } else if (st.state == ReleaseState.DRAINING) {
            return null; // while draining only failures decide
        } else if (notPassing.isEmpty() && elapsed >= policy.getMinStepDurationMs()) {
            action = next == null ? Action.COMPLETE : Action.PROMOTE;
            st.state = next == null ? ReleaseState.COMPLETE : ReleaseState.AWAITING_STEP;
        } else {
            long noData = policy.getNoDataTimeoutMs();
            long lastCanary = st.canary.lastRequestTick;
            boolean stalled = lastCanary == Long.MIN_VALUE ? elapsed >= noData : at - (lastCanary + tickMs) >= noData;
            if (stalled) {
                action = Action.HOLD;
                failing = notPassing;
                why = "nodata";
                reasons.add(0, "NODATA: no canary requests for " + noData + " ms of event time; holding");
            } else if (elapsed >= policy.getMaxStepDurationMs() && !notPassing.isEmpty()) {
                failing = notPassing;
                why = "max-duration";
                reasons.add(0, "step still inconclusive after maxStepDurationMs " + policy.getMaxStepDurationMs()
                        + " ms: " + policy.getOnInconclusive());
                if (policy.getOnInconclusive() == InconclusiveAction.ROLLBACK) {
                    action = Action.ROLLBACK;
                    st.state = ReleaseState.ROLLED_BACK;
                } else {
                    action = Action.HOLD;
                }
            }
        }
        if (action == null) {
            return null;
        }
        if (action != Action.ROLLBACK && action != Action.FREEZE) {
            for (String g : failing) {
                failuresAtStep = Math.max(failuresAtStep, st.failures.getOrDefault(stepIndex + "|" + g, 0));
            }
        }
        String key = action + "|" + stepIndex + "|" + why + "|" + String.join(",", failing);
        if ((action == Action.HOLD) && key.equals(st.lastDecisionKey)) {
            return null; // once per change, not once per tick
        }
        st.lastDecisionKey = key;
        st.decisionSeq++;
        Double nextPercent = switch (action) {
            case PROMOTE -> next;
            case ROLLBACK, FREEZE -> 0.0;
            default -> null;
        };
        String idSeed = service + "|" + r.getReleaseId() + "|" + stepIndex + "|" + action + "|" + st.decisionSeq;
        return GateDecision.newBuilder()
                .setDecisionId(UUID.nameUUIDFromBytes(idSeed.getBytes(StandardCharsets.UTF_8)).toString())
                .setService(service)
                .setReleaseId(r.getReleaseId())
                .setStepIndex(stepIndex)
                .setTrafficPercent(r.getTrafficPercent())
                .setAction(action)
                .setNextTrafficPercent(nextPercent)
                .setFailingGates(new ArrayList<>(failing))
                .setReasons(reasons)
                .setFailuresAtStep(failuresAtStep)
                .setBatchPolicy(r.getTrafficPercent() <= HEAVY_BATCH_MAX_PERCENT ? BatchPolicy.PAUSE_HEAVY : BatchPolicy.NORMAL)
                .setDecidedAt(at)
                .build();
    }

    private static GateResult toResult(String service, RolloutEvent r, ServiceState st, long at, Evaluated e) {
        GateOutcome o = e.outcome;
        return GateResult.newBuilder()
                .setService(service)
                .setReleaseId(r.getReleaseId())
                .setStepIndex(r.getStepIndex())
                .setTrafficPercent(r.getTrafficPercent())
                .setGate(e.gate.id())
                .setVerdict(o.verdict())
                .setBaselineValue(finite(o.baselineValue()))
                .setCanaryValue(finite(o.canaryValue()))
                .setDelta(finite(o.delta()))
                .setThreshold(o.threshold())
                .setBaselineSamples(o.baselineSamples())
                .setCanarySamples(o.canarySamples())
                .setStatistic(o.statistic())
                .setDryRun(e.dryRun)
                .setWindowStart(st.stepStart)
                .setWindowEnd(at)
                .setEvaluatedAt(at)
                .setDetail(o.detail())
                .build();
    }

    private static Double finite(Double d) {
        return d == null || d.isNaN() || d.isInfinite() ? null : d;
    }
}
