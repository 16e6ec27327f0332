package dev.tollgate.app.metrics;

/** Told about every record the service sends to the dead-letter topic. Called on a stream thread. */
@FunctionalInterface
public interface DlqListener {
    /** Stage of a record that could not be deserialized. */
    String STAGE_DESERIALIZATION = "deserialization";
    /** Stage of a record whose processing threw. */
    String STAGE_PROCESSING = "processing";

    /**
     * A record was dead-lettered.
     *
     * @param stage {@link #STAGE_DESERIALIZATION} or {@link #STAGE_PROCESSING}
     * @param topic the topic the record came from
     */
    void onDeadLetter(String stage, String topic);

    /** A listener that does nothing. */
    DlqListener NOOP = (stage, topic) -> {};
}
