package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.codec.Versions;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Where a service's rollout stands: the rollout events not yet applied (in event-time order), the event that
 * started the current step, Tollgate's state of the release, and when the step and the release started.
 */
public final class RolloutTrack {
    static final int TAG = 3;
    static final int VERSION = 1;

    /** Rollout events not yet applied (they take effect at the next tick boundary), in event-time order. */
    final List<RolloutEvent> pending = new ArrayList<>();
    /** The event that started the current step, or null. */
    RolloutEvent current;

    ReleaseState state = ReleaseState.NONE;
    long stepStart;
    long releaseStart;

    /** The current rollout event (the one that started the step), or null. */
    public RolloutEvent current() {
        return current;
    }

    /** Tollgate's state of the current release. */
    public ReleaseState state() {
        return state;
    }

    /** Event time the current step's evidence starts. */
    public long stepStart() {
        return stepStart;
    }

    boolean draining() {
        return current != null && current.getPhase() == RolloutPhase.DRAINING;
    }

    /** Whether gates are evaluated: a step is active or the old revision drains. */
    boolean evaluating() {
        return state == ReleaseState.ACTIVE || state == ReleaseState.DRAINING;
    }

    void writeTo(DataOutput out) throws IOException {
        StateIo.writeInt(out, pending.size());
        for (RolloutEvent r : pending) {
            writeRollout(out, r);
        }
        out.writeBoolean(current != null);
        if (current != null) {
            writeRollout(out, current);
        }
        out.writeUTF(state.name());
        out.writeLong(stepStart);
        out.writeLong(releaseStart);
    }

    static RolloutTrack readFrom(DataInput in, int version) throws IOException {
        Versions.require("rollout track", version, VERSION);
        RolloutTrack t = new RolloutTrack();
        int n = StateIo.readInt(in);
        for (int i = 0; i < n; i++) {
            t.pending.add(readRollout(in));
        }
        if (in.readBoolean()) {
            t.current = readRollout(in);
        }
        String state = in.readUTF();
        try {
            t.state = ReleaseState.valueOf(state);
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown release state " + state, e);
        }
        t.stepStart = in.readLong();
        t.releaseStart = in.readLong();
        return t;
    }

    /** A rollout event as its schema's Avro binary (the contract's schema evolution rules apply to it). */
    static void writeRollout(DataOutput out, RolloutEvent r) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(b, null);
        new SpecificDatumWriter<>(RolloutEvent.class).write(r, enc);
        enc.flush();
        byte[] bytes = b.toByteArray();
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static RolloutEvent readRollout(DataInput in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, null);
        return new SpecificDatumReader<>(RolloutEvent.class).read(null, dec);
    }
}
