package dev.tollgate.topology.engine;

import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.codec.Versions;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.evidence.RevisionEvidenceV1;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evidence per revision in windows of event time, oldest first: the open tick partials not yet sealed, or the
 * open timeline minutes. Keys are tick indexes or minute starts; revision {@code ""} is service-level evidence.
 */
public final class RevisionWindows {
    static final int VERSION = 1;

    final TreeMap<Long, TreeMap<String, RevisionEvidence>> windows = new TreeMap<>();
    /** The window most recently written to (not persisted): saves a boxed lookup per event. */
    private transient long cachedKey = Long.MIN_VALUE;

    private transient TreeMap<String, RevisionEvidence> cachedRevisions;

    /** The evidence of {@code revision} in window {@code key}, created on first use. */
    RevisionEvidence at(long key, String revision) {
        TreeMap<String, RevisionEvidence> revisions;
        if (key == cachedKey && cachedRevisions != null) {
            revisions = cachedRevisions;
        } else {
            revisions = windows.computeIfAbsent(key, k -> new TreeMap<>());
            cachedKey = key;
            cachedRevisions = revisions;
        }
        RevisionEvidence e = revisions.get(revision);
        if (e == null) {
            e = new RevisionEvidence();
            revisions.put(revision, e);
        }
        return e;
    }

    boolean isEmpty() {
        return windows.isEmpty();
    }

    long firstKey() {
        return windows.firstKey();
    }

    /** Removes and returns window {@code key}, or null. */
    TreeMap<String, RevisionEvidence> remove(long key) {
        cachedKey = Long.MIN_VALUE;
        cachedRevisions = null;
        return windows.remove(key);
    }

    /** Removes and returns the oldest window. */
    Map.Entry<Long, TreeMap<String, RevisionEvidence>> pollFirst() {
        cachedKey = Long.MIN_VALUE;
        cachedRevisions = null;
        return windows.pollFirstEntry();
    }

    /** Number of open windows. */
    public int size() {
        return windows.size();
    }

    void writeTo(DataOutput out) throws IOException {
        StateIo.writeInt(out, windows.size());
        for (Map.Entry<Long, TreeMap<String, RevisionEvidence>> w : windows.entrySet()) {
            StateIo.writeLong(out, w.getKey());
            StateIo.writeInt(out, w.getValue().size());
            for (Map.Entry<String, RevisionEvidence> r : w.getValue().entrySet()) {
                out.writeUTF(r.getKey());
                r.getValue().writeTo(out);
            }
        }
    }

    static RevisionWindows readFrom(DataInput in, int version) throws IOException {
        Versions.require("revision windows", version, VERSION);
        RevisionWindows w = new RevisionWindows();
        int n = StateIo.readInt(in);
        for (int i = 0; i < n; i++) {
            long key = StateIo.readLong(in);
            TreeMap<String, RevisionEvidence> revisions = new TreeMap<>();
            int m = StateIo.readInt(in);
            for (int j = 0; j < m; j++) {
                revisions.put(in.readUTF(), RevisionEvidence.readFrom(in));
            }
            w.windows.put(key, revisions);
        }
        return w;
    }

    /** Reads state format v1's layout (fixed-width sizes and keys, v1 evidence). */
    static RevisionWindows readV1(DataInput in) throws IOException {
        RevisionWindows w = new RevisionWindows();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long key = in.readLong();
            TreeMap<String, RevisionEvidence> revisions = new TreeMap<>();
            int m = in.readInt();
            for (int j = 0; j < m; j++) {
                revisions.put(in.readUTF(), RevisionEvidenceV1.readFrom(in));
            }
            w.windows.put(key, revisions);
        }
        return w;
    }
}
