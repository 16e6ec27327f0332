package dev.tollgate.topology.evidence;

/**
 * A kind of evidence a service may publish. Requests are always expected; every other kind makes the gates
 * that need it apply once it has been seen for the service (or the policy requires them).
 */
public enum EvidenceKind {
    /** Request logs: every service publishes them; request gates always apply. */
    REQUESTS("request logs"),
    /** Side effects (webhooks, jobs, vector writes). */
    SIDE_EFFECTS("side effects"),
    /** Queue work items. */
    QUEUE_WORK("queue work"),
    /** {@code queue_age_ms} metric samples. */
    QUEUE_AGE("queue_age_ms samples"),
    /** {@code warm_instances} / {@code expected_p50_load} metric samples. */
    CAPACITY("warm_instances/expected_p50_load samples"),
    /** Probe results. */
    PROBES("probe results");

    private final String description;

    EvidenceKind(String description) {
        this.description = description;
    }

    /** What the kind is, for people: e.g. {@code probe results}. */
    public String description() {
        return description;
    }
}
