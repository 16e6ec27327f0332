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
