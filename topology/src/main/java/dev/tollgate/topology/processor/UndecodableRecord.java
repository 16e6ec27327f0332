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
 * <p>So every kind of bad input takes one path: the same validator, the same reason vocabulary in the
 * dead-letter headers, the same handler. (Kafka Streams' own deserialization path would keep the order too: it
 * makes an undecodable record a head with timestamp -1; the lateness once seen in {@code PoisonInputIT} came from
 * decodable bad records stamped after their neighbours, which {@link EventTimeExtractor} now neutralises.)
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
