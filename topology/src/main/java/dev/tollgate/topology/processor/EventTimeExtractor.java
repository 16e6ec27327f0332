package dev.tollgate.topology.processor;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is the contract's {@code timestamp} field (epoch ms), not the producer's record timestamp, so a
 * replay of recorded events reproduces production decisions. Records without one keep the record time.
 */
public final class EventTimeExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof SpecificRecord r) {
            Schema.Field f = r.getSchema().getField("timestamp");
            if (f != null && r.get(f.pos()) instanceof Long ts && ts >= 0) {
                return ts;
            }
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
    }
}
