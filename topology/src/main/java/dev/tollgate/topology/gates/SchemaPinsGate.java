package dev.tollgate.topology.gates;

import dev.tollgate.topology.evidence.RevisionEvidence;

/**
 * {@code schema-pins}: requests whose schemaRev, indexHash or modelTag differ from the pins of the revision
 * that served them. Any mismatch holds the rollout with the playbook's remedy.
 */
public final class SchemaPinsGate extends CountGate {
    @Override
    public String id() {
        return GateIds.SCHEMA_PINS;
    }

    @Override
    public String description() {
        return "requests whose schemaRev/indexHash/modelTag differ from the serving revision's pins: at most threshold (default 0); holds";
    }

    @Override
    public boolean holdsOnFail() {
        return true;
    }

    @Override
    public String remedy() {
        return "hold the rollout, bump SCHEMA_REV, re-index or add a translation layer, re-run the canary";
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence c = in.canary();
        RevisionEvidence b = in.baseline();
        long bad = c.pins.mismatches + b.pins.mismatches;
        String example = c.pins.mismatchExample != null ? c.pins.mismatchExample : b.pins.mismatchExample;
        return count(
                in,
                threshold,
                b.pins.mismatches,
                bad,
                c.traffic.requests + b.traffic.requests,
                "requests with pins that differ from the serving revision's pins",
                example);
    }
}
