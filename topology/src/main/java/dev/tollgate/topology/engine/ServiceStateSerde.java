package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.store.ByteArrayInput;
import dev.tollgate.topology.store.ByteBufferOutput;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary state format of {@link ServiceState}: raw counts, var-ints and sketch bucket arrays, not a
 * generic encoding. A leading version byte lets the format evolve without dropping state.
 */
public final class ServiceStateSerde implements Serde<ServiceState>, Serializer<ServiceState>, Deserializer<ServiceState> {
    private static final byte VERSION = 1;
    private final SpecificDatumWriter<RolloutEvent> rolloutWriter = new SpecificDatumWriter<>(RolloutEvent.class);
    private final SpecificDatumReader<RolloutEvent> rolloutReader = new SpecificDatumReader<>(RolloutEvent.class);

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }

    @Override
    public Serializer<ServiceState> serializer() {
        return this;
    }

    @Override
    public Deserializer<ServiceState> deserializer() {
        return this;
    }

    @Override
    public byte[] serialize(String topic, ServiceState st) {
        if (st == null) {
            return null;
        }
        try {
            ByteBufferOutput bytes = new ByteBufferOutput(4096);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeLong(st.maxEventTime);
            out.writeLong(st.nextTick);
            out.writeInt(st.openTicks.size());
            for (Map.Entry<Long, TreeMap<String, RevisionEvidence>> t : st.openTicks.entrySet()) {
                out.writeLong(t.getKey());
                writeRevisions(out, t.getValue());
            }
            out.writeInt(st.pendingRollouts.size());
            for (RolloutEvent r : st.pendingRollouts) {
                writeRollout(out, r);
            }
            out.writeBoolean(st.rollout != null);
            if (st.rollout != null) {
                writeRollout(out, st.rollout);
            }
            out.writeByte(st.state.ordinal());
            out.writeLong(st.stepStart);
            out.writeLong(st.releaseStart);
            out.writeInt(st.failures.size());
            for (Map.Entry<String, Integer> f : st.failures.entrySet()) {
                out.writeUTF(f.getKey());
                out.writeInt(f.getValue());
            }
            out.writeInt(st.decisionSeq);
            out.writeUTF(st.lastDecisionKey);
            out.writeInt(st.published.size());
            for (Map.Entry<String, long[]> p : st.published.entrySet()) {
                out.writeUTF(p.getKey());
                out.writeLong(p.getValue()[0]);
                out.writeLong(p.getValue()[1]);
            }
            st.baseline.writeTo(out);
            st.canary.writeTo(out);
            st.serviceLevel.writeTo(out);
            out.writeInt(st.minutes.size());
            for (Map.Entry<Long, TreeMap<String, RevisionEvidence>> m : st.minutes.entrySet()) {
                out.writeLong(m.getKey());
                writeRevisions(out, m.getValue());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ServiceState deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInput(data));
            byte v = in.readByte();
            if (v != VERSION) {
                throw new SerializationException("Unknown service state format version " + v + " (expected " + VERSION + ")");
            }
            ServiceState st = new ServiceState();
            st.maxEventTime = in.readLong();
            st.nextTick = in.readLong();
            int ticks = in.readInt();
            for (int i = 0; i < ticks; i++) {
                long k = in.readLong();
                st.openTicks.put(k, readRevisions(in));
            }
            int pending = in.readInt();
            for (int i = 0; i < pending; i++) {
                st.pendingRollouts.add(readRollout(in));
            }
            if (in.readBoolean()) {
                st.rollout = readRollout(in);
            }
            st.state = ReleaseState.values()[in.readByte()];
            st.stepStart = in.readLong();
            st.releaseStart = in.readLong();
            int failures = in.readInt();
            for (int i = 0; i < failures; i++) {
                st.failures.put(in.readUTF(), in.readInt());
            }
            st.decisionSeq = in.readInt();
            st.lastDecisionKey = in.readUTF();
            int published = in.readInt();
            for (int i = 0; i < published; i++) {
                st.published.put(in.readUTF(), new long[] {in.readLong(), in.readLong()});
            }
            st.baseline = RevisionEvidence.readFrom(in);
            st.canary = RevisionEvidence.readFrom(in);
            st.serviceLevel = RevisionEvidence.readFrom(in);
            int minutes = in.readInt();
            for (int i = 0; i < minutes; i++) {
                long m = in.readLong();
                st.minutes.put(m, readRevisions(in));
            }
            return st;
        } catch (IOException e) {
            throw new SerializationException("Corrupt service state: " + e.getMessage(), e);
        }
    }

    private static void writeRevisions(DataOutputStream out, TreeMap<String, RevisionEvidence> revs) throws IOException {
        out.writeInt(revs.size());
        for (Map.Entry<String, RevisionEvidence> r : revs.entrySet()) {
            out.writeUTF(r.getKey());
            r.getValue().writeTo(out);
        }
    }

    private static TreeMap<String, RevisionEvidence> readRevisions(DataInputStream in) throws IOException {
        TreeMap<String, RevisionEvidence> m = new TreeMap<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), RevisionEvidence.readFrom(in));
        }
        return m;
    }

    private void writeRollout(DataOutputStream out, RolloutEvent r) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(b, null);
        rolloutWriter.write(r, enc);
        enc.flush();
        byte[] bytes = b.toByteArray();
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private RolloutEvent readRollout(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, null);
        return rolloutReader.read(null, dec);
    }
}
