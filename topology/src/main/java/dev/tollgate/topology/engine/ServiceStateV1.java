package dev.tollgate.topology.engine;

import dev.tollgate.topology.evidence.RevisionEvidenceV1;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * Reader of state format v1 (Tollgate 0.1.0): one positional record, fixed-width numbers, the release state
 * as its ordinal. Kept so states written by 0.1.0 restore; nothing writes it any more.
 */
final class ServiceStateV1 {
    /** Release states in v1's ordinal order (frozen here: the enum may grow or reorder). */
    private static final ReleaseState[] STATES = {
        ReleaseState.NONE, ReleaseState.ACTIVE, ReleaseState.AWAITING_STEP, ReleaseState.ROLLED_BACK,
        ReleaseState.FROZEN, ReleaseState.COMPLETE, ReleaseState.DRAINING, ReleaseState.ENDED
    };

    private ServiceStateV1() {}

    /** Reads the rest of a v1 state (after its version byte). */
    static ServiceState readFrom(DataInputStream in) throws IOException {
        ServiceState st = new ServiceState(
                new ClockState(),
                new RevisionWindows(),
                new RolloutTrack(),
                new DecisionMemory(),
                new StepEvidence(),
                new RevisionWindows(),
                new EvidenceSeen());
        st.clock.maxEventTime = in.readLong();
        st.clock.nextTick = in.readLong();
        RevisionWindows ticks = RevisionWindows.readV1(in);
        st.openTicks.windows.putAll(ticks.windows);
        int pending = in.readInt();
        for (int i = 0; i < pending; i++) {
            st.rollout.pending.add(RolloutTrack.readRollout(in));
        }
        if (in.readBoolean()) {
            st.rollout.current = RolloutTrack.readRollout(in);
        }
        int state = in.readByte();
        if (state < 0 || state >= STATES.length) {
            throw new IOException("unknown v1 release state ordinal " + state);
        }
        st.rollout.state = STATES[state];
        st.rollout.stepStart = in.readLong();
        st.rollout.releaseStart = in.readLong();
        int failures = in.readInt();
        for (int i = 0; i < failures; i++) {
            st.decisions.failures.put(in.readUTF(), in.readInt());
        }
        st.decisions.decisionSeq = in.readInt();
        st.decisions.lastDecisionKey = in.readUTF();
        int published = in.readInt();
        for (int i = 0; i < published; i++) {
            st.decisions.published.put(in.readUTF(), new long[] {in.readLong(), in.readLong()});
        }
        st.step.baseline = RevisionEvidenceV1.readFrom(in);
        st.step.canary = RevisionEvidenceV1.readFrom(in);
        st.step.serviceLevel = RevisionEvidenceV1.readFrom(in);
        RevisionWindows minutes = RevisionWindows.readV1(in);
        st.minutes.windows.putAll(minutes.windows);
        EvidenceSeen inferred = EvidenceSeen.inferredFrom(st);
        System.arraycopy(inferred.first, 0, st.seen.first, 0, inferred.first.length);
        System.arraycopy(inferred.last, 0, st.seen.last, 0, inferred.last.length);
        return st;
    }
}
