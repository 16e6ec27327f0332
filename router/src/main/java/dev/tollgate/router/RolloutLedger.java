package dev.tollgate.router;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RolloutEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Rebuilds the releases' tracks from {@code tollgate.rollouts} (and their last decisions from the decisions topic). */
public final class RolloutLedger {
    private RolloutLedger() {}

    /** Key of a release in the maps returned here. */
    public static String key(String service, String releaseId) {
        return service + "/" + releaseId;
    }

    /** Reads every RolloutEvent of the services accepted by {@code service}, by release key, in topic order. */
    public static Map<String, ReleaseTrack> read(RouterClients clients, Predicate<String> service) {
        Map<String, ReleaseTrack> out = new LinkedHashMap<>();
        clients.readToEnd(clients.topics().rollouts(), Long.MIN_VALUE, "tollgate-router-ledger", r -> {}, (r, v) -> {
            if (v instanceof RolloutEvent e && service.test(e.getService())) {
                out.computeIfAbsent(key(e.getService(), e.getReleaseId()), k -> new ReleaseTrack())
                        .record(
                                e,
                                r.timestamp(),
                                RouterHeaders.get(r.headers(), RouterHeaders.DECISION_ID),
                                RouterHeaders.get(r.headers(), RouterHeaders.BACKEND),
                                RouterHeaders.get(r.headers(), RouterHeaders.BASELINE_SERVER),
                                RouterHeaders.get(r.headers(), RouterHeaders.CANARY_SERVER),
                                RouterHeaders.get(r.headers(), RouterHeaders.BATCH_POLICY));
            }
        });
        return out;
    }

    /** Sets each track's last decision from the decisions topic, read from the earliest track's start. */
    public static void attachLastDecisions(RouterClients clients, Map<String, ReleaseTrack> tracks) {
        long from = tracks.values().stream()
                .mapToLong(ReleaseTrack::startedAt)
                .min()
                .orElse(Long.MAX_VALUE);
        if (tracks.isEmpty()) {
            return;
        }
        clients.readToEnd(clients.topics().decisions(), from - 60_000, "tollgate-router-status", r -> {}, (r, v) -> {
            if (v instanceof GateDecision d) {
                ReleaseTrack t = tracks.get(key(d.getService(), d.getReleaseId()));
                if (t != null) {
                    t.lastDecision(d);
                }
            }
        });
    }
}
