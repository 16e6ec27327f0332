package dev.tollgate.topology.evidence;

import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.codec.Versions;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** Probes of one revision: ΔS sums per probe question, and per seed the probes and the non-convergent ones. */
public final class ProbeEvidence implements EvidenceConcern<ProbeEvidence> {
    static final int TAG = 5;
    static final int VERSION = 1;

    /** questionId → {sum ΔS, n}. */
    public final TreeMap<String, double[]> deltaS = new TreeMap<>();
    /** seed → {probes, non-convergent probes}. */
    public final TreeMap<Long, long[]> seeds = new TreeMap<>();

    public String lambdaExample;

    @Override
    public void merge(ProbeEvidence o) {
        o.deltaS.forEach((k, v) -> deltaS.merge(k, v.clone(), (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]}));
        o.seeds.forEach((k, v) -> seeds.merge(k, v.clone(), (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}));
        lambdaExample = lambdaExample != null ? lambdaExample : o.lambdaExample;
    }

    @Override
    public boolean isEmpty() {
        return deltaS.isEmpty() && seeds.isEmpty() && lambdaExample == null;
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
        StateIo.writeInt(out, deltaS.size());
        for (Map.Entry<String, double[]> e : deltaS.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue()[0]);
            out.writeDouble(e.getValue()[1]);
        }
        StateIo.writeInt(out, seeds.size());
        for (Map.Entry<Long, long[]> e : seeds.entrySet()) {
            StateIo.writeLong(out, e.getKey());
            StateIo.writeLong(out, e.getValue()[0]);
            StateIo.writeLong(out, e.getValue()[1]);
        }
        StateIo.writeString(out, lambdaExample);
    }

    static ProbeEvidence readFrom(DataInput in, int version) throws IOException {
        Versions.require("probe evidence", version, VERSION);
        ProbeEvidence e = new ProbeEvidence();
        int nq = StateIo.readInt(in);
        for (int i = 0; i < nq; i++) {
            e.deltaS.put(in.readUTF(), new double[] {in.readDouble(), in.readDouble()});
        }
        int ns = StateIo.readInt(in);
        for (int i = 0; i < ns; i++) {
            e.seeds.put(StateIo.readLong(in), new long[] {StateIo.readLong(in), StateIo.readLong(in)});
        }
        e.lambdaExample = StateIo.readString(in);
        return e;
    }
}
