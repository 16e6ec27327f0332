package dev.tollgate.topology.engine;

import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.codec.Versions;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What was decided and published for the current release: failures per step and gate (for FREEZE), the
 * decision sequence (for deterministic decision ids), the last decision's key (a HOLD is published once per
 * change) and the last verdict published per gate at the current step (results are re-published on change or
 * refresh).
 */
public final class DecisionMemory {
    static final int TAG = 4;
    static final int VERSION = 1;

    /** Failures per "stepIndex|gate" for the current release. */
    final TreeMap<String, Integer> failures = new TreeMap<>();

    int decisionSeq;
    String lastDecisionKey = "";
    /** Last published verdict (ordinal) and event time per gate at the current step. */
    final TreeMap<String, long[]> published = new TreeMap<>();

    int failures(int stepIndex, String gate) {
        return failures.getOrDefault(stepIndex + "|" + gate, 0);
    }

    /** Counts one more failure of {@code gate} at {@code stepIndex}; returns the new count. */
    int recordFailure(int stepIndex, String gate) {
        return failures.merge(stepIndex + "|" + gate, 1, Integer::sum);
    }

    /** A new release: its failures and decision ids start over. */
    void newRelease() {
        failures.clear();
        decisionSeq = 0;
    }

    /** A new step: every gate's result is published afresh and a repeated HOLD is news again. */
    void newStep() {
        published.clear();
        lastDecisionKey = "";
    }

    void writeTo(DataOutput out) throws IOException {
        StateIo.writeInt(out, failures.size());
        for (Map.Entry<String, Integer> f : failures.entrySet()) {
            out.writeUTF(f.getKey());
            StateIo.writeInt(out, f.getValue());
        }
        StateIo.writeInt(out, decisionSeq);
        out.writeUTF(lastDecisionKey);
        StateIo.writeInt(out, published.size());
        for (Map.Entry<String, long[]> p : published.entrySet()) {
            out.writeUTF(p.getKey());
            StateIo.writeLong(out, p.getValue()[0]);
            out.writeLong(p.getValue()[1]);
        }
    }

    static DecisionMemory readFrom(DataInput in, int version) throws IOException {
        Versions.require("decision memory", version, VERSION);
        DecisionMemory m = new DecisionMemory();
        int nf = StateIo.readInt(in);
        for (int i = 0; i < nf; i++) {
            m.failures.put(in.readUTF(), StateIo.readInt(in));
        }
        m.decisionSeq = StateIo.readInt(in);
        m.lastDecisionKey = in.readUTF();
        int np = StateIo.readInt(in);
        for (int i = 0; i < np; i++) {
            m.published.put(in.readUTF(), new long[] {StateIo.readLong(in), in.readLong()});
        }
        return m;
    }
}
