package dev.tollgate.topology.processor;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.topology.engine.ServiceState;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Job: the rollout status view the HTTP API reads: per service the current step, its latest result per gate and
 * the release's recent decisions. Refreshed only when something was published.
 */
final class StatusView {
    private final KeyValueStore<String, RolloutStatus> statuses;
    private final int decisionsHistory;

    StatusView(KeyValueStore<String, RolloutStatus> statuses, int decisionsHistory) {
        this.statuses = statuses;
        this.decisionsHistory = decisionsHistory;
    }

    /** Refreshes the view of {@code service} after {@code published} went out. */
    void update(String service, ServiceState st, Collector published) {
        RolloutEvent r = st.rollout();
        if (r == null) {
            return;
        }
        RolloutStatus old = statuses.get(service);
        boolean sameStep = old != null
                && old.getReleaseId().equals(r.getReleaseId())
                && old.getStepIndex() == r.getStepIndex()
                && old.getStepStartedAt() == st.stepStart();
        List<GateResult> results = sameStep ? new ArrayList<>(old.getLatestResults()) : new ArrayList<>();
        for (GateResult res : published.results) {
            results.removeIf(x -> x.getGate().equals(res.getGate()));
            results.add(res);
        }
        List<GateDecision> decisions = old != null && old.getReleaseId().equals(r.getReleaseId())
                ? new ArrayList<>(old.getDecisions())
                : new ArrayList<>();
        decisions.addAll(published.decisions);
        while (decisions.size() > decisionsHistory) {
            decisions.remove(0);
        }
        long updated = published.results.isEmpty()
                ? st.maxEventTime()
                : published.results.get(published.results.size() - 1).getEvaluatedAt();
        for (GateDecision d : published.decisions) {
            updated = Math.max(updated, d.getDecidedAt());
        }
        statuses.put(
                service,
                RolloutStatus.newBuilder()
                        .setService(service)
                        .setReleaseId(r.getReleaseId())
                        .setBaselineRevision(r.getBaselineRevision())
                        .setCanaryRevision(r.getCanaryRevision())
                        .setPhase(r.getPhase() == null ? RolloutPhase.STEP : r.getPhase())
                        .setState(st.state().name())
                        .setStepIndex(r.getStepIndex())
                        .setTrafficPercent(r.getTrafficPercent())
                        .setStepStartedAt(st.stepStart())
                        .setUpdatedAt(updated)
                        .setLatestResults(results)
                        .setDecisions(decisions)
                        .build());
    }
}
