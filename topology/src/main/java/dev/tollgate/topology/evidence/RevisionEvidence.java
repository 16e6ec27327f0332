package dev.tollgate.topology.evidence;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import dev.tollgate.topology.math.LinearTrend;

/**
 * Mergeable evidence of one revision over a span of event time: the raw partial of one tick, or the
 * aggregate of a whole step. Everything is counts, sums and a quantile sketch, so partials merge exactly
 * and state stays bounded whatever the traffic (the maps hold distinct pin values, pinned-release values,
 * probe questions and seeds, all small sets).
 *
 * <p>Fields marked "raw" are filled per event in tick partials; fields marked "derived" are computed when a
 * tick is folded into a step, because they need the rollout context (warm-up, the revision's pins, which
 * revision is the canary).
 */
public final class RevisionEvidence {
    // raw, per request
    public long requests;
    public long errors5xx;
    public long coldStarts;
    public final LatencySketch latency;
    /** raw: requests carrying pins, by pin combination {@link #pinKey}. */
    public final TreeMap<String, Long> pinCombos = new TreeMap<>();
    /** raw: pinned requests by X-Release value. */
    public final TreeMap<String, Long> pinnedValues = new TreeMap<>();
    public long streamsCut;
    public long postDuplicates;
    public long postDuplicatesDeduped;
    public long sideEffects;
    public long sideEffectDuplicates;
    public String sideEffectExample;
    public long queueWorks;
    public long fenceViolations;
    public String fenceExample;
    /** raw: probe answers: questionId → {sum ΔS, n}. */
    public final TreeMap<String, double[]> probeDeltaS = new TreeMap<>();
    /** raw: probes per seed: seed → {probes, non-convergent probes}. */
    public final TreeMap<Long, long[]> probeSeeds = new TreeMap<>();
    public String lambdaExample;
    /** raw: queue_age_ms trend per partition (service-level partials only). */
    public final TreeMap<String, LinearTrend> queueAge = new TreeMap<>();
    /** latest warm_instances sample (event time, value); time Long.MIN_VALUE when none. */
    public long warmAt = Long.MIN_VALUE;
    public double warmInstances = Double.NaN;
    public long expectedLoadAt = Long.MIN_VALUE;
    public double expectedLoad = Double.NaN;
    public String releaseId;

    // derived when folded into a step
    public long requestsAfterWarmup;
    public long coldStartsAfterWarmup;
    public long pinCarrying;
    public long pinMismatches;
    public String pinMismatchExample;
    public long pinnedRequests;
    public long misrouted;
    public long streamsCutOld;
    /** end of the latest tick that had requests of this revision; Long.MIN_VALUE when none. */
    public long lastRequestTick = Long.MIN_VALUE;

    public RevisionEvidence() {
        this(new LatencySketch());
    }

    private RevisionEvidence(LatencySketch sketch) {
        this.latency = sketch;
    }

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

