package dev.tollgate.topology.engine;

import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.codec.Versions;
import dev.tollgate.topology.evidence.EvidenceKind;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Which kinds of evidence a service has published (baseline or canary, any release): the first and the latest
 * event time of each kind. A gate that needs a kind applies once the kind was seen at or before the evaluation
 * and not longer ago than the retention (design.md, principle 2). Arrays indexed by {@link EvidenceKind}
 * ordinal, so recording an event allocates nothing.
 */
public final class EvidenceSeen {
    static final int TAG = 7;
    static final int VERSION = 1;
    private static final EvidenceKind[] KINDS = EvidenceKind.values();

    final long[] first = new long[KINDS.length];
    final long[] last = new long[KINDS.length];

    EvidenceSeen() {
        Arrays.fill(first, Long.MAX_VALUE);
        Arrays.fill(last, Long.MIN_VALUE);
    }

    /** Whether no kind was seen. */
    boolean isEmpty() {
        for (long f : first) {
            if (f != Long.MAX_VALUE) {
                return false;
            }
        }
        return true;
    }

    /** Notes an event of {@code kind} at event time {@code ts}. */
    void record(EvidenceKind kind, long ts) {
        int i = kind.ordinal();
        if (ts < first[i]) {
            first[i] = ts;
        }
        if (ts > last[i]) {
            last[i] = ts;
        }
    }

    /** Whether {@code kind} was seen at or before {@code at} and its latest event is within {@code retentionMs}. */
    boolean seen(EvidenceKind kind, long at, long retentionMs) {
        int i = kind.ordinal();
        return first[i] <= at && last[i] >= at - retentionMs;
    }

    /**
     * Infers the kinds a state written before this section existed had seen, from the evidence it holds (the
     * step's, the open ticks' and the open minutes'), as seen from the step start to the latest event time.
     */
    static EvidenceSeen inferredFrom(ServiceState st) {
        EvidenceSeen s = new EvidenceSeen();
        long from = Math.min(st.rollout.stepStart, st.clock.maxEventTime);
        long to = st.clock.maxEventTime;
        java.util.List<dev.tollgate.topology.evidence.RevisionEvidence> all = new java.util.ArrayList<>();
        all.add(st.step.baseline);
        all.add(st.step.canary);
        all.add(st.step.serviceLevel);
        st.openTicks.windows.values().forEach(m -> all.addAll(m.values()));
        st.minutes.windows.values().forEach(m -> all.addAll(m.values()));
        for (dev.tollgate.topology.evidence.RevisionEvidence e : all) {
            mark(s, e.traffic.requests > 0, EvidenceKind.REQUESTS, from, to);
            mark(s, e.dedupe.sideEffects > 0, EvidenceKind.SIDE_EFFECTS, from, to);
            mark(s, e.queues.works > 0, EvidenceKind.QUEUE_WORK, from, to);
            mark(s, !e.queues.age.isEmpty(), EvidenceKind.QUEUE_AGE, from, to);
            mark(s, !e.gauges.isEmpty(), EvidenceKind.CAPACITY, from, to);
            mark(s, !e.probes.isEmpty(), EvidenceKind.PROBES, from, to);
        }
        return s;
    }

    private static void mark(EvidenceSeen s, boolean present, EvidenceKind kind, long from, long to) {
        if (present) {
            s.record(kind, from);
            s.record(kind, to);
        }
    }

    void writeTo(DataOutput out) throws IOException {
        int n = 0;
        for (int i = 0; i < KINDS.length; i++) {
            n += first[i] != Long.MAX_VALUE ? 1 : 0;
        }
        StateIo.writeInt(out, n);
        for (int i = 0; i < KINDS.length; i++) {
            if (first[i] != Long.MAX_VALUE) {
                out.writeUTF(KINDS[i].name());
                out.writeLong(first[i]);
                out.writeLong(last[i]);
            }
        }
    }

    static EvidenceSeen readFrom(DataInput in, int version) throws IOException {
        Versions.require("evidence seen", version, VERSION);
        EvidenceSeen s = new EvidenceSeen();
        int n = StateIo.readInt(in);
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            long f = in.readLong();
            long l = in.readLong();
            try {
                int k = EvidenceKind.valueOf(name).ordinal();
                s.first[k] = f;
                s.last[k] = l;
            } catch (IllegalArgumentException e) {
                // a kind of a newer Tollgate: nothing here needs it
            }
        }
        return s;
    }
}
