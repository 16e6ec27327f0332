package dev.tollgate.schemas.serde;

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
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.schemas.avro.SideEffect;
import dev.tollgate.schemas.avro.Statistic;
import dev.tollgate.schemas.avro.StreamOutcome;
import dev.tollgate.schemas.avro.Verdict;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One populated instance of every contract record, every optional field set. */
final class ContractRecords {

    private ContractRecords() {}

    static RequestLog requestLog() {
        return RequestLog.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-42")
                .setRevision("checkout-00042")
                .setTimestamp(1_700_000_000_123L)
                .setStatus(503)
                .setLatencyMs(87.25)
                .setColdStart(true)
                .setMethod("POST")
                .setRoute("/orders/{id}")
                .setRequestId("req-7f3a")
                .setPinnedRelease("canary")
                .setStreamOutcome(StreamOutcome.CUT)
                .setIdempotencyKey("idem-1")
                .setDedupeHit(true)
                .setSchemaRev("schema-7")
                .setIndexHash("idx-abc")
                .setModelTag("model-2025-01")
                .build();
    }

    static SideEffect sideEffect() {
        return SideEffect.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-42")
                .setRevision("checkout-00042")
                .setTimestamp(1_700_000_000_456L)
                .setKind("webhook")
                .setSourceId("order-9")
                .setEventRev("3")
                .setIndexHash("idx-abc")
                .setDedupeKey("d00dfeed")
                .build();
    }

    static QueueWork queueWork() {
        return QueueWork.newBuilder()
                .setService("billing")
                .setReleaseId("rel-7")
                .setRevision("billing-00007")
                .setTimestamp(1_700_000_001_000L)
                .setQueue("invoices")
                .setPartition(11)
                .setOffset(9_876_543_210L)
                .setFence("rel-7")
                .build();
    }

    static MetricSample metricSample() {
        return MetricSample.newBuilder()
                .setService("billing")
                .setReleaseId("rel-7")
                .setRevision("billing-00007")
                .setTimestamp(1_700_000_002_000L)
                .setName("queue_age_ms")
                .setValue(1234.5)
                .setLabels(Map.of("partition", "3", "region", "eu-west-1"))
                .build();
    }

    static ProbeResult probeResult() {
        return ProbeResult.newBuilder()
                .setService("search")
                .setReleaseId("rel-3")
                .setRevision("search-00003")
                .setTimestamp(1_700_000_003_000L)
                .setProbeSet("rag-v1")
                .setQuestionId("q-04")
                .setSeed(-17L)
                .setDeltaS(0.125)
                .setQuestionEmbedding(List.of(0.1f, -0.5f, 1.0f))
                .setRetrievedEmbedding(List.of(0.2f, -0.25f, 0.75f))
                .setTrajectory(List.of(0.4, 0.3, 0.25, 0.2))
                .build();
    }

    static RevisionPins pins(String suffix) {
        return RevisionPins.newBuilder()
                .setSchemaRev("schema-" + suffix)
                .setIndexHash("idx-" + suffix)
                .setModelTag("model-" + suffix)
                .build();
    }

    static RolloutEvent rolloutEvent() {
        return RolloutEvent.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-42")
                .setTimestamp(1_700_000_004_000L)
                .setBaselineRevision("checkout-00041")
                .setCanaryRevision("checkout-00042")
                .setPhase(RolloutPhase.DRAINING)
                .setStepIndex(2)
                .setTrafficPercent(25.0)
                .setCanaryPins(pins("new"))
                .setBaselinePins(pins("old"))
                .setDrainSeconds(90)
                .build();
    }

    static GatePolicy gatePolicy() {
        return GatePolicy.newBuilder()
                .setSteps(List.of(1.0, 10.0, 50.0, 100.0))
                .setGates(Map.of(
                        "error-rate",
                                GateSettings.newBuilder()
                                        .setEnabled(true)
                                        .setThreshold(0.001)
                                        .setDryRun(false)
                                        .build(),
                        "latency-p95",
                                GateSettings.newBuilder()
                                        .setEnabled(false)
                                        .setThreshold(null)
                                        .setDryRun(true)
                                        .build()))
                .setMinSamples(500)
                .setMinStepDurationMs(60_000)
                .setMaxStepDurationMs(3_600_000)
                .setOnInconclusive(InconclusiveAction.ROLLBACK)
                .setWarmupMs(5_000)
                .setAlpha(0.05)
                .setFailuresToFreeze(3)
                .setDedupeRetentionMs(86_400_000L)
                .setNoDataTimeoutMs(120_000)
                .setProbeSeeds(3)
                .setProbeSetSize(12)
                .build();
    }

