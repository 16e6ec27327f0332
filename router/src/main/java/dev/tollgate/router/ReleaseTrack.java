package dev.tollgate.router;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import java.util.HashSet;
import java.util.Set;

/**
 * What the router knows of one release: the last RolloutEvent it (or anyone) published for it, the HAProxy
 * servers it drives, the decisions it already applied and the last decision seen. Rebuilt from
 * {@code tollgate.rollouts} on start.
 */
public final class ReleaseTrack {
    private RolloutEvent last;
    private long startedAt = Long.MIN_VALUE;
    private String backend;
    private String baselineServer;
    private String canaryServer;
    private String batchPolicy;
    private final Set<String> applied = new HashSet<>();
    private GateDecision lastDecision;

    /** Records an event of this release read from (or just written to) the rollouts topic. */
    public void record(
            RolloutEvent e,
            long recordTimestamp,
            String decisionId,
            String backend,
            String baseline,
            String canary,
            String batchPolicy) {
        last = e;
        if (e.getPhase() == RolloutPhase.STARTED || startedAt == Long.MIN_VALUE) {
            startedAt = recordTimestamp;
        }
        if (decisionId != null) {
            applied.add(decisionId);
        }
        if (backend != null) {
            this.backend = backend;
        }
        if (baseline != null) {
            this.baselineServer = baseline;
        }
        if (canary != null) {
            this.canaryServer = canary;
        }
        if (batchPolicy != null) {
            this.batchPolicy = batchPolicy;
        }
    }

    public RolloutEvent last() {
        return last;
    }

    /** Record timestamp of the release's STARTED event (or of its first event seen). */
    public long startedAt() {
        return startedAt;
    }

    public String backend() {
        return backend;
    }

    public String baselineServer() {
        return baselineServer;
    }

    public String canaryServer() {
        return canaryServer;
    }

    public String batchPolicy() {
        return batchPolicy;
    }

    /** Whether this decision already moved the release. */
    public boolean applied(String decisionId) {
        return applied.contains(decisionId);
    }

    /** Number of decisions that moved the release. */
    public int appliedCount() {
        return applied.size();
    }

    public GateDecision lastDecision() {
        return lastDecision;
    }

    public void lastDecision(GateDecision d) {
        lastDecision = d;
    }

    /** Whether the release reached COMPLETED or ABORTED. */
    public boolean terminal() {
        return last != null && (last.getPhase() == RolloutPhase.COMPLETED || last.getPhase() == RolloutPhase.ABORTED);
    }
}
