package dev.tollgate.app.http;

import dev.tollgate.schemas.avro.RolloutStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this instance last let Flagger's {@code confirm-traffic-increase} hook do, per service and canary
 * checksum. Flagger sends no weight with its webhooks, so a PROMOTE of step s would otherwise keep answering
 * 200 after Flagger acted on it, until Tollgate processes the next step's RolloutEvent: one 200 per step, and
 * the next one only for a step Tollgate has seen since. The first call for a checksum is Flagger's 0 % call
 * (it confirms before the first shift): allowed when no release of the service is under way, and then nothing
 * of the release Tollgate knew at that moment counts for this checksum.
 *
 * <p>Kept in memory of the instance Flagger reaches (the Service uses {@code sessionAffinity: ClientIP}) and
 * bounded to {@value #MAX_ENTRIES} entries; lost on a restart. In the service the durable guard is the router's
 * own record ({@link RouterSteps}, see {@code HttpApi#judgeByRouter}): this memory only adds "one increase per
 * step" for a router that has not published its shift yet.
 */
final class FlaggerConfirmations {
    static final int MAX_ENTRIES = 10_000;

    /**
     * One service's last confirmation.
     *
     * @param pre           true for the 0 % confirmation (no step of the new release seen yet)
     * @param priorRelease  with {@code pre}: the release Tollgate was at then (its verdicts do not count), or null
     * @param release       the release of the confirmed step
     * @param step          the confirmed step index
     * @param stepStartedAt when that step started (a re-entered step is a new step)
     */
    record Entry(boolean pre, String priorRelease, String release, int step, long stepStartedAt) {
        boolean sameStep(RolloutStatus s) {
            return !pre
                    && release.equals(s.getReleaseId())
                    && step == s.getStepIndex()
                    && stepStartedAt == s.getStepStartedAt();
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    static String key(String service, String checksum) {
        return service + "\u0000" + (checksum == null ? "" : checksum);
    }

    synchronized Entry get(String key) {
        return entries.get(key);
    }

    synchronized void confirmPreTraffic(String key, String priorRelease) {
        entries.put(key, new Entry(true, priorRelease, null, -1, 0L));
    }

    synchronized void confirmStep(String key, RolloutStatus s) {
        entries.put(key, new Entry(false, null, s.getReleaseId(), s.getStepIndex(), s.getStepStartedAt()));
    }
}
