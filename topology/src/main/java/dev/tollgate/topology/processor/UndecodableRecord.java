package dev.tollgate.topology.processor;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Stands for an input record whose value could not be deserialized (garbage, wrong magic byte, unknown schema
 * id, truncated or malformed Avro), so that it travels through the topology like any record instead of failing in
 * Kafka Streams' record queue: the {@link EventTimeExtractor} gives it the partition's time and the {@link
 * EventValidator} rejects it (reason {@code deserialization}), and the service dead-letters its raw bytes.
 *
 * <p>Why not Kafka Streams' deserialization exception handler: when every buffered record of a partition is
 * undecodable, Kafka Streams makes the last one the partition's head with its raw record timestamp (the wall
 * clock on a LogAppendTime topic), so during a catch-up the partition waits behind every other input topic,
 * whose events then run ahead and make this partition's valid events late.
 */
public final class UndecodableRecord implements SpecificRecord {
    private static final Schema SCHEMA = Schema.createRecord(
            "UndecodableRecord", "an undecodable input value", "dev.tollgate.topology", false, List.of());

    private final RuntimeException cause;

    public UndecodableRecord(RuntimeException cause) {
        this.cause = cause;
    }

    /** Why the value could not be deserialized. */
    public RuntimeException cause() {
        return cause;
    }

    @Override
    public Schema getSchema() {
        return SCHEMA;
    }

    @Override
    public Object get(int field) {
        throw new IndexOutOfBoundsException("UndecodableRecord has no fields");
    }

    @Override
    public void put(int field, Object value) {
        throw new IndexOutOfBoundsException("UndecodableRecord has no fields");
    }
}
