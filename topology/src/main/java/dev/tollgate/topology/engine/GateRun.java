package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.gates.Gate;
import dev.tollgate.topology.gates.GateOutcome;

/**
 * One gate's outcome at one evaluation.
 *
 * @param gate    the gate
 * @param outcome what it concluded
 * @param dryRun  whether the policy runs it dry (reported, never blocking)
 */
record GateRun(Gate gate, GateOutcome outcome, boolean dryRun) {
    /** Whether this outcome blocks the step: a FAIL of a gate that is not dry-run. */
    boolean blocking() {
        return !dryRun && outcome.verdict() == Verdict.FAIL;
    }
}
