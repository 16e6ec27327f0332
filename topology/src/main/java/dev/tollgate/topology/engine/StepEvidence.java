package dev.tollgate.topology.engine;

import dev.tollgate.topology.codec.Versions;
import dev.tollgate.topology.evidence.RevisionEvidence;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** The evidence of the current step: baseline, canary and service-level (queue metrics have no revision). */
public final class StepEvidence {
    static final int TAG = 5;
    static final int VERSION = 1;

    RevisionEvidence baseline = new RevisionEvidence();
    RevisionEvidence canary = new RevisionEvidence();
    RevisionEvidence serviceLevel = new RevisionEvidence();

    /** Baseline evidence over the step. */
    public RevisionEvidence baseline() {
        return baseline;
    }

    /** Canary evidence over the step. */
    public RevisionEvidence canary() {
        return canary;
    }

    /** Service-level evidence over the step. */
    public RevisionEvidence serviceLevel() {
        return serviceLevel;
    }

    /**
     * Starts a new step's evidence. Gauges (warm_instances, expected_p50_load) are levels, not events, so their
     * latest values carry over within the same release.
     *
     * @param keepBaselineAsReference at 100 % the baseline serves nothing: its last step is the reference
     */
    void reset(boolean sameRelease, boolean keepBaselineAsReference) {
        RevisionEvidence oldCanary = canary;
        RevisionEvidence oldService = serviceLevel;
        baseline = sameRelease && keepBaselineAsReference && baseline.traffic.requests > 0
                ? baseline
                : new RevisionEvidence();
        canary = new RevisionEvidence();
        serviceLevel = new RevisionEvidence();
        if (sameRelease) {
            canary.gauges.warm(oldCanary.gauges.warmAt, oldCanary.gauges.warmInstances);
            canary.gauges.expectedLoad(oldCanary.gauges.expectedLoadAt, oldCanary.gauges.expectedLoad);
            serviceLevel.gauges.expectedLoad(oldService.gauges.expectedLoadAt, oldService.gauges.expectedLoad);
        }
    }

    void writeTo(DataOutput out) throws IOException {
        baseline.writeTo(out);
        canary.writeTo(out);
        serviceLevel.writeTo(out);
    }

    static StepEvidence readFrom(DataInput in, int version) throws IOException {
        Versions.require("step evidence", version, VERSION);
        StepEvidence s = new StepEvidence();
        s.baseline = RevisionEvidence.readFrom(in);
        s.canary = RevisionEvidence.readFrom(in);
        s.serviceLevel = RevisionEvidence.readFrom(in);
        return s;
    }
}
