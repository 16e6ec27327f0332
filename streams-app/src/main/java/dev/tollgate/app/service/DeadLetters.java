package dev.tollgate.app.service;

import dev.tollgate.topology.processor.InvalidEventException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the dead-letter records of both exception handlers: the original key and value bytes, the original
 * headers, Kafka Streams' KIP-1034 headers ({@code __streams.errors.exception}, {@code .message}, {@code
 * .stacktrace} (not for an {@link InvalidEventException}), {@code .topic}, {@code .partition}, {@code .offset}) and
 * Tollgate's: {@value #REASON_HEADER} (a stable code: {@code deserialization}, an {@link
 * InvalidEventException#reason()} such as {@code latency-invalid} or {@code timestamp-future}, or {@code
 * processing}) and {@value #ORIGINAL_TIMESTAMP_HEADER}. The record timestamp is the wall clock, so the
 * dead-letter topic keeps it for its retention however old or new the bad record's own time is (Kafka Streams'
 * default would copy it). A value above {@link #MAX_VALUE_BYTES} is cut to that size (headers {@value
 * #VALUE_SIZE_HEADER} and {@value #VALUE_SHA256_HEADER} describe the original), so a huge poison record cannot
 * fail the producer and kill the stream thread. Logs one warning per {@link #LOG_INTERVAL_MS} at most, with the
 * count since the last one: a flood of bad input does not flood the log.
 */
final class DeadLetters {
    static final String REASON_HEADER = "tollgate.dlq.reason";
    static final String ORIGINAL_TIMESTAMP_HEADER = "tollgate.dlq.original.timestamp";
    static final String VALUE_SIZE_HEADER = "tollgate.dlq.value.size";
    static final String VALUE_SHA256_HEADER = "tollgate.dlq.value.sha256";
    static final String REASON_DESERIALIZATION = "deserialization";
    static final String REASON_PROCESSING = "processing";
    /** Largest value kept whole: below the broker's default {@code message.max.bytes} (1 MB) with headers. */
    static final int MAX_VALUE_BYTES = 512 * 1024;

    static final long LOG_INTERVAL_MS = 60_000;
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final String topic;
    private long lastLog = Long.MIN_VALUE;
    private long sinceLog;

    private DeadLetters(String topic) {
        this.topic = topic;
    }

    /** From the handler's configuration; null topic: dead-lettering is off. */
    static DeadLetters of(Map<String, ?> configs) {
        Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        return new DeadLetters(t == null || t.toString().isBlank() ? null : t.toString());
    }

    boolean enabled() {
        return topic != null;
    }

    /** The reason code of an exception: an invalid event's own code, else the stage's. */
    static String reason(Exception e, String stage) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidEventException i) {
                return i.reason();
            }
        }
        return stage;
    }

    /** The dead-letter record (empty when dead-lettering is off), and a rate-limited warning. */
    synchronized List<ProducerRecord<byte[], byte[]>> records(
            ErrorHandlerContext context, byte[] key, byte[] value, Exception e, String reason, long now) {
        sinceLog++;
        if (lastLog == Long.MIN_VALUE || now - lastLog >= LOG_INTERVAL_MS) {
            log.warn(
                    "Dead-lettering bad input count=[{}] since the last warning; latest topic=[{}] partition=[{}]"
                            + " offset=[{}] reason=[{}] exception=[{}] dlq=[{}]",
                    sinceLog,
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    reason,
                    e.toString(),
                    topic == null ? "-" : topic);
            lastLog = now;
            sinceLog = 0;
        }
        if (topic == null) {
            return List.of();
        }
        byte[] v = value;
        if (value != null && value.length > MAX_VALUE_BYTES) {
            v = Arrays.copyOf(value, MAX_VALUE_BYTES);
        }
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, now, key, v);
        if (context.headers() != null) {
            for (Header h : context.headers()) {
                r.headers().add(h);
            }
        }
        add(r, "__streams.errors.exception", e.getClass().getName());
        add(r, "__streams.errors.message", e.getMessage());
        if (!(e instanceof InvalidEventException)) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            add(r, "__streams.errors.stacktrace", trace.toString());
        }
        add(r, "__streams.errors.topic", context.topic());
        add(r, "__streams.errors.partition", String.valueOf(context.partition()));
        add(r, "__streams.errors.offset", String.valueOf(context.offset()));
        add(r, REASON_HEADER, reason);
        add(r, ORIGINAL_TIMESTAMP_HEADER, String.valueOf(context.timestamp()));
        if (v != value) {
            add(r, VALUE_SIZE_HEADER, String.valueOf(value.length));
            add(r, VALUE_SHA256_HEADER, sha256(value));
        }
        return List.of(r);
    }

    private static void add(ProducerRecord<byte[], byte[]> r, String key, String value) {
        r.headers().add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
