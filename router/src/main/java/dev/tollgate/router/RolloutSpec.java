package dev.tollgate.router;

import dev.tollgate.schemas.avro.RevisionPins;
import java.util.Objects;

/**
 * A release the router drives: the service, the HAProxy backend and its two servers, the revisions they serve
 * (by default the server names) and the pins to announce.
 *
 * @param service          service name (the key of every event)
 * @param releaseId        release id
 * @param backend          HAProxy backend
 * @param baselineServer   HAProxy server of the baseline
 * @param canaryServer     HAProxy server of the canary
 * @param baselineRevision revision the baseline server serves
 * @param canaryRevision   revision the canary server serves
 * @param canaryPins       pins of the canary, or null
 * @param baselinePins     pins of the baseline, or null
 */
public record RolloutSpec(
        String service,
        String releaseId,
        String backend,
        String baselineServer,
        String canaryServer,
        String baselineRevision,
        String canaryRevision,
        RevisionPins canaryPins,
        RevisionPins baselinePins) {
    public RolloutSpec {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(baselineServer, "baselineServer");
        Objects.requireNonNull(canaryServer, "canaryServer");
        if (baselineServer.equals(canaryServer)) {
            throw new IllegalArgumentException("baseline and canary are the same server " + canaryServer);
        }
        baselineRevision = baselineRevision == null ? baselineServer : baselineRevision;
        canaryRevision = canaryRevision == null ? canaryServer : canaryRevision;
    }
}
