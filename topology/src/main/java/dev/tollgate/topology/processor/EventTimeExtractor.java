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
 * replay of recorded events reproduces production decisions. Typed accessors, not a by-name field lookup: this
 * runs once per input record.
 *
 * <p>A record the evaluator will reject gets the partition's current time instead, so that it neither advances
 * Kafka Streams' stream time nor holds back its partition in the timestamp-ordered choice of the next record: a
 * record without a contract timestamp (no value, a type that is not an input), a negative one, and, with a {@code
 * maxFutureSkewMs} &gt; 0, one more than that ahead of the wall clock (a single record stamped years ahead would
 * otherwise keep its partition waiting behind every other topic, whose records would then make it late).
 */
public final class EventTimeExtractor implements TimestampExtractor {
    private final long maxFutureSkewMs;

    /** Without the wall-clock check (replay, tests). */
    public EventTimeExtractor() {
        this(0);
    }

    /** @param maxFutureSkewMs records more than this ahead of the wall clock keep the partition time; 0 = off */
    public EventTimeExtractor(long maxFutureSkewMs) {
        this.maxFutureSkewMs = maxFutureSkewMs;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long ts = payloadTime(record.value());
        if (ts < 0 || (maxFutureSkewMs > 0 && ts - System.currentTimeMillis() > maxFutureSkewMs)) {
            return Math.max(partitionTime, 0);
        }
        return ts;
    }

    /** The contract's {@code timestamp} of an input event, or -1 for anything else (null included). */
    static long payloadTime(Object v) {
        if (v instanceof RequestLog r) {
            return r.getTimestamp();
        } else if (v instanceof MetricSample m) {
            return m.getTimestamp();
        } else if (v instanceof RolloutEvent e) {
            return e.getTimestamp();
        } else if (v instanceof SideEffect s) {
            return s.getTimestamp();
        } else if (v instanceof QueueWork q) {
            return q.getTimestamp();
        } else if (v instanceof ProbeResult p) {
            return p.getTimestamp();
        }
        return -1;
    }
}
