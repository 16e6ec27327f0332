package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.codec.Versions;
import dev.tollgate.topology.evidence.EvidenceKind;
import dev.tollgate.topology.gates.GateOutcome;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Job: remembers evidence that arrived after its tick was sealed and could not be merged, because the step it
 * belongs to was decided already (design.md, "late evidence"), until the next gate results name it: dropped
 * events per {@link EvidenceKind} and the duplicate side effects among them, which are never just dropped (a
 * late duplicate fails {@code side-effects} on the current step). Cleared once reported.
 */
final class LateEvidence {
    static final int TAG = 9;
    static final int VERSION = 1;
    private static final EvidenceKind[] KINDS = EvidenceKind.values();

    /** Dropped events per kind ordinal, not yet named in a result. */
    final long[] dropped = new long[KINDS.length];
    /** Late duplicate side effects of decided steps, not yet reported. */
    long duplicates;
    /** One of them, for people: the key and the revisions that executed it; null when none. */
    String duplicateExample;

    boolean isEmpty() {
        return duplicates == 0
                && duplicateExample == null
                && Arrays.stream(dropped).allMatch(n -> n == 0);
    }

    void drop(EvidenceKind kind) {
        dropped[kind.ordinal()]++;
    }

    void duplicate(String example) {
        duplicates++;
        if (duplicateExample == null) {
            duplicateExample = example;
        }
    }

    /**
     * What a result of a gate that reads {@code kind} must say about late evidence: the dropped events of that
     * kind and, for side effects, the late duplicates; empty when there is nothing to say.
     */
    String describe(EvidenceKind kind) {
        long n = dropped[kind.ordinal()];
        String dup = kind == EvidenceKind.SIDE_EFFECTS && duplicates > 0
                ? duplicates + " late duplicate side effect(s) of a decided step, e.g. " + duplicateExample
                : "";
        if (n == 0) {
            return dup;
        }
        String drop = n + " " + kind.description() + " dropped as late (their step was decided already)";
        return dup.isEmpty() ? drop : dup + "; " + drop;
    }

    /**
     * The runs with late evidence named: the gates reading a kind of which events were dropped say so, and a late
     * duplicate side effect of a decided step fails the gates reading side effects (a double execution is never
     * just dropped).
     */
    List<GateRun> annotate(List<GateRun> runs) {
        List<GateRun> out = new ArrayList<>(runs.size());
        for (GateRun run : runs) {
            String note = describe(run.gate().evidence());
            if (note.isEmpty()) {
                out.add(run);
                continue;
            }
            GateOutcome o = run.outcome();
            boolean duplicate = run.gate().evidence() == EvidenceKind.SIDE_EFFECTS && duplicates > 0;
            Verdict verdict = duplicate ? Verdict.FAIL : o.verdict();
            String detail = duplicate ? note + " (" + o.detail() + ")" : o.detail() + "; " + note;
            out.add(new GateRun(
                    run.gate(),
                    new GateOutcome(
                            verdict,
                            o.baselineValue(),
                            o.canaryValue(),
                            o.delta(),
                            o.threshold(),
                            o.baselineSamples(),
                            o.canarySamples(),
                            o.statistic(),
                            detail,
                            verdict == Verdict.INCONCLUSIVE ? o.lean() : GateOutcome.Lean.NONE),
                    run.dryRun()));
        }
        return out;
    }

    void clear() {
        Arrays.fill(dropped, 0);
        duplicates = 0;
        duplicateExample = null;
    }

    void writeTo(DataOutput out) throws IOException {
        int n = 0;
        for (long d : dropped) {
            n += d != 0 ? 1 : 0;
        }
        StateIo.writeInt(out, n);
        for (int i = 0; i < KINDS.length; i++) {
            if (dropped[i] != 0) {
                out.writeUTF(KINDS[i].name());
                StateIo.writeLong(out, dropped[i]);
            }
        }
        StateIo.writeLong(out, duplicates);
        StateIo.writeString(out, duplicateExample);
    }

    static LateEvidence readFrom(DataInput in, int version) throws IOException {
        Versions.require("late evidence", version, VERSION);
        LateEvidence l = new LateEvidence();
        int n = StateIo.readInt(in);
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            long count = StateIo.readLong(in);
            try {
                l.dropped[EvidenceKind.valueOf(name).ordinal()] = count;
            } catch (IllegalArgumentException e) {
                // a kind of a newer Tollgate: nothing here reports it
            }
        }
        l.duplicates = StateIo.readLong(in);
        l.duplicateExample = StateIo.readString(in);
        return l;
    }
}
