package dev.tollgate.topology.store;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.StateStoreContext;

/**
 * Counters of a {@link BufferedKeyValueStore}'s object cache, kept as plain fields (for {@link #stats()}) and,
 * once registered, as Kafka Streams metrics in group {@code tollgate-state-cache} with tags {@code task-id}
 * and {@code store}: {@code hit-total}, {@code miss-total}, {@code flush-total}, {@code flushed-entries-total},
 * {@code flushed-bytes-total}. Hits and misses reach the metrics once per commit ({@link #publish()}): a sensor
 * recorded on every read (one per input record) took about 5 % of the stream thread with its lock.
 */
public final class CacheMetrics {
    private static final String GROUP = "tollgate-state-cache";

    private long hits;
    private long misses;
    private long flushes;
    private long flushedEntries;
    private long flushedBytes;
    private long publishedHits;
    private long publishedMisses;
    private Sensor hitSensor;
    private Sensor missSensor;
    private Sensor flushSensor;
    private Sensor flushedEntriesSensor;
    private Sensor flushedBytesSensor;

    /** Cache counters since the store was created. */
    public record Stats(long hits, long misses, long flushes, long flushedEntries, long flushedBytes) {}

    Stats stats() {
        return new Stats(hits, misses, flushes, flushedEntries, flushedBytes);
    }

    void hit() {
        hits++;
    }

    void miss() {
        misses++;
    }

    /** Records the hits and misses since the last call on their sensors (once per commit). */
    void publish() {
        if (hitSensor != null && hits != publishedHits) {
            hitSensor.record(hits - publishedHits);
        }
        if (missSensor != null && misses != publishedMisses) {
            missSensor.record(misses - publishedMisses);
        }
        publishedHits = hits;
        publishedMisses = misses;
    }

    void flushed(int entries, long bytes) {
        flushes++;
        flushedEntries += entries;
        flushedBytes += bytes;
        if (flushSensor != null) {
            flushSensor.record();
            flushedEntriesSensor.record(entries);
            flushedBytesSensor.record(bytes);
        }
    }

    /** Registers the sensors of one store of one task (called from the store's init). */
    void register(StateStoreContext context, String store) {
        StreamsMetrics metrics = context.metrics();
        if (metrics == null) {
            return;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("task-id", context.taskId().toString());
        tags.put("store", store);
        String prefix = GROUP + "." + context.taskId() + "." + store + ".";
        hitSensor = sensor(
                metrics,
                prefix + "hit",
                "hit-total",
                "reads answered from the object cache (as of the last commit)",
                tags,
                true);
        missSensor = sensor(
                metrics,
                prefix + "miss",
                "miss-total",
                "reads that decoded a stored value (as of the last commit)",
                tags,
                true);

        flushSensor = sensor(
                metrics, prefix + "flush", "flush-total", "buffer flushes (one per commit with writes)", tags, false);
        flushedEntriesSensor = sensor(
                metrics,
                prefix + "flushed-entries",
                "flushed-entries-total",
                "values written to the changelogged store",
                tags,
                true);
        flushedBytesSensor = sensor(
                metrics,
                prefix + "flushed-bytes",
                "flushed-bytes-total",
                "bytes of encoded values written to the changelogged store",
                tags,
                true);
    }

    private static Sensor sensor(
            StreamsMetrics metrics,
            String sensorName,
            String metric,
            String doc,
            Map<String, String> tags,
            boolean sumOfValues) {
        Sensor sensor = metrics.addSensor(sensorName, Sensor.RecordingLevel.INFO);
        sensor.add(new MetricName(metric, GROUP, doc, tags), sumOfValues ? new CumulativeSum() : new CumulativeCount());
        return sensor;
    }
}
