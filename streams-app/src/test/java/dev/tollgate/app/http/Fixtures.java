package dev.tollgate.app.http;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.BatchPolicy;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.schemas.avro.Statistic;
import dev.tollgate.schemas.avro.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test data: rollout status records and a map-backed status source. */
final class Fixtures {
    static final long STEP_START = 1_000_000L;

    private Fixtures() {}

    static GateResult result(String gate, Verdict verdict) {
        return GateResult.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-1")
                .setStepIndex(0)
                .setTrafficPercent(1.0)
                .setGate(gate)
                .setVerdict(verdict)
                .setBaselineValue(verdict == Verdict.NODATA ? null : 0.001)
                .setCanaryValue(verdict == Verdict.NODATA ? null : 0.021)
                .setDelta(verdict == Verdict.NODATA ? null : 0.02)
                .setThreshold(0.0005)
                .setBaselineSamples(5000)
                .setCanarySamples(60)
                .setStatistic(Statistic.newBuilder()
                        .setName("threshold")
                        .setValue(0.02)
                        .build())
                .setDryRun(false)
                .setWindowStart(STEP_START)
                .setWindowEnd(STEP_START + 6000)
                .setEvaluatedAt(STEP_START + 6000)
                .setDetail(gate + " " + verdict)
                .build();
    }

    static GateDecision decision(Action action, int step, long decidedAt, String... failing) {
        return GateDecision.newBuilder()
                .setDecisionId("d-" + action + "-" + step + "-" + decidedAt)
                .setService("checkout")
                .setReleaseId("rel-1")
                .setStepIndex(step)
                .setTrafficPercent(1.0)
                .setAction(action)
                .setNextTrafficPercent(
                        action == Action.PROMOTE
                                ? Double.valueOf(5.0)
                                : action == Action.HOLD ? null : Double.valueOf(0.0))
                .setFailingGates(List.of(failing))
                .setReasons(List.of("reason of " + action))
                .setFailuresAtStep(failing.length == 0 ? 0 : 1)
                .setBatchPolicy(BatchPolicy.PAUSE_HEAVY)
                .setDecidedAt(decidedAt)
                .build();
    }

    static RolloutStatus status(String state, List<GateResult> results, List<GateDecision> decisions) {
        return RolloutStatus.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-1")
                .setBaselineRevision("rev-1")
                .setCanaryRevision("rev-2")
                .setPhase(RolloutPhase.STARTED)
                .setState(state)
                .setStepIndex(0)
                .setTrafficPercent(1.0)
                .setStepStartedAt(STEP_START)
                .setUpdatedAt(STEP_START + 6000)
                .setLatestResults(new ArrayList<>(results))
                .setDecisions(new ArrayList<>(decisions))
                .build();
    }

    /** A status source backed by a map; {@code unavailable} makes every call throw like a rebalancing store. */
    static class MapSource implements RolloutStatusSource {
        final Map<String, RolloutStatus> statuses = new LinkedHashMap<>();
        /** What {@link #read} serves, marked stale, while {@code unavailable} (a standby's copy). */
        final Map<String, RolloutStatus> copies = new LinkedHashMap<>();

        boolean unavailable;

        MapSource put(RolloutStatus s) {
            statuses.put(s.getService(), s);
            return this;
        }

        @Override
        public Optional<RolloutStatus> find(String service) {
            check();
            return Optional.ofNullable(statuses.get(service));
        }

        @Override
        public Optional<Read> read(String service) {
            if (unavailable && copies.containsKey(service)) {
                return Optional.of(new Read(copies.get(service), true));
            }
            return RolloutStatusSource.super.read(service);
        }

        @Override
        public List<RolloutStatus> all() {
            check();
            return new ArrayList<>(statuses.values());
        }

        private void check() {
            if (unavailable) {
                throw new StatusUnavailableException(
                        "rollout status is not available right now (Kafka Streams is " + "REBALANCING)", null);
            }
        }
    }
}
