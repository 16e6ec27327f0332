package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.FullTrafficBaseline;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.topology.evidence.EvidenceKind;
import dev.tollgate.topology.gates.Gate;
import dev.tollgate.topology.gates.GateInput;
import dev.tollgate.topology.gates.GateOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Job: evaluates the gates over the step's evidence, in registry order, with each gate's settings from the
 * policy (enabled, threshold, dry run). A disabled gate is left out. A gate that does not apply reports
 * NOT_APPLICABLE with the reason and never blocks (design.md, principle 2):
 *
 * <ul>
 *   <li>its evidence kind (other than requests) was never seen for the service within the retention and the
 *       policy does not list it in {@code requiredGates};
 *   <li>it compares with the baseline, the step carries 100 % and the policy's {@code fullTrafficBaseline} is
 *       NONE;
 *   <li>the gate itself says it does not apply at this step ({@link Gate#appliesTo}).
 * </ul>
 */
final class GateRunner {
    private static final double FULL_TRAFFIC = 100.0;

    private final List<Gate> gates;
    private final long retentionMs;

    /**
     * @param retentionMs how long a kind of evidence, once seen, keeps its gates applicable after its latest
     *     event
     */
    GateRunner(List<Gate> gates, long retentionMs) {
        this.gates = List.copyOf(gates);
        this.retentionMs = retentionMs;
    }

    List<GateRun> run(GateInput input, GatePolicy policy, EvidenceSeen seen) {
        List<GateRun> runs = new ArrayList<>(gates.size());
        for (Gate gate : gates) {
            GateSettings gs = policy.getGates().get(gate.id());
            if (gs != null && !gs.getEnabled()) {
                continue;
            }
            double threshold = gs != null && gs.getThreshold() != null ? gs.getThreshold() : gate.defaultThreshold();
            boolean dryRun = gs != null && gs.getDryRun();
            String inapplicable = inapplicable(gate, input, policy, seen);
            GateOutcome outcome = inapplicable != null
                    ? GateOutcome.notApplicable(threshold, gate.id() + " NOT_APPLICABLE: " + inapplicable)
                    : gate.evaluate(input, threshold);
            runs.add(new GateRun(gate, outcome, dryRun));
        }
        return runs;
    }

    /** Why {@code gate} does not apply now, or null when it does. */
    private String inapplicable(Gate gate, GateInput input, GatePolicy policy, EvidenceSeen seen) {
        EvidenceKind kind = gate.evidence();
        if (kind != EvidenceKind.REQUESTS
                && !policy.getRequiredGates().contains(gate.id())
                && !seen.seen(kind, input.evaluatedAt(), retentionMs)) {
            return "no " + kind.description() + " seen for this service (baseline or canary) in the last "
                    + Duration.ofMillis(retentionMs).toDays() + " days; it applies once they arrive (list it in"
                    + " requiredGates to hold until they do)";
        }
        if (gate.comparesWithBaseline()
                && input.trafficPercent() >= FULL_TRAFFIC
                && policy.getFullTrafficBaseline() == FullTrafficBaseline.NONE) {
            return "no baseline at the 100 % step (policy fullTrafficBaseline NONE): absolute gates only";
        }
        if (!gate.appliesTo(input)) {
            return gate.inapplicableReason(input);
        }
        return null;
    }
}
