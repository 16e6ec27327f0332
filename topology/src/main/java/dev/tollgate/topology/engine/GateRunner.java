package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.topology.gates.Gate;
import dev.tollgate.topology.gates.GateInput;
import java.util.ArrayList;
import java.util.List;

/**
 * Job: evaluates the gates over the step's evidence, in registry order, with each gate's settings from the
 * policy (enabled, threshold, dry run); a gate that is disabled or does not apply at this point is left out.
 */
final class GateRunner {
    private final List<Gate> gates;

    GateRunner(List<Gate> gates) {
        this.gates = List.copyOf(gates);
    }

    List<GateRun> run(GateInput input, GatePolicy policy) {
        List<GateRun> runs = new ArrayList<>(gates.size());
        for (Gate gate : gates) {
            GateSettings gs = policy.getGates().get(gate.id());
            if (gs != null && !gs.getEnabled()) {
                continue;
            }
            if (!gate.appliesTo(input)) {
                continue;
            }
            double threshold = gs != null && gs.getThreshold() != null ? gs.getThreshold() : gate.defaultThreshold();
            runs.add(new GateRun(gate, gate.evaluate(input, threshold), gs != null && gs.getDryRun()));
        }
        return runs;
    }
}
