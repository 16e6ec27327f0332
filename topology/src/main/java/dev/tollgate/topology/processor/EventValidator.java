package dev.tollgate.topology.processor;

import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.QueueWork;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.SideEffect;
import dev.tollgate.topology.LiveSettings;
import dev.tollgate.topology.TopicNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Rejects input events that deserialized but must not be evaluated, by throwing {@link InvalidEventException}
 * (the service dead-letters the record with the reason in its headers). Checked before an event touches any
 * state or watermark:
 *
 * <ul>
 *   <li>a value that could not be deserialized ({@link UndecodableRecord}, reason {@value #DESERIALIZATION});
 *   <li>no value (a tombstone: input topics are not compacted) or no key (the key is the service and decides the
 *       partition, so a keyless record would be evaluated by whatever task its partition belongs to);
 *   <li>a record of another topic's type (e.g. a RolloutEvent on the requests topic);
 *   <li>a negative timestamp, one more than {@link LiveSettings#maxFutureSkewMs()} ahead of the wall clock, or
 *       older than {@link LiveSettings#maxEventAgeMs()} (the two wall-clock checks are off in replay);
 *   <li>values outside their domain: HTTP status outside 100–599, latency negative or not finite, a metric value,
 *       ΔS outside [0, 2], a trajectory value not finite, a traffic share outside [0, 100], a negative step
 *       index, queue partition or offset.
 * </ul>
 *
 * <p>Allocation-free on valid events.
 */
public final class EventValidator {
    /** The reason of a value that could not be deserialized ({@link UndecodableRecord}). */
    public static final String DESERIALIZATION = "deserialization";

    private static final double MAX_DELTA_S = 2.0;

    private final Map<String, Class<? extends SpecificRecord>> typeOfTopic = new HashMap<>();
    private final LiveSettings live;

    /**
     * @param topics the contract's topic names (which type each input topic carries)
     * @param live   the wall-clock checks ({@link LiveSettings#OFF}: none)
     */
    public EventValidator(TopicNames topics, LiveSettings live) {
        this.live = live;
        List<Class<? extends SpecificRecord>> types = List.of(
                RequestLog.class,
                SideEffect.class,
                QueueWork.class,
                MetricSample.class,
                ProbeResult.class,
                RolloutEvent.class);
        List<String> names = List.of(
                topics.requests(),
                topics.sideEffects(),
                topics.queueWork(),
                topics.metrics(),
                topics.probes(),
                topics.rollouts());
        for (int i = 0; i < types.size(); i++) {
            typeOfTopic.put(names.get(i), types.get(i));
        }
    }

    /**
     * Checks one input event.
     *
     * @param topic       the topic it was read from (null: unknown, not checked)
     * @param key         the record key
     * @param event       the deserialized value (its contract {@code timestamp} is checked, not the record's,
     *                    which {@link EventTimeExtractor} replaces for a record it knows to be bad)
     * @param wallClockMs the current wall-clock time
     * @throws InvalidEventException naming the reason
     */
    public void check(String topic, String key, SpecificRecord event, long wallClockMs) {
        if (event == null) {
            throw new InvalidEventException("null-value", "no value (tombstone) on input topic " + topic);
        }
        if (event instanceof UndecodableRecord u) {
            throw new InvalidEventException(DESERIALIZATION, String.valueOf(u.cause()));
        }
        if (key == null) {
            throw new InvalidEventException(
                    "null-key",
                    "no key on topic " + topic + ": the key must be the service (it decides the partition)");
        }
        Class<? extends SpecificRecord> expected = topic == null ? null : typeOfTopic.get(topic);
        if (expected != null && !expected.isInstance(event)) {
            throw new InvalidEventException(
                    "wrong-type",
                    event.getSchema().getName() + " on topic " + topic + ", which carries " + expected.getSimpleName());
        }
        checkTime(EventTimeExtractor.payloadTime(event), wallClockMs);
        if (event instanceof RequestLog r) {
            if (r.getStatus() < 100 || r.getStatus() > 599) {
                throw new InvalidEventException("status-out-of-range", "HTTP status " + r.getStatus());
            }
            double l = r.getLatencyMs();
            if (!Double.isFinite(l) || l < 0) {
                throw new InvalidEventException("latency-invalid", "latencyMs " + l);
            }
        } else if (event instanceof MetricSample m) {
            if (!Double.isFinite(m.getValue())) {
                throw new InvalidEventException("metric-value-invalid", m.getName() + " = " + m.getValue());
            }
        } else if (event instanceof ProbeResult p) {
            Double ds = p.getDeltaS();
            if (ds != null && !(ds >= 0 && ds <= MAX_DELTA_S)) {
                throw new InvalidEventException("delta-s-invalid", "deltaS " + ds);
            }
            List<Double> trajectory = p.getTrajectory();
            for (int i = 0; i < trajectory.size(); i++) {
                double v = trajectory.get(i);
                if (!Double.isFinite(v)) {
                    throw new InvalidEventException("delta-s-invalid", "trajectory[" + i + "] " + v);
                }
            }
        } else if (event instanceof RolloutEvent e) {
            double t = e.getTrafficPercent();
            if (!(t >= 0 && t <= 100)) {
                throw new InvalidEventException("traffic-percent-invalid", "trafficPercent " + t);
            }
            if (e.getStepIndex() < 0) {
                throw new InvalidEventException("step-index-invalid", "stepIndex " + e.getStepIndex());
            }
        } else if (event instanceof QueueWork q) {
            if (q.getPartition() < 0 || q.getOffset() < 0) {
                throw new InvalidEventException(
                        "queue-position-invalid", "partition " + q.getPartition() + ", offset " + q.getOffset());
            }
        }
    }

    private void checkTime(long eventTime, long wallClockMs) {
        if (eventTime < 0) {
            throw new InvalidEventException("timestamp-negative", "timestamp " + eventTime);
        }
        if (live.maxFutureSkewMs() > 0 && eventTime - wallClockMs > live.maxFutureSkewMs()) {
            throw new InvalidEventException(
                    "timestamp-future",
                    "timestamp " + eventTime + " is " + (eventTime - wallClockMs)
                            + " ms ahead of the wall clock (max.future.skew.ms " + live.maxFutureSkewMs() + ")");
        }
        if (live.maxEventAgeMs() > 0 && wallClockMs - eventTime > live.maxEventAgeMs()) {
            throw new InvalidEventException(
                    "timestamp-too-old",
                    "timestamp " + eventTime + " is " + (wallClockMs - eventTime)
                            + " ms behind the wall clock (max.event.age.ms " + live.maxEventAgeMs() + ")");
        }
    }
}
