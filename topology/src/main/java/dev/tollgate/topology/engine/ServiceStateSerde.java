package dev.tollgate.topology.engine;

import dev.tollgate.topology.codec.ByteArrayInput;
import dev.tollgate.topology.codec.ByteBufferOutput;
import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.codec.UnknownStateVersionException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The state format of {@link ServiceState}: a leading format version, then (since v2) one tagged, versioned,
 * length-prefixed section per part of the state, each written by the part itself (raw counts, var-ints and
 * sketch bucket arrays, not a generic encoding).
 *
 * <ul>
 *   <li>v1 (Tollgate 0.1.0): one positional record; read by {@link ServiceStateV1}, never written.
 *   <li>v2: sections clock, open ticks, rollout, decisions, step evidence, timeline minutes; revision evidence in
 *       sections per concern. A part whose layout changes gets a new section version and keeps its reader.
 *   <li>v3: v2 plus the sections evidence seen and reference baseline window (left out while empty). A v1 or v2
 *       state has no evidence-seen section: the kinds it had seen are inferred from the evidence it holds. Later
 *       v3 writers add the late-evidence section (tag 9, left out while empty); a reader that predates it skips
 *       it, as it skips every higher tag, so rolling back loses only the not yet reported late counts.
 * </ul>
 *
 * <p>Golden states of every released format are test fixtures ({@code GoldenStateTest}). A state this build
 * cannot read fails with {@link StateFormatException} naming the format and version: restoring must stop
 * loudly rather than dead-letter every later event of the service.
 */
public final class ServiceStateSerde
        implements Serde<ServiceState>, Serializer<ServiceState>, Deserializer<ServiceState> {
    /** The format version this build writes. */
    public static final byte VERSION = 3;

    private static final int TAG_OPEN_TICKS = 2;
    private static final int TAG_MINUTES = 6;
    /** Highest section tag this build reads; sections of higher tags (a newer writer's) are skipped. */
    private static final int MAX_TAG = LateEvidence.TAG;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}

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
            // a part added later is a new section, left out while empty, so older states re-encode identically
            boolean seen = !st.seen.isEmpty();
            boolean reference = st.step.baselineIsReference();
            boolean late = !st.late.isEmpty();
            StateIo.writeInt(out, 6 + (seen ? 1 : 0) + (reference ? 1 : 0) + (late ? 1 : 0));
            StateIo.writeSection(out, ClockState.TAG, ClockState.VERSION, st.clock::writeTo);
            StateIo.writeSection(out, TAG_OPEN_TICKS, RevisionWindows.VERSION, st.openTicks::writeTo);
            StateIo.writeSection(out, RolloutTrack.TAG, RolloutTrack.VERSION, st.rollout::writeTo);
            StateIo.writeSection(out, DecisionMemory.TAG, DecisionMemory.VERSION, st.decisions::writeTo);
            StateIo.writeSection(out, StepEvidence.TAG, StepEvidence.VERSION, st.step::writeTo);
            StateIo.writeSection(out, TAG_MINUTES, RevisionWindows.VERSION, st.minutes::writeTo);
            if (seen) {
                StateIo.writeSection(out, EvidenceSeen.TAG, EvidenceSeen.VERSION, st.seen::writeTo);
            }
            if (reference) {
                StateIo.writeSection(
                        out, StepEvidence.REFERENCE_TAG, StepEvidence.REFERENCE_VERSION, st.step::writeReferenceTo);
            }
            if (late) {
                StateIo.writeSection(out, LateEvidence.TAG, LateEvidence.VERSION, st.late::writeTo);
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
        if (data.length == 0) {
            throw new StateFormatException("Corrupt service state: empty value", null);
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInput(data));
            byte version = in.readByte();
            ServiceState st = switch (version) {
                case 1 -> ServiceStateV1.readFrom(in);
                case 2, 3 -> readV2(in);
                default ->
                    throw new StateFormatException(
                            "Unknown service state format version " + version
                                    + " (this build reads 1 to 3, writes " + VERSION
                                    + "): written by a newer Tollgate?"
                                    + " Roll forward, or reset the application's state",
                            null);
            };
            if (in.available() != 0) {
                throw new IOException(in.available() + " trailing bytes after a v" + version + " state");
            }
            return st;
        } catch (UnknownStateVersionException e) {
            throw new StateFormatException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof StateFormatException s) {
                throw s;
            }
            throw new StateFormatException("Corrupt service state: " + e, e);
        }
    }

    private static ServiceState readV2(DataInputStream in) throws IOException {
        ClockState[] clock = {new ClockState()};
        RevisionWindows[] ticks = {new RevisionWindows()};
        RolloutTrack[] rollout = {new RolloutTrack()};
        DecisionMemory[] decisions = {new DecisionMemory()};
        StepEvidence[] step = {new StepEvidence()};
        RevisionWindows[] minutes = {new RevisionWindows()};
        EvidenceSeen[] seen = {new EvidenceSeen()};
        long[][] reference = {null};
        LateEvidence[] late = {new LateEvidence()};
        boolean[] seenMissing = {true};
        int sections = StateIo.readInt(in);
        StateIo.readSections(in, sections, tag -> tag >= 1 && tag <= MAX_TAG, (tag, version, body) -> {
            switch (tag) {
                case ClockState.TAG -> clock[0] = ClockState.readFrom(body, version);
                case TAG_OPEN_TICKS -> ticks[0] = RevisionWindows.readFrom(body, version);
                case RolloutTrack.TAG -> rollout[0] = RolloutTrack.readFrom(body, version);
                case DecisionMemory.TAG -> decisions[0] = DecisionMemory.readFrom(body, version);
                case StepEvidence.TAG -> step[0] = StepEvidence.readFrom(body, version);
                case TAG_MINUTES -> minutes[0] = RevisionWindows.readFrom(body, version);
                case EvidenceSeen.TAG -> {
                    seen[0] = EvidenceSeen.readFrom(body, version);
                    seenMissing[0] = false;
                }
                case StepEvidence.REFERENCE_TAG -> {
                    StepEvidence holder = new StepEvidence();
                    holder.readReferenceFrom(body, version);
                    reference[0] = new long[] {holder.referenceFrom, holder.referenceTo};
                }
                case LateEvidence.TAG -> late[0] = LateEvidence.readFrom(body, version);
                default -> throw new IllegalStateException("unreachable tag " + tag);
            }
        });
        if (reference[0] != null) {
            step[0].referenceFrom = reference[0][0];
            step[0].referenceTo = reference[0][1];
        }
        ServiceState st =
                new ServiceState(clock[0], ticks[0], rollout[0], decisions[0], step[0], minutes[0], seen[0], late[0]);
        if (seenMissing[0]) {
            // written before the section existed: which kinds were seen follows from the evidence held
            ServiceState inferred = st;
            return new ServiceState(
                    clock[0],
                    ticks[0],
                    rollout[0],
                    decisions[0],
                    step[0],
                    minutes[0],
                    EvidenceSeen.inferredFrom(inferred),
                    late[0]);
        }
        return st;
    }

    /**
     * A stored service state that this build cannot read: corrupt, or of a format version it has no reader
     * for. A {@link SerializationException}, so Kafka Streams reports it with the store and the key.
     */
    public static final class StateFormatException extends SerializationException {
        StateFormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
