package dev.tollgate.topology.engine;

/**
 * Keys that must be remembered across events for a retention period: idempotency keys of POSTs,
 * side-effect dedupe keys and worked queue offsets. Backed by a windowed store in the topology so keys
 * expire and state stays bounded; a plain map in unit tests.
 */
public interface KeyLedger {
    /**
     * Records one delivery of an idempotent POST.
     *
     * @return the deliveries and dedupe hits seen before this one within retention, {0, 0} for the first
     */
    long[] delivery(String service, String key, long timestamp, boolean dedupeHit, long retentionMs);

    /**
     * Records one execution of a side effect.
     *
     * @return the revision that executed the key before within retention, or null for the first execution
     */
    String sideEffect(String service, String key, long timestamp, String revision, long retentionMs);

    /**
     * Records a worked queue offset.
     *
     * @return a different revision that worked the same offset before within retention, or null
     */
    String queueOffset(String service, String key, long timestamp, String revision, long retentionMs);
}
