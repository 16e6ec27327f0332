package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RevisionMinuteStats;

/** Where the evaluator's outputs go (the processor forwards them to the sinks). */
public interface Emitter {
    void result(GateResult result);

    void decision(GateDecision decision);

    void minute(RevisionMinuteStats stats);
}
