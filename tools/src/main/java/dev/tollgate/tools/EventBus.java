package dev.tollgate.tools;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where the simulator sends events and reads Tollgate's outputs from: a real cluster ({@link KafkaBus}) or
 * the topology in process ({@link InProcessTopology}).
 */
public interface EventBus extends AutoCloseable {
    /** Sends one event to its contract topic, keyed by its key. */
    void send(EventCodec.Event event);

    /** Makes every event sent so far visible to Tollgate (blocks until acknowledged). */
    void flush();

    /** Tollgate's outputs (GateResult, GateDecision, RevisionMinuteStats) seen since the last call. */
    List<SpecificRecord> drain();

    @Override
    void close();
}
