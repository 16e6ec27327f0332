package dev.tollgate.topology.gates;

import dev.tollgate.topology.evidence.EvidenceKind;

/**
 * {@code side-effects}: a side effect whose dedupe key (given, or hex sha256 of sourceId + eventRev +
 * indexHash) was already executed within retention is a duplicate; any duplicate on either revision fails
 * and the result names the key, kind and both revisions.
 */
public final class SideEffectsGate extends CountGate {
    @Override
    public String id() {
        return GateIds.SIDE_EFFECTS;
    }

    @Override
    public String description() {
        return "side effects whose dedupe key already executed within retention: at most threshold (default 0)";
    }

    @Override
    public EvidenceKind evidence() {
        return EvidenceKind.SIDE_EFFECTS;
    }

    @Override
    public String remedy() {
        return "dedupe side effects with key sha256(source_id + event_rev + index_hash) in a KV kept release window + 24 h";
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        var c = in.canary();
        var b = in.baseline();
        long bad = c.dedupe.sideEffectDuplicates + b.dedupe.sideEffectDuplicates;
        String example = c.dedupe.sideEffectExample != null ? c.dedupe.sideEffectExample : b.dedupe.sideEffectExample;
        return count(
                in,
                threshold,
                b.dedupe.sideEffectDuplicates,
                bad,
                c.dedupe.sideEffects + b.dedupe.sideEffects,
                "duplicate side effects",
                example);
    }
}
