package dev.tollgate.topology.engine;

/** Where Tollgate stands with the current release of a service. */
public enum ReleaseState {
    /** No rollout seen yet. */
    NONE,
    /** A step is running and gates are evaluated. */
    ACTIVE,
    /** PROMOTE was published; waiting for the router's next STEP. */
    AWAITING_STEP,
    /** ROLLBACK was published; a new STEP/STARTED of the same release retries. */
    ROLLED_BACK,
    /** FREEZE was published: no automatic retries for this release. */
    FROZEN,
    /** COMPLETE was published. */
    COMPLETE,
    /** The old revision drains after the last shift; only failures decide. */
    DRAINING,
    /** The router reported the rollout ended (COMPLETED or ABORTED). */
    ENDED
}
