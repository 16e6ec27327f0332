package dev.tollgate.app.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.gates.Gates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The verdict on a service's current step, as rollout controllers (Argo Rollouts, Flagger) need it.
 *
 * <ul>
 *   <li>{@link Status#FAIL}: the release was rolled back or frozen, the router aborted it, the latest decision at
 *       this step is ROLLBACK or FREEZE, or a non-dry-run gate that rolls back on failure fails now;</li>
 *   <li>{@link Status#PASS}: not failing, and Tollgate promoted this step (latest decision at the step is
 *       PROMOTE or COMPLETE) or the release is complete;</li>
 *   <li>{@link Status#PENDING}: anything else: too little evidence yet, minimum step duration not elapsed, or a
 *       hold-type gate ({@code schema-pins}, {@code sticky-routing}) blocks with a remedy. Fail closed: never
 *       PASS without Tollgate's PROMOTE.</li>
 * </ul>
 * A decision belongs to the current step when its {@code stepIndex} is the step's and it was made at or after
 * {@code stepStartedAt} (so a ROLLBACK of an earlier attempt of the same step does not block a retry).
 *
 * @param service        the service
 * @param releaseId      the current release
 * @param stepIndex      the current step
 * @param trafficPercent the canary share of the step
 * @param phase          the latest phase reported by the router
 * @param state          Tollgate's state of the release (ACTIVE, ROLLED_BACK, FROZEN, COMPLETE)
 * @param status         PASS, FAIL or PENDING
 * @param failingGates   gates that fail or block now (sorted by first appearance)
 * @param gates          latest verdict of every gate at the step
 * @param action         action of the latest decision at this step, or null
 * @param reasons        reasons of that decision, or the failing results' details
 * @param updatedAt      event time of the latest evaluation
 */
public record StepView(
        String service,
        String releaseId,
        int stepIndex,
        double trafficPercent,
        String phase,
        String state,
        Status status,
        List<String> failingGates,
        Map<String, String> gates,
        String action,
        List<String> reasons,
        long updatedAt) {

    /** Verdict on the step. */
    public enum Status {
        PASS,
        FAIL,
        PENDING
    }

    public StepView {
        failingGates = List.copyOf(failingGates);
        gates = Collections.unmodifiableMap(new LinkedHashMap<>(gates));
        reasons = List.copyOf(reasons);
    }

    /** Whether the step passes ({@code status == PASS}). */
    public boolean pass() {
        return status == Status.PASS;
    }

    /** The view of a rollout status. */
    public static StepView of(RolloutStatus s) {
        Map<String, String> gates = new LinkedHashMap<>();
        Set<String> failing = new LinkedHashSet<>();
        Set<String> holding = new LinkedHashSet<>();
        List<String> details = new ArrayList<>();
        for (GateResult r : s.getLatestResults()) {
            gates.put(r.getGate(), r.getVerdict().name());
            if (r.getVerdict() == Verdict.FAIL && !r.getDryRun()) {
                (Gates.holdsOnFail(r.getGate()) ? holding : failing).add(r.getGate());
                if (r.getDetail() != null) {
                    details.add(r.getGate() + ": " + r.getDetail());
                }
            }
        }
        GateDecision atStep = latestDecisionAtStep(s);
        Action action = atStep == null ? null : atStep.getAction();
        String state = s.getState();
        boolean decidedFail = action == Action.ROLLBACK || action == Action.FREEZE;

        Status status;
        if ("ROLLED_BACK".equals(state)
                || "FROZEN".equals(state)
                || s.getPhase() == RolloutPhase.ABORTED
                || decidedFail
                || !failing.isEmpty()) {
            status = Status.FAIL;
        } else if ("COMPLETE".equals(state) || s.getPhase() == RolloutPhase.COMPLETED) {
            status = Status.PASS;
        } else if (!holding.isEmpty()) {
            status = Status.PENDING;
        } else if (action == Action.PROMOTE || action == Action.COMPLETE) {
            status = Status.PASS;
        } else {
            status = Status.PENDING;
        }

        Set<String> failingGates = new LinkedHashSet<>(failing);
        failingGates.addAll(holding);
        if (status == Status.FAIL) {
            GateDecision latest = latestDecision(s);
            if (latest != null && (latest.getAction() == Action.ROLLBACK || latest.getAction() == Action.FREEZE)) {
                failingGates.addAll(latest.getFailingGates());
            }
        }
        List<String> reasons = atStep != null && !atStep.getReasons().isEmpty() ? atStep.getReasons() : details;
        return new StepView(
                s.getService(),
                s.getReleaseId(),
                s.getStepIndex(),
                s.getTrafficPercent(),
                s.getPhase() == null ? null : s.getPhase().name(),
                state,
                status,
                new ArrayList<>(failingGates),
                gates,
                action == null ? null : action.name(),
                reasons,
                s.getUpdatedAt());
    }

    /**
     * The view for a controller that says which step it is at: PENDING, with the differences as reasons, unless
     * Tollgate has seen that step (its RolloutEvent processed) of that release; then {@link #of(RolloutStatus)},
     * which counts only decisions made at that step since it started. So a verdict never carries over from
     * another step or release.
     */
    public static StepView of(RolloutStatus s, StepPin pin) {
        List<String> mismatches = pin.mismatches(s);
        return mismatches.isEmpty() ? of(s) : pending(s, mismatches);
    }

    /** A PENDING view of the status with the given reasons and no gates (they belong to another step). */
    static StepView pending(RolloutStatus s, List<String> reasons) {
        return new StepView(
                s.getService(),
                s.getReleaseId(),
                s.getStepIndex(),
                s.getTrafficPercent(),
                s.getPhase() == null ? null : s.getPhase().name(),
                s.getState(),
                Status.PENDING,
                List.of(),
                Map.of(),
                null,
                reasons,
                s.getUpdatedAt());
    }

    /** A PENDING view while Tollgate cannot read the service's status (starting, rebalancing, restoring). */
    static StepView unavailable(String service, String why) {
        return new StepView(
                service, null, -1, 0.0, null, null, Status.PENDING, List.of(), Map.of(), null, List.of(why), 0L);
    }

    private static GateDecision latestDecision(RolloutStatus s) {
        List<GateDecision> ds = s.getDecisions();
        return ds.isEmpty() ? null : ds.get(ds.size() - 1);
    }

    private static GateDecision latestDecisionAtStep(RolloutStatus s) {
        GateDecision d = latestDecision(s);
        if (d == null
                || !d.getReleaseId().equals(s.getReleaseId())
                || d.getStepIndex() != s.getStepIndex()
                || d.getDecidedAt() < s.getStepStartedAt()) {
            return null;
        }
        return d;
    }

    /** The JSON of the view, the body of the Argo Rollouts web metric ({@code result.pass}, {@code result.status}). */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("service", service);
        o.put("releaseId", releaseId);
        o.put("stepIndex", stepIndex);
        o.put("trafficPercent", trafficPercent);
        o.put("phase", phase);
        o.put("state", state);
        o.put("status", status.name());
        o.put("pass", pass());
        ArrayNode fg = o.putArray("failingGates");
        failingGates.forEach(fg::add);
        ObjectNode g = o.putObject("gates");
        gates.forEach(g::put);
        o.put("action", action);
        ArrayNode r = o.putArray("reasons");
        reasons.forEach(r::add);
        o.put("updatedAt", updatedAt);
        return o;
    }
}