    static GateResult gateResult() {
        return GateResult.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-42")
                .setStepIndex(1)
                .setTrafficPercent(5.0)
                .setGate("error-rate")
                .setVerdict(Verdict.FAIL)
                .setBaselineValue(0.001)
                .setCanaryValue(0.004)
                .setDelta(0.003)
                .setThreshold(0.0005)
                .setBaselineSamples(120_000)
                .setCanarySamples(6_300)
                .setStatistic(Statistic.newBuilder()
                        .setName("e-value")
                        .setValue(140.0)
                        .setLowerBound(0.0021)
                        .setUpperBound(0.0049)
                        .setAlpha(0.01)
                        .build())
                .setDryRun(false)
                .setWindowStart(1_700_000_000_000L)
                .setWindowEnd(1_700_000_060_000L)
                .setEvaluatedAt(1_700_000_060_000L)
                .setDetail("canary 0.40% vs baseline 0.10% 5xx, +0.30 pp > 0.05 pp")
                .build();
    }

    static GateDecision gateDecision() {
        return GateDecision.newBuilder()
                .setDecisionId("checkout/rel-42/1/1")
                .setService("checkout")
                .setReleaseId("rel-42")
                .setStepIndex(1)
                .setTrafficPercent(5.0)
                .setAction(Action.ROLLBACK)
                .setNextTrafficPercent(0.0)
                .setFailingGates(List.of("error-rate", "latency-p95"))
                .setReasons(List.of("error-rate: +0.30 pp > 0.05 pp", "latency-p95: +14% > 10%"))
                .setFailuresAtStep(1)
                .setBatchPolicy(BatchPolicy.PAUSE_HEAVY)
                .setDecidedAt(1_700_000_060_001L)
                .build();
    }

    static RevisionMinuteStats revisionMinuteStats() {
        return RevisionMinuteStats.newBuilder()
                .setService("checkout")
                .setRevision("checkout-00042")
                .setReleaseId("rel-42")
                .setWindowStart(1_700_000_040_000L)
                .setWindowEnd(1_700_000_100_000L)
                .setRequests(6_300)
                .setErrors5xx(25)
                .setP50LatencyMs(40.5)
                .setP95LatencyMs(180.0)
                .setP99LatencyMs(420.0)
                .setColdStarts(4)
                .setPinMismatches(1)
                .setMisrouted(2)
                .setStreamsCut(3)
                .build();
    }

    static RolloutStatus rolloutStatus() {
        return RolloutStatus.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-42")
                .setBaselineRevision("checkout-00041")
                .setCanaryRevision("checkout-00042")
                .setPhase(RolloutPhase.STEP)
                .setState("ROLLED_BACK")
                .setStepIndex(1)
                .setTrafficPercent(5.0)
                .setStepStartedAt(1_700_000_000_000L)
                .setUpdatedAt(1_700_000_060_001L)
                .setLatestResults(List.of(gateResult()))
                .setDecisions(List.of(gateDecision()))
                .build();
    }

    /** Every contract record, keyed by its simple name. */
    static Map<String, SpecificRecord> all() {
        return Map.ofEntries(
                Map.entry("RequestLog", requestLog()),
                Map.entry("SideEffect", sideEffect()),
                Map.entry("QueueWork", queueWork()),
                Map.entry("MetricSample", metricSample()),
                Map.entry("ProbeResult", probeResult()),
                Map.entry("RolloutEvent", rolloutEvent()),
                Map.entry("GatePolicy", gatePolicy()),
                Map.entry("GateResult", gateResult()),
                Map.entry("GateDecision", gateDecision()),
                Map.entry("RevisionMinuteStats", revisionMinuteStats()),
                Map.entry("RolloutStatus", rolloutStatus()));
    }
}
