package dev.tollgate.topology.evidence;

import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.codec.Versions;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.TreeMap;

/**
 * Pins and routing of one revision: the pin combinations and {@code X-Release} values requests carried (raw),
 * and, once folded into a step with the rollout's pins, how many mismatched the serving revision's pins or were
 * served by the other revision (derived).
 */
public final class PinEvidence implements EvidenceConcern<PinEvidence> {
    static final int TAG = 2;
    static final int VERSION = 1;

    /** raw: requests carrying pins, by pin combination {@link #pinKey}. */
    public final TreeMap<String, Long> combos = new TreeMap<>();
    /** raw: pinned requests by X-Release value. */
    public final TreeMap<String, Long> pinnedValues = new TreeMap<>();

    // derived when folded into a step
    public long carrying;
    public long mismatches;
    public String mismatchExample;
    public long pinnedRequests;
    public long misrouted;

    /** Key of a pin combination (schemaRev, indexHash, modelTag); null parts stay distinguishable. */
    public static String pinKey(String schemaRev, String indexHash, String modelTag) {
        return nz(schemaRev) + '\u0001' + nz(indexHash) + '\u0001' + nz(modelTag);
    }

    /** Splits a {@link #pinKey} back into its three parts (null where absent). */
    public static String[] pinParts(String key) {
        String[] p = key.split("\u0001", -1);
        String[] out = new String[3];
        for (int i = 0; i < 3; i++) {
            out[i] = i < p.length && !p[i].equals("\u0000") ? p[i] : null;
        }
        return out;
    }

    private static String nz(String s) {
        return s == null ? "\u0000" : s;
    }

    @Override
    public void merge(PinEvidence o) {
        o.combos.forEach((k, v) -> combos.merge(k, v, Long::sum));
        o.pinnedValues.forEach((k, v) -> pinnedValues.merge(k, v, Long::sum));
        carrying += o.carrying;
        mismatches += o.mismatches;
        mismatchExample = mismatchExample != null ? mismatchExample : o.mismatchExample;
        pinnedRequests += o.pinnedRequests;
        misrouted += o.misrouted;
    }

    @Override
    public boolean isEmpty() {
        return combos.isEmpty()
                && pinnedValues.isEmpty()
                && carrying == 0
                && mismatches == 0
                && mismatchExample == null
                && pinnedRequests == 0
                && misrouted == 0;
    }

    @Override
    public int tag() {
        return TAG;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        StateIo.writeLongMap(out, combos);
        StateIo.writeLongMap(out, pinnedValues);
        StateIo.writeLong(out, carrying);
        StateIo.writeLong(out, mismatches);
        StateIo.writeString(out, mismatchExample);
        StateIo.writeLong(out, pinnedRequests);
        StateIo.writeLong(out, misrouted);
    }

    static PinEvidence readFrom(DataInput in, int version) throws IOException {
        Versions.require("pin evidence", version, VERSION);
        PinEvidence e = new PinEvidence();
        StateIo.readLongMap(in, e.combos);
        StateIo.readLongMap(in, e.pinnedValues);
        e.carrying = StateIo.readLong(in);
        e.mismatches = StateIo.readLong(in);
        e.mismatchExample = StateIo.readString(in);
        e.pinnedRequests = StateIo.readLong(in);
        e.misrouted = StateIo.readLong(in);
        return e;
    }
}
