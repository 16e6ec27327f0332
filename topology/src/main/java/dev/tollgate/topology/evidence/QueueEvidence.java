package dev.tollgate.topology.evidence;

import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.codec.Versions;
import dev.tollgate.topology.math.LinearTrend;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Queues: work items of one revision with fence violations (an offset worked by two revisions, or a fence that
 * is not the worker's release), and the {@code queue_age_ms} trend per partition (service-level partials).
 */
public final class QueueEvidence implements EvidenceConcern<QueueEvidence> {
    static final int TAG = 4;
    static final int VERSION = 1;

    public long works;
    public long fenceViolations;
    public String fenceExample;
    /** queue_age_ms trend per partition. */
    public final TreeMap<String, LinearTrend> age = new TreeMap<>();

    /** The queue-age trend of a partition, created on first use. */
    public LinearTrend age(String partition) {
        return age.computeIfAbsent(partition, p -> new LinearTrend());
    }

    @Override
    public void merge(QueueEvidence o) {
        works += o.works;
        fenceViolations += o.fenceViolations;
        fenceExample = fenceExample != null ? fenceExample : o.fenceExample;
        o.age.forEach((k, v) -> age(k).merge(v));
    }

    @Override
    public boolean isEmpty() {
        return works == 0 && fenceViolations == 0 && fenceExample == null && age.isEmpty();
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
        StateIo.writeLong(out, works);
        StateIo.writeLong(out, fenceViolations);
        StateIo.writeString(out, fenceExample);
        StateIo.writeInt(out, age.size());
        for (Map.Entry<String, LinearTrend> e : age.entrySet()) {
            out.writeUTF(e.getKey());
            e.getValue().writeTo(out);
        }
    }

    static QueueEvidence readFrom(DataInput in, int version) throws IOException {
        Versions.require("queue evidence", version, VERSION);
        QueueEvidence e = new QueueEvidence();
        e.works = StateIo.readLong(in);
        e.fenceViolations = StateIo.readLong(in);
        e.fenceExample = StateIo.readString(in);
        int n = StateIo.readInt(in);
        for (int i = 0; i < n; i++) {
            e.age.put(in.readUTF(), LinearTrend.readFrom(in));
        }
        return e;
    }
}
