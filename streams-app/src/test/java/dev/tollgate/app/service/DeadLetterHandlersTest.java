package dev.tollgate.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.metrics.DlqListener;
import dev.tollgate.topology.processor.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterHandlersTest {
    private final List<String> counted = new ArrayList<>();
    private final DlqListener listener = (stage, topic) -> counted.add(stage + "@" + topic);

    private Map<String, Object> config() {
        Map<String, Object> c = new HashMap<>();
        c.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "tollgate.dlq");
        c.put(DeadLetterCounting.LISTENER_CONFIG, listener);
        return c;
    }

    private static ErrorHandlerContext context(byte[] key, byte[] value) {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return "tollgate.requests";
            }

            @Override
            public int partition() {
                return 2;
            }

            @Override
            public long offset() {
                return 41L;
            }

            @Override
            public Headers headers() {
                return new RecordHeaders();
            }

            @Override
            public String processorNodeId() {
                return "evidence-source";
            }

            @Override
            public TaskId taskId() {
                return new TaskId(0, 2);
            }

            @Override
            public long timestamp() {
                return 1L;
            }

            @Override
            public byte[] sourceRawKey() {
                return key;
            }

            @Override
            public byte[] sourceRawValue() {
                return value;
            }
        };
    }

    @Test
    void shouldDeadLetterAndCountUndeserializableRecords() {
        // given
        CountingDeserializationExceptionHandler h = new CountingDeserializationExceptionHandler();
        h.configure(config());
        byte[] key = "checkout".getBytes(StandardCharsets.UTF_8);
        byte[] garbage = {1, 2, 3};
        ConsumerRecord<byte[], byte[]> rec = new ConsumerRecord<>("tollgate.requests", 2, 41L, key, garbage);

        // when
        DeserializationExceptionHandler.Response r =
                h.handleError(context(key, garbage), rec, new SerializationException("Unknown magic byte"));

        // then
        assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> dlq = r.deadLetterQueueRecords().get(0);
        assertThat(dlq.topic()).isEqualTo("tollgate.dlq");
        assertThat(dlq.value()).isEqualTo(garbage);
        assertThat(dlq.headers().lastHeader("__streams.errors.exception")).isNotNull();
        assertThat(counted).containsExactly("deserialization@tollgate.requests");
    }

    @Test
    void shouldDeadLetterAndCountRecordsWhoseProcessingThrows() {
        // given
        CountingProcessingExceptionHandler h = new CountingProcessingExceptionHandler();
        h.configure(config());
        byte[] value = {0, 0, 0, 0, 1, 2};

        // when
        ProcessingExceptionHandler.Response r = h.handleError(
                context(null, value), new Record<>("checkout", "x", 1L), new IllegalStateException("bad"));

        // then
        assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).hasSize(1);
        assertThat(counted).containsExactly("processing@tollgate.requests");
    }

    @Test
    void shouldNotCountWithoutDeadLetterTopic() {
        // given
        CountingDeserializationExceptionHandler h = new CountingDeserializationExceptionHandler();
        h.configure(Map.of(DeadLetterCounting.LISTENER_CONFIG, listener));

        // when
        DeserializationExceptionHandler.Response r = h.handleError(
                context(null, new byte[] {9}),
                new ConsumerRecord<>("t", 0, 0L, null, new byte[] {9}),
                new SerializationException("x"));

        // then
        assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(counted).isEmpty();
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeadLetterAnInvalidEventWithItsReasonAndTheWallClockAsTimestamp() {
        // given a record stamped years ago (the context's timestamp is 1) that failed validation
        CountingProcessingExceptionHandler h = new CountingProcessingExceptionHandler();
        h.configure(config());
        byte[] value = {0, 0, 0, 0, 1, 2};
        long before = System.currentTimeMillis();

        // when
        ProcessingExceptionHandler.Response r = h.handleError(
                context("checkout".getBytes(StandardCharsets.UTF_8), value),
                new Record<>("checkout", "x", 1L),
                new InvalidEventException("latency-invalid", "latencyMs -1.0"));

        // then the reason is in the headers, the original time too, and the record is stamped now
        ProducerRecord<byte[], byte[]> dlq = r.deadLetterQueueRecords().get(0);
        assertThat(header(dlq, DeadLetters.REASON_HEADER)).isEqualTo("latency-invalid");
        assertThat(header(dlq, DeadLetters.ORIGINAL_TIMESTAMP_HEADER)).isEqualTo("1");
        assertThat(header(dlq, "__streams.errors.message")).isEqualTo("latency-invalid: latencyMs -1.0");
        assertThat(dlq.headers().lastHeader("__streams.errors.stacktrace")).isNull();
        assertThat(dlq.timestamp()).isBetween(before, System.currentTimeMillis());
        assertThat(dlq.value()).isEqualTo(value);
    }

    @Test
    void shouldCutAHugeValueAndDescribeTheOriginal() {
        // given a 5 MB value that could not be deserialized
        CountingDeserializationExceptionHandler h = new CountingDeserializationExceptionHandler();
        h.configure(config());
        byte[] huge = new byte[5 * 1024 * 1024];
        huge[0] = 9;

        // when
        DeserializationExceptionHandler.Response r = h.handleError(
                context(null, huge),
                new ConsumerRecord<>("tollgate.requests", 0, 0L, null, huge),
                new SerializationException("Unknown magic byte"));

        // then the dead letter fits the broker's default record size and says what it cut
        ProducerRecord<byte[], byte[]> dlq = r.deadLetterQueueRecords().get(0);
        assertThat(dlq.value()).hasSize(DeadLetters.MAX_VALUE_BYTES);
        assertThat(header(dlq, DeadLetters.VALUE_SIZE_HEADER)).isEqualTo(Integer.toString(huge.length));
        assertThat(header(dlq, DeadLetters.VALUE_SHA256_HEADER)).hasSize(64);
        assertThat(header(dlq, DeadLetters.REASON_HEADER)).isEqualTo("deserialization");
        assertThat(header(dlq, "__streams.errors.stacktrace")).contains("SerializationException");
    }
}
