package dev.tollgate.topology.processor;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.topology.engine.Emitter;
import java.util.ArrayList;
import java.util.List;

/** Collects one advance's outputs without allocating per record when nothing is emitted. */
final class Collector implements Emitter {
    final List<GateResult> results = new ArrayList<>();
    final List<GateDecision> decisions = new ArrayList<>();
    final List<RevisionMinuteStats> minutes = new ArrayList<>();

    @Override
    public void result(GateResult result) {
        results.add(result);
    }

    @Override
    public void decision(GateDecision decision) {
        decisions.add(decision);
    }

    @Override
    public void minute(RevisionMinuteStats stats) {
        minutes.add(stats);
    }

    void clear() {
        results.clear();
        decisions.clear();
        minutes.clear();
    }

    boolean isEmpty() {
        return results.isEmpty() && decisions.isEmpty() && minutes.isEmpty();
    }
}
