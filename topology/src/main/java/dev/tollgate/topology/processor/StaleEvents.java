package dev.tollgate.topology.processor;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events older than the input topics' retention: evaluated as any other, counted ({@code stale-events-total}
 * stream metric) and warned about at most once per {@link #WARNING_INTERVAL_MS} per task, with the count since
 * the last warning. Their decisions stay readable (outputs carry wall-clock record times), but such inputs, when
 * stamped with event time on a CreateTime topic, are deleted by the broker's next retention check.
 */
final class StaleEvents {
    static final long WARNING_INTERVAL_MS = 60_000;
    private static final Logger log = LoggerFactory.getLogger(StaleEvents.class);

    private final TaskId task;
    private final Sensor sensor;
    private final long inputRetentionMs;
    private long sinceWarning;
    private long lastWarning = Long.MIN_VALUE;

    StaleEvents(TaskId task, Sensor sensor, long inputRetentionMs) {
        this.task = task;
        this.sensor = sensor;
        this.inputRetentionMs = inputRetentionMs;
    }

    /** Counts (and perhaps warns about) one event of {@code service} at {@code eventTime} if it is stale. */
    void check(String service, long eventTime, long now) {
        if (inputRetentionMs <= 0 || now - eventTime <= inputRetentionMs) {
            return;
        }
        sensor.record();
        sinceWarning++;
        if (lastWarning == Long.MIN_VALUE || now - lastWarning >= WARNING_INTERVAL_MS) {
            log.warn(
                    "Evaluating events older than the input topics' retention task=[{}] count=[{}] latestService=[{}]"
                            + " latestEventAgeMs=[{}] inputRetentionMs=[{}]: decisions stay readable (published"
                            + " with wall-clock record times), but inputs stamped with event time on CreateTime"
                            + " topics are deleted by the broker's retention and cannot be re-read after a restart",
                    task,
                    sinceWarning,
                    service,
                    now - eventTime,
                    inputRetentionMs);
            lastWarning = now;
            sinceWarning = 0;
        }
    }
}