    /** Adds another partial's raw figures and derived counters (same meaning on both sides). */
    public void merge(RevisionEvidence o) {
        requests += o.requests;
        errors5xx += o.errors5xx;
        coldStarts += o.coldStarts;
        latency.merge(o.latency);
        o.pinCombos.forEach((k, v) -> pinCombos.merge(k, v, Long::sum));
        o.pinnedValues.forEach((k, v) -> pinnedValues.merge(k, v, Long::sum));
        streamsCut += o.streamsCut;
        postDuplicates += o.postDuplicates;
        postDuplicatesDeduped += o.postDuplicatesDeduped;
        sideEffects += o.sideEffects;
        sideEffectDuplicates += o.sideEffectDuplicates;
        sideEffectExample = firstNonNull(sideEffectExample, o.sideEffectExample);
        queueWorks += o.queueWorks;
        fenceViolations += o.fenceViolations;
        fenceExample = firstNonNull(fenceExample, o.fenceExample);
        o.probeDeltaS.forEach((k, v) -> probeDeltaS.merge(k, v.clone(), (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]}));
        o.probeSeeds.forEach((k, v) -> probeSeeds.merge(k, v.clone(), (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}));
        lambdaExample = firstNonNull(lambdaExample, o.lambdaExample);
        o.queueAge.forEach((k, v) -> queueAge(k).merge(v));
        if (o.warmAt >= warmAt && o.warmAt != Long.MIN_VALUE) {
            warmAt = o.warmAt;
            warmInstances = o.warmInstances;
        }
        if (o.expectedLoadAt >= expectedLoadAt && o.expectedLoadAt != Long.MIN_VALUE) {
            expectedLoadAt = o.expectedLoadAt;
            expectedLoad = o.expectedLoad;
        }
        releaseId = o.releaseId != null ? o.releaseId : releaseId;
        requestsAfterWarmup += o.requestsAfterWarmup;
        coldStartsAfterWarmup += o.coldStartsAfterWarmup;
        pinCarrying += o.pinCarrying;
        pinMismatches += o.pinMismatches;
        pinMismatchExample = firstNonNull(pinMismatchExample, o.pinMismatchExample);
        pinnedRequests += o.pinnedRequests;
        misrouted += o.misrouted;
        streamsCutOld += o.streamsCutOld;
        lastRequestTick = Math.max(lastRequestTick, o.lastRequestTick);
    }

    /** The queue-age trend of a partition, created on first use. */
    public LinearTrend queueAge(String partition) {
        return queueAge.computeIfAbsent(partition, p -> new LinearTrend());
    }

    /** Records a warm_instances sample if it is the newest seen. */
    public void warm(long at, double value) {
        if (at >= warmAt) {
            warmAt = at;
            warmInstances = value;
        }
    }

    /** Records an expected_p50_load sample if it is the newest seen. */
    public void expectedLoad(long at, double value) {
        if (at >= expectedLoadAt) {
            expectedLoadAt = at;
            expectedLoad = value;
        }
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    /** Whether nothing at all was recorded. */
    public boolean isEmpty() {
        return requests == 0 && sideEffects == 0 && queueWorks == 0 && probeDeltaS.isEmpty() && probeSeeds.isEmpty()
                && queueAge.isEmpty() && warmAt == Long.MIN_VALUE && expectedLoadAt == Long.MIN_VALUE && requestsAfterWarmup == 0;
    }

    /** Compact binary encoding. */
    public void writeTo(DataOutput out) throws IOException {
        VarInts.writeLong(out, requests);
        VarInts.writeLong(out, errors5xx);
        VarInts.writeLong(out, coldStarts);
        latency.writeTo(out);
        writeLongMap(out, pinCombos);
        writeLongMap(out, pinnedValues);
        VarInts.writeLong(out, streamsCut);
        VarInts.writeLong(out, postDuplicates);
        VarInts.writeLong(out, postDuplicatesDeduped);
        VarInts.writeLong(out, sideEffects);
        VarInts.writeLong(out, sideEffectDuplicates);
        writeString(out, sideEffectExample);
        VarInts.writeLong(out, queueWorks);
        VarInts.writeLong(out, fenceViolations);
        writeString(out, fenceExample);
        VarInts.writeInt(out, probeDeltaS.size());
        for (Map.Entry<String, double[]> e : probeDeltaS.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue()[0]);
            out.writeDouble(e.getValue()[1]);
        }
        VarInts.writeInt(out, probeSeeds.size());
        for (Map.Entry<Long, long[]> e : probeSeeds.entrySet()) {
            VarInts.writeLong(out, e.getKey());
            VarInts.writeLong(out, e.getValue()[0]);
            VarInts.writeLong(out, e.getValue()[1]);
        }
        writeString(out, lambdaExample);
        VarInts.writeInt(out, queueAge.size());
        for (Map.Entry<String, LinearTrend> e : queueAge.entrySet()) {
            out.writeUTF(e.getKey());
            e.getValue().writeTo(out);
        }
        out.writeLong(warmAt);
        out.writeDouble(warmInstances);
        out.writeLong(expectedLoadAt);
        out.writeDouble(expectedLoad);
        writeString(out, releaseId);
        VarInts.writeLong(out, requestsAfterWarmup);
        VarInts.writeLong(out, coldStartsAfterWarmup);
        VarInts.writeLong(out, pinCarrying);
        VarInts.writeLong(out, pinMismatches);
        writeString(out, pinMismatchExample);
        VarInts.writeLong(out, pinnedRequests);
        VarInts.writeLong(out, misrouted);
        VarInts.writeLong(out, streamsCutOld);
        out.writeLong(lastRequestTick);
    }

    /** Decodes {@link #writeTo(DataOutput)}. */
    public static RevisionEvidence readFrom(DataInput in) throws IOException {
        long requests = VarInts.readLong(in);
        long errors = VarInts.readLong(in);
        long cold = VarInts.readLong(in);
        RevisionEvidence e = new RevisionEvidence(LatencySketch.readFrom(in));
        e.requests = requests;
        e.errors5xx = errors;
        e.coldStarts = cold;
        readLongMap(in, e.pinCombos);
        readLongMap(in, e.pinnedValues);
        e.streamsCut = VarInts.readLong(in);
        e.postDuplicates = VarInts.readLong(in);
        e.postDuplicatesDeduped = VarInts.readLong(in);
        e.sideEffects = VarInts.readLong(in);
        e.sideEffectDuplicates = VarInts.readLong(in);
        e.sideEffectExample = readString(in);
        e.queueWorks = VarInts.readLong(in);
        e.fenceViolations = VarInts.readLong(in);
        e.fenceExample = readString(in);
        int nq = VarInts.readInt(in);
        for (int i = 0; i < nq; i++) {
            e.probeDeltaS.put(in.readUTF(), new double[] {in.readDouble(), in.readDouble()});
        }
        int ns = VarInts.readInt(in);
        for (int i = 0; i < ns; i++) {
            e.probeSeeds.put(VarInts.readLong(in), new long[] {VarInts.readLong(in), VarInts.readLong(in)});
        }
        e.lambdaExample = readString(in);
        int nt = VarInts.readInt(in);
        for (int i = 0; i < nt; i++) {
            e.queueAge.put(in.readUTF(), LinearTrend.readFrom(in));
        }
        e.warmAt = in.readLong();
        e.warmInstances = in.readDouble();
        e.expectedLoadAt = in.readLong();
        e.expectedLoad = in.readDouble();
        e.releaseId = readString(in);
        e.requestsAfterWarmup = VarInts.readLong(in);
        e.coldStartsAfterWarmup = VarInts.readLong(in);
        e.pinCarrying = VarInts.readLong(in);
        e.pinMismatches = VarInts.readLong(in);
        e.pinMismatchExample = readString(in);
        e.pinnedRequests = VarInts.readLong(in);
        e.misrouted = VarInts.readLong(in);
        e.streamsCutOld = VarInts.readLong(in);
        e.lastRequestTick = in.readLong();
        return e;
    }

    static void writeLongMap(DataOutput out, Map<String, Long> m) throws IOException {
        VarInts.writeInt(out, m.size());
        for (Map.Entry<String, Long> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            VarInts.writeLong(out, e.getValue());
        }
    }

    static void readLongMap(DataInput in, Map<String, Long> m) throws IOException {
        int n = VarInts.readInt(in);
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), VarInts.readLong(in));
        }
    }

    static void writeString(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readString(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
