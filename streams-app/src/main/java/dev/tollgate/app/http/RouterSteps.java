package dev.tollgate.app.http;

import dev.tollgate.schemas.avro.RolloutEvent;
import java.util.Optional;

/**
 * Where the router is, from its own durable record: the latest {@link RolloutEvent} it published for a service on
 * {@code tollgate.rollouts}, read up to the end of the topic at the time of the call. The Flagger webhook uses it to
 * pin a call that carries no weight to the step the router is at, so an instance that lost its per-step memory
 * (restart, another pod) still never passes a step Tollgate has not processed.
 */
public interface RouterSteps {
    /**
     * The latest rollout event of the service on the topic, after reading everything published before the call.
     *
     * @throws RolloutStatusSource.StatusUnavailableException when the topic cannot be read up to its end right now
     */
    Optional<RolloutEvent> latest(String service);
}
