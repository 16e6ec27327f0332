package dev.tollgate.topology.gates;

import dev.tollgate.topology.evidence.RevisionEvidence;

/**
 * {@code sticky-routing}: requests pinned (X-Release header or cookie) to one revision but served by the
 * other. Any holds the rollout with the playbook's remedy.
 */
public final class StickyRoutingGate extends CountGate {
    @Override
    public String id() {
        return GateIds.STICKY_ROUTING;
    }

    @Override
    public String description() {
        return "pinned requests served by the other revision: at most threshold (default 0); holds";
    }

    @Override
    public boolean holdsOnFail() {
        return true;
    }

    @Override
    public String remedy() {
        return "sticky routing not respected: switch to cookie pinning or a per-request X-Release header pin";
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence c = in.canary();
        RevisionEvidence b = in.baseline();
        long bad = c.pins.misrouted + b.pins.misrouted;
        return count(
                in,
                threshold,
                b.pins.misrouted,
                bad,
                c.pins.pinnedRequests + b.pins.pinnedRequests,
                "pinned requests served by the other revision",
                null);
    }
}
