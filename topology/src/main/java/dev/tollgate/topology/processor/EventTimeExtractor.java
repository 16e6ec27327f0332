package dev.tollgate.topology.processor;

import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.QueueWork;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.SideEffect;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is the contract's {@code timestamp} field (epoch ms), not the producer's record timestamp, so a
 * replay of recorded events reproduces production decisions. Records without one keep the record time.
 * Typed accessors, not a by-name field lookup: this runs once per input record.
 */
public final class EventTimeExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long ts;
        Object v = record.value();
        if (v instanceof RequestLog r) {
            ts = r.getTimestamp();
        } else if (v instanceof MetricSample m) {
            ts = m.getTimestamp();
        } else if (v instanceof RolloutEvent e) {
            ts = e.getTimestamp();
        } else if (v instanceof SideEffect s) {
            ts = s.getTimestamp();
        } else if (v instanceof QueueWork q) {
            ts = q.getTimestamp();
        } else if (v instanceof ProbeResult p) {
            ts = p.getTimestamp();
        } else {
            ts = -1;
        }
        if (ts >= 0) {
            return ts;
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
    }
}
