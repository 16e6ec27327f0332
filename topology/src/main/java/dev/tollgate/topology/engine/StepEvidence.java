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
    /**
     * Event-time span of the baseline evidence when it is a reference kept from an earlier step (the 100 %
     * step, where the baseline serves nothing); Long.MIN_VALUE when baseline and canary share the step's span.
     * Encoded as its own section ({@link #REFERENCE_TAG}), left out while unset.
     */
    long referenceFrom = Long.MIN_VALUE;

    long referenceTo = Long.MIN_VALUE;

    static final int REFERENCE_TAG = 8;
    static final int REFERENCE_VERSION = 1;

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
     * @param previousStepStart       when the step that ends now started
     * @param stepStart               when the new step starts (the previous one ends)
     */
    void reset(boolean sameRelease, boolean keepBaselineAsReference, long previousStepStart, long stepStart) {
        RevisionEvidence oldCanary = canary;
        RevisionEvidence oldService = serviceLevel;
        boolean keep = sameRelease && keepBaselineAsReference && baseline.traffic.requests > 0;
        if (keep) {
            if (referenceFrom == Long.MIN_VALUE) {
                referenceFrom = previousStepStart;
                referenceTo = stepStart;
            }
        } else {
            baseline = new RevisionEvidence();
            referenceFrom = Long.MIN_VALUE;
            referenceTo = Long.MIN_VALUE;
        }
        canary = new RevisionEvidence();
        serviceLevel = new RevisionEvidence();
        if (sameRelease) {
            canary.gauges.warm(oldCanary.gauges.warmAt, oldCanary.gauges.warmInstances);
            canary.gauges.expectedLoad(oldCanary.gauges.expectedLoadAt, oldCanary.gauges.expectedLoad);
            serviceLevel.gauges.expectedLoad(oldService.gauges.expectedLoadAt, oldService.gauges.expectedLoad);
        }
    }

    /** Whether the baseline is a reference kept from an earlier step's span. */
    public boolean baselineIsReference() {
        return referenceFrom != Long.MIN_VALUE;
    }

    void writeReferenceTo(DataOutput out) throws IOException {
        out.writeLong(referenceFrom);
        out.writeLong(referenceTo);
    }

    void readReferenceFrom(DataInput in, int version) throws IOException {
        Versions.require("reference baseline window", version, REFERENCE_VERSION);
        referenceFrom = in.readLong();
        referenceTo = in.readLong();
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
