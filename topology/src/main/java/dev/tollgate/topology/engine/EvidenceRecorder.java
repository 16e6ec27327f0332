package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.QueueWork;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.SideEffect;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.topology.evidence.DedupeEvidence;
import dev.tollgate.topology.evidence.EvidenceKind;
import dev.tollgate.topology.evidence.PinEvidence;
import dev.tollgate.topology.evidence.ProbeEvidence;
import dev.tollgate.topology.evidence.QueueEvidence;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.evidence.TrafficEvidence;
import dev.tollgate.topology.math.DedupeKeys;
import dev.tollgate.topology.math.DeltaS;
import dev.tollgate.topology.math.LambdaRule;
import dev.tollgate.topology.math.LambdaState;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * Job: maps one evidence event to the raw counters of its tick partial (per revision; service-level for queue
 * metrics), consulting the key ledger for keys that must be remembered across events (idempotency keys, side
 * effect dedupe keys, worked queue offsets). Per-record work is map lookups and counter updates.
 */
final class EvidenceRecorder {
    private static final long DEFAULT_DEDUPE_RETENTION_MS = 24 * 3_600_000L;

    private final Function<String, GatePolicy> policies;

    EvidenceRecorder(Function<String, GatePolicy> policies) {
        this.policies = policies;
    }

    /**
     * Records {@code event} of {@code service} at event time {@code ts} into tick {@code tick}'s partial.
     *
     * @return the kind of evidence the event was, or null (metrics Tollgate does not read, unknown types)
     */
    EvidenceKind record(ServiceState st, String service, SpecificRecord event, long ts, long tick, KeyLedger ledger) {
        if (event instanceof RequestLog r) {
            request(st, service, st.openTicks.at(tick, r.getRevision()), r, ts, ledger);
            return EvidenceKind.REQUESTS;
        } else if (event instanceof MetricSample m) {
            return metric(st, tick, m, ts);
        } else if (event instanceof SideEffect s) {
            sideEffect(st, service, tick, s, ts, ledger);
            return EvidenceKind.SIDE_EFFECTS;
        } else if (event instanceof QueueWork q) {
            queueWork(st, service, tick, q, ts, ledger);
            return EvidenceKind.QUEUE_WORK;
        } else if (event instanceof ProbeResult p) {
            probe(st, tick, p);
            return EvidenceKind.PROBES;
        }
        return null;
    }

    private void request(ServiceState st, String service, RevisionEvidence p, RequestLog r, long ts, KeyLedger ledger) {
        TrafficEvidence t = p.traffic;
        t.requests++;
        if (r.getStatus() >= 500 && r.getStatus() <= 599) {
            t.errors5xx++;
        }
        if (r.getColdStart()) {
            t.coldStarts++;
        }
        t.latency.add(r.getLatencyMs());
        if (r.getSchemaRev() != null || r.getIndexHash() != null || r.getModelTag() != null) {
            p.pins.combos.merge(PinEvidence.pinKey(r.getSchemaRev(), r.getIndexHash(), r.getModelTag()), 1L, Long::sum);
        }
        if (r.getPinnedRelease() != null) {
            p.pins.pinnedValues.merge(r.getPinnedRelease(), 1L, Long::sum);
        }
        if (r.getStreamOutcome() == StreamOutcome.CUT) {
            t.streamsCut++;
        }
        t.releaseId = r.getReleaseId();
        if (r.getIdempotencyKey() != null && "POST".equalsIgnoreCase(r.getMethod())) {
            // the policy is looked up only here: most requests carry no idempotency key
            long retention = retention(st, policies.apply(service), ts);
            long[] before = ledger.delivery(service, r.getIdempotencyKey(), ts, r.getDedupeHit(), retention);
            long n = before[0];
            long h = before[1];
            if (n > 0) {
                // order-independent: of n+1 deliveries n are duplicates, min(hits, n) of them deduped
                DedupeEvidence d = p.dedupe;
                d.postDuplicates++;
                long hits = h + (r.getDedupeHit() ? 1 : 0);
                d.postDuplicatesDeduped += Math.min(hits, n) - Math.min(h, n - 1);
            }
        }
    }

