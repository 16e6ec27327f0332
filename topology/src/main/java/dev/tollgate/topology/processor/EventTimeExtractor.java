package dev.tollgate.topology.processor;

import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.QueueWork;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.SideEffect;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is the contract's {@code timestamp} field (epoch ms), not the producer's record timestamp, so a
 * replay of recorded events reproduces production decisions. Typed accessors, not a by-name field lookup: this
 * runs once per input record.
 *
 * <p>A record the evaluator will reject ({@link EventValidator}: no key or value, undecodable, of another topic's
 * type, a value out of its domain, a timestamp far from the wall clock) gets the partition's current time instead,
 * so that it neither advances Kafka Streams' stream time nor holds back its partition in the timestamp-ordered
 * choice of the next record: a bad record stamped after its neighbours (measured: bad request logs stamped a few
 * minutes later than a catch-up's valid ones) would otherwise keep its partition waiting while the other input
 * topics run ahead, and the valid records behind it would come late.
 */
public final class EventTimeExtractor implements TimestampExtractor {
    private final EventValidator validator;

    /** Without validation (every contract timestamp is taken as is). */
    public EventTimeExtractor() {
        this(null);
    }

    /** @param validator the evaluator's checks: a record failing them keeps the partition time; null = none */
    public EventTimeExtractor(EventValidator validator) {
        this.validator = validator;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long ts = payloadTime(record.value());
        if (ts < 0) {
            return Math.max(partitionTime, 0);
        }
        if (validator != null) {
            try {
                validator.check(
                        record.topic(),
                        record.key() instanceof String k ? k : null,
                        (SpecificRecord) record.value(),
                        System.currentTimeMillis());
            } catch (InvalidEventException e) {
                return Math.max(partitionTime, 0);
            }
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
