package dev.tollgate.app.http;

import dev.tollgate.schemas.avro.RolloutStatus;
import java.util.List;
import java.util.Optional;

/**
 * Where the HTTP API reads rollout status from. The service reads Kafka Streams' interactive-query store;
 * tests use a map.
 */
public interface RolloutStatusSource {
    /**
     * The status of one service's rollout.
     *
     * @throws StatusUnavailableException while the store cannot be queried (starting, rebalancing)
     */
    Optional<RolloutStatus> find(String service);

    /**
     * The status of one service for a reader who prefers a copy that may be behind to no answer (the status
     * endpoint, never a verdict): the owner's status, or while the owner cannot be asked or is still taking the
     * service over, this instance's standby copy of it, marked {@link Read#stale()}. By default {@link #find}.
     *
     * @throws StatusUnavailableException when neither the owner nor a copy here can be read
     */
    default Optional<Read> read(String service) {
        return find(service).map(s -> new Read(s, false));
    }

    /**
     * A status read for {@link #read}.
     *
     * @param status the status
     * @param stale  true when it comes from a standby copy (kept from the changelog, so it may lag the owner's)
     */
    record Read(RolloutStatus status, boolean stale) {}

    /**
     * The status of every service known here, ordered by service.
     *
     * @throws StatusUnavailableException while the store cannot be queried (starting, rebalancing)
     */
    List<RolloutStatus> all();

    /** The status store cannot be queried right now (e.g. while Kafka Streams rebalances); retry later. */
    final class StatusUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StatusUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
