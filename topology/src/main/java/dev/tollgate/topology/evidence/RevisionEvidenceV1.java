package dev.tollgate.topology.evidence;

import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.math.LinearTrend;
import java.io.DataInput;
import java.io.IOException;

/**
 * Reader of state format v1's revision evidence (Tollgate 0.1.0): one positional record of every field, raw
 * fields first, derived ones last. Kept so states written by 0.1.0 restore; nothing writes it any more.
 */
public final class RevisionEvidenceV1 {
    private RevisionEvidenceV1() {}

    /** Reads one v1 revision evidence. */
    public static RevisionEvidence readFrom(DataInput in) throws IOException {
        RevisionEvidence e = new RevisionEvidence();
        TrafficEvidence t = e.traffic;
        PinEvidence p = e.pins;
        DedupeEvidence d = e.dedupe;
        QueueEvidence q = e.queues;
        ProbeEvidence pr = e.probes;
        GaugeEvidence g = e.gauges;
        t.requests = StateIo.readLong(in);
        t.errors5xx = StateIo.readLong(in);
        t.coldStarts = StateIo.readLong(in);
        t.latency = LatencySketch.readFrom(in);
        StateIo.readLongMap(in, p.combos);
        StateIo.readLongMap(in, p.pinnedValues);
        t.streamsCut = StateIo.readLong(in);
        d.postDuplicates = StateIo.readLong(in);
        d.postDuplicatesDeduped = StateIo.readLong(in);
        d.sideEffects = StateIo.readLong(in);
        d.sideEffectDuplicates = StateIo.readLong(in);
        d.sideEffectExample = StateIo.readString(in);
        q.works = StateIo.readLong(in);
        q.fenceViolations = StateIo.readLong(in);
        q.fenceExample = StateIo.readString(in);
        int nq = StateIo.readInt(in);
        for (int i = 0; i < nq; i++) {
            pr.deltaS.put(in.readUTF(), new double[] {in.readDouble(), in.readDouble()});
        }
        int ns = StateIo.readInt(in);
        for (int i = 0; i < ns; i++) {
            pr.seeds.put(StateIo.readLong(in), new long[] {StateIo.readLong(in), StateIo.readLong(in)});
        }
        pr.lambdaExample = StateIo.readString(in);
        int nt = StateIo.readInt(in);
        for (int i = 0; i < nt; i++) {
            q.age.put(in.readUTF(), LinearTrend.readFrom(in));
        }
        g.warmAt = in.readLong();
        g.warmInstances = in.readDouble();
        g.expectedLoadAt = in.readLong();
        g.expectedLoad = in.readDouble();
        t.releaseId = StateIo.readString(in);
        t.requestsAfterWarmup = StateIo.readLong(in);
        t.coldStartsAfterWarmup = StateIo.readLong(in);
        p.carrying = StateIo.readLong(in);
        p.mismatches = StateIo.readLong(in);
        p.mismatchExample = StateIo.readString(in);
        p.pinnedRequests = StateIo.readLong(in);
        p.misrouted = StateIo.readLong(in);
        t.streamsCutOld = StateIo.readLong(in);
        t.lastRequestTick = in.readLong();
        return e;
    }
}
