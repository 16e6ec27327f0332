package dev.tollgate.topology.evidence;

import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.codec.Versions;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Requests and latency of one revision: counts of requests, 5xx and cold starts, the latency sketch, cut
 * streams, and the counters derived when a tick is folded into a step (after warm-up, cut on the old revision,
 * the latest tick with requests).
 */
public final class TrafficEvidence implements EvidenceConcern<TrafficEvidence> {
    static final int TAG = 1;
    static final int VERSION = 1;

    // raw, per request
    public long requests;
    public long errors5xx;
    public long coldStarts;
    public LatencySketch latency = new LatencySketch();
    public long streamsCut;
    /** release id of the latest request folded in (the timeline names it). */
    public String releaseId;

    // derived when folded into a step
    public long requestsAfterWarmup;
    public long coldStartsAfterWarmup;
    /** CUT streams while this revision was the old one (the baseline). */
    public long streamsCutOld;
    /** start of the latest tick that had requests of this revision; Long.MIN_VALUE when none. */
    public long lastRequestTick = Long.MIN_VALUE;

    @Override
    public void merge(TrafficEvidence o) {
        requests += o.requests;
        errors5xx += o.errors5xx;
        coldStarts += o.coldStarts;
        latency.merge(o.latency);
        streamsCut += o.streamsCut;
        releaseId = o.releaseId != null ? o.releaseId : releaseId;
        requestsAfterWarmup += o.requestsAfterWarmup;
        coldStartsAfterWarmup += o.coldStartsAfterWarmup;
        streamsCutOld += o.streamsCutOld;
        lastRequestTick = Math.max(lastRequestTick, o.lastRequestTick);
    }

    @Override
    public boolean isEmpty() {
        return requests == 0
                && errors5xx == 0
                && coldStarts == 0
                && latency.count() == 0
                && streamsCut == 0
                && releaseId == null
                && requestsAfterWarmup == 0
                && coldStartsAfterWarmup == 0
                && streamsCutOld == 0
                && lastRequestTick == Long.MIN_VALUE;
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
        StateIo.writeLong(out, requests);
        StateIo.writeLong(out, errors5xx);
        StateIo.writeLong(out, coldStarts);
        latency.writeTo(out);
        StateIo.writeLong(out, streamsCut);
        StateIo.writeString(out, releaseId);
        StateIo.writeLong(out, requestsAfterWarmup);
        StateIo.writeLong(out, coldStartsAfterWarmup);
        StateIo.writeLong(out, streamsCutOld);
        out.writeLong(lastRequestTick);
    }

    static TrafficEvidence readFrom(DataInput in, int version) throws IOException {
        Versions.require("traffic evidence", version, VERSION);
        TrafficEvidence e = new TrafficEvidence();
        e.requests = StateIo.readLong(in);
        e.errors5xx = StateIo.readLong(in);
        e.coldStarts = StateIo.readLong(in);
        e.latency = LatencySketch.readFrom(in);
        e.streamsCut = StateIo.readLong(in);
        e.releaseId = StateIo.readString(in);
        e.requestsAfterWarmup = StateIo.readLong(in);
        e.coldStartsAfterWarmup = StateIo.readLong(in);
        e.streamsCutOld = StateIo.readLong(in);
        e.lastRequestTick = in.readLong();
        return e;
    }
}
