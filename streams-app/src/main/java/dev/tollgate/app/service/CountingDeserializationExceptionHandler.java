package dev.tollgate.app.service;

import dev.tollgate.app.metrics.DlqListener;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Dead-letters a record that cannot be deserialized (garbage, wrong magic byte, unknown schema id, truncated
 * body) to {@code errors.dead.letter.queue.topic.name} with reason {@code deserialization} (see {@link
 * DeadLetters}), counts it on the {@link DlqListener} found in the configuration, and continues.
 */
public class CountingDeserializationExceptionHandler implements DeserializationExceptionHandler {
    private DlqListener listener = DlqListener.NOOP;
    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        listener = DeadLetterCounting.listener(configs);
        deadLetters = DeadLetters.of(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        var records = deadLetters.records(
                context,
                record.key(),
                record.value(),
                exception,
                DeadLetters.reason(exception, DeadLetters.REASON_DESERIALIZATION),
                System.currentTimeMillis());
        if (!records.isEmpty()) {
            listener.onDeadLetter(DlqListener.STAGE_DESERIALIZATION, record.topic());
        }
        return Response.resume(records);
    }
}
