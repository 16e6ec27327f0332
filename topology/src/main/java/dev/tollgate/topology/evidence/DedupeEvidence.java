package dev.tollgate.topology.evidence;

import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.codec.Versions;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Side effects and dedupe of one revision: duplicate deliveries of idempotent POSTs and how many of them the
 * service answered from its idempotency store, and side effects executed, with the duplicates among them.
 */
public final class DedupeEvidence implements EvidenceConcern<DedupeEvidence> {
    static final int TAG = 3;
    static final int VERSION = 1;

    public long postDuplicates;
    public long postDuplicatesDeduped;
    public long sideEffects;
    public long sideEffectDuplicates;
    public String sideEffectExample;

    @Override
    public void merge(DedupeEvidence o) {
        postDuplicates += o.postDuplicates;
        postDuplicatesDeduped += o.postDuplicatesDeduped;
        sideEffects += o.sideEffects;
        sideEffectDuplicates += o.sideEffectDuplicates;
        sideEffectExample = sideEffectExample != null ? sideEffectExample : o.sideEffectExample;
    }

    @Override
    public boolean isEmpty() {
        return postDuplicates == 0
                && postDuplicatesDeduped == 0
                && sideEffects == 0
                && sideEffectDuplicates == 0
                && sideEffectExample == null;
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
        StateIo.writeLong(out, postDuplicates);
        StateIo.writeLong(out, postDuplicatesDeduped);
        StateIo.writeLong(out, sideEffects);
        StateIo.writeLong(out, sideEffectDuplicates);
        StateIo.writeString(out, sideEffectExample);
    }

    static DedupeEvidence readFrom(DataInput in, int version) throws IOException {
        Versions.require("dedupe evidence", version, VERSION);
        DedupeEvidence e = new DedupeEvidence();
        e.postDuplicates = StateIo.readLong(in);
        e.postDuplicatesDeduped = StateIo.readLong(in);
        e.sideEffects = StateIo.readLong(in);
        e.sideEffectDuplicates = StateIo.readLong(in);
        e.sideEffectExample = StateIo.readString(in);
        return e;
    }
}