    private static EvidenceKind metric(ServiceState st, long tick, MetricSample m, long ts) {
        String rev = m.getRevision() == null ? "" : m.getRevision();
        switch (m.getName()) {
            case "warm_instances" -> {
                st.openTicks.at(tick, rev).gauges.warm(ts, m.getValue());
                return EvidenceKind.CAPACITY;
            }
            case "expected_p50_load" -> {
                st.openTicks.at(tick, rev).gauges.expectedLoad(ts, m.getValue());
                return EvidenceKind.CAPACITY;
            }
            case "queue_age_ms" -> {
                String part = m.getLabels().getOrDefault("partition", "0");
                st.openTicks.at(tick, "").queues.age(part).add(ts / 1000.0, m.getValue());
                return EvidenceKind.QUEUE_AGE;
            }
            default -> {
                return null;
            }
        }
    }

    private void sideEffect(ServiceState st, String service, long tick, SideEffect s, long ts, KeyLedger ledger) {
        GatePolicy policy = policies.apply(service);
        DedupeEvidence d = st.openTicks.at(tick, s.getRevision()).dedupe;
        d.sideEffects++;
        String key = DedupeKeys.sideEffectKey(s.getDedupeKey(), s.getSourceId(), s.getEventRev(), s.getIndexHash());
        String before = ledger.sideEffect(service, key, ts, s.getRevision(), retention(st, policy, ts));
        if (before != null) {
            d.sideEffectDuplicates++;
            if (d.sideEffectExample == null) {
                d.sideEffectExample =
                        "key " + key + " kind " + s.getKind() + " executed by " + before + " and " + s.getRevision();
            }
        }
    }

    private void queueWork(ServiceState st, String service, long tick, QueueWork q, long ts, KeyLedger ledger) {
        GatePolicy policy = policies.apply(service);
        QueueEvidence e = st.openTicks.at(tick, q.getRevision()).queues;
        e.works++;
        String key = q.getQueue() + "|" + q.getPartition() + "|" + q.getOffset();
        String other = ledger.queueOffset(service, key, ts, q.getRevision(), retention(st, policy, ts));
        if (other != null) {
            e.fenceViolations++;
            if (e.fenceExample == null) {
                e.fenceExample = "queue " + q.getQueue() + " partition " + q.getPartition() + " offset " + q.getOffset()
                        + " worked by " + other + " and " + q.getRevision();
            }
        } else if (q.getFence() != null && !q.getFence().equals(q.getReleaseId())) {
            e.fenceViolations++;
            if (e.fenceExample == null) {
                e.fenceExample = "queue " + q.getQueue() + " partition " + q.getPartition() + " fenced by "
                        + q.getFence() + " but worked by release " + q.getReleaseId() + " (" + q.getRevision() + ")";
            }
        }
    }

    private static void probe(ServiceState st, long tick, ProbeResult pr) {
        ProbeEvidence p = st.openTicks.at(tick, pr.getRevision()).probes;
        double ds = DeltaS.of(pr.getDeltaS(), pr.getQuestionEmbedding(), pr.getRetrievedEmbedding());
        p.deltaS.merge(pr.getQuestionId(), new double[] {ds, 1}, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
        LambdaState lambda = LambdaRule.classify(pr.getTrajectory());
        boolean convergent = lambda == LambdaState.CONVERGENT;
        p.seeds.merge(
                pr.getSeed(), new long[] {1, convergent ? 0 : 1}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        if (!convergent && p.lambdaExample == null) {
            p.lambdaExample = "seed " + pr.getSeed() + " question " + pr.getQuestionId() + " " + lambda;
        }
    }

    /** How long keys are remembered: the policy's dedupeRetentionMs, else the release window + 24 h. */
    private static long retention(ServiceState st, GatePolicy policy, long ts) {
        if (policy.getDedupeRetentionMs() != null) {
            return policy.getDedupeRetentionMs();
        }
        long window = st.rollout.current == null ? 0 : Math.max(0, ts - st.rollout.releaseStart);
        return window + DEFAULT_DEDUPE_RETENTION_MS;
    }
}
