package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.BatchPolicy;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.evidence.TrafficEvidence;
import dev.tollgate.topology.gates.GateOutcome;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Job: builds the Avro output records (gate results, decisions, timeline minutes), the one place each is
 * built. Decision ids are deterministic: a name-based UUID of service, release, step, action and the release's
 * decision sequence number, so a replay or a restarted instance publishes the same ids.
 */
final class Outputs {
    /** Steps up to this canary share pause heavy batch jobs. */
    private static final double HEAVY_BATCH_MAX_PERCENT = 25.0;

    private Outputs() {}

    static GateResult result(String service, RolloutEvent r, long stepStart, long at, GateRun run, StepEvidence step) {
        GateOutcome o = run.outcome();
        boolean reference = step.baselineIsReference() && run.gate().comparesWithBaseline();
        return GateResult.newBuilder()
                .setService(service)
                .setReleaseId(r.getReleaseId())
                .setStepIndex(r.getStepIndex())
                .setTrafficPercent(r.getTrafficPercent())
                .setGate(run.gate().id())
                .setVerdict(o.verdict())
                .setBaselineValue(finite(o.baselineValue()))
                .setCanaryValue(finite(o.canaryValue()))
                .setDelta(finite(o.delta()))
                .setThreshold(o.threshold())
                .setBaselineSamples(o.baselineSamples())
                .setCanarySamples(o.canarySamples())
                .setStatistic(o.statistic())
                .setDryRun(run.dryRun())
                .setWindowStart(stepStart)
                .setWindowEnd(at)
                .setEvaluatedAt(at)
                .setBaselineWindowStart(reference ? step.referenceFrom : null)
                .setBaselineWindowEnd(reference ? step.referenceTo : null)
                .setDetail(
                        reference
                                ? o.detail() + "; baseline: the previous step's span, as no baseline serves at 100 %"
                                : o.detail())
                .build();
    }

    /** The decision record; {@code sequence} is the release's decision number (1 for its first decision). */
    static GateDecision decision(
            String service, RolloutEvent r, DecisionPolicy.StepDecision d, int sequence, long decidedAt) {
        String idSeed = service + "|" + r.getReleaseId() + "|" + r.getStepIndex() + "|" + d.action() + "|" + sequence;
        return GateDecision.newBuilder()
                .setDecisionId(UUID.nameUUIDFromBytes(idSeed.getBytes(StandardCharsets.UTF_8))
                        .toString())
                .setService(service)
                .setReleaseId(r.getReleaseId())
                .setStepIndex(r.getStepIndex())
                .setTrafficPercent(r.getTrafficPercent())
                .setAction(d.action())
                .setNextTrafficPercent(d.nextTrafficPercent())
                .setFailingGates(d.failingGates())
                .setReasons(d.reasons())
                .setFailuresAtStep(d.failuresAtStep())
                .setBatchPolicy(
                        r.getTrafficPercent() <= HEAVY_BATCH_MAX_PERCENT ? BatchPolicy.PAUSE_HEAVY : BatchPolicy.NORMAL)
                .setDecidedAt(decidedAt)
                .build();
    }

    /** Emits every open timeline minute that ends at or before {@code upTo}; returns whether any was. */
    static boolean closeMinutes(RevisionWindows minutes, String service, long upTo, Emitter out) {
        boolean emitted = false;
        while (!minutes.isEmpty() && minutes.firstKey() + TickClock.MINUTE_MS <= upTo) {
            Map.Entry<Long, TreeMap<String, RevisionEvidence>> e = minutes.pollFirst();
            for (Map.Entry<String, RevisionEvidence> rev : e.getValue().entrySet()) {
                out.minute(minute(service, rev.getKey(), e.getKey(), rev.getValue()));
                emitted = true;
            }
        }
        return emitted;
    }

    private static RevisionMinuteStats minute(String service, String revision, long start, RevisionEvidence m) {
        TrafficEvidence t = m.traffic;
        boolean any = t.requests > 0;
        return RevisionMinuteStats.newBuilder()
                .setService(service)
                .setRevision(revision)
                .setReleaseId(t.releaseId)
                .setWindowStart(start)
                .setWindowEnd(start + TickClock.MINUTE_MS)
                .setRequests(t.requests)
                .setErrors5xx(t.errors5xx)
                .setP50LatencyMs(any ? t.latency.quantile(0.5) : null)
                .setP95LatencyMs(any ? t.latency.quantile(0.95) : null)
                .setP99LatencyMs(any ? t.latency.quantile(0.99) : null)
                .setColdStarts(t.coldStarts)
                .setPinMismatches(m.pins.mismatches)
                .setMisrouted(m.pins.misrouted)
                .setStreamsCut(t.streamsCut)
                .build();
    }

    private static Double finite(Double d) {
        return d == null || d.isNaN() || d.isInfinite() ? null : d;
    }
}
