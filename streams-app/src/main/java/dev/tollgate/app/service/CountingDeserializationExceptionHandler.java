package dev.tollgate.app.service;

import dev.tollgate.app.metrics.DlqListener;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Kafka Streams' {@link LogAndContinueExceptionHandler} (which, with {@code errors.dead.letter.queue.topic.name}
 * set, sends the raw record to the dead-letter topic with {@code __streams.errors.*} headers and continues),
 * counting every dead-lettered record on the {@link DlqListener} found in the configuration.
 */
public class CountingDeserializationExceptionHandler extends LogAndContinueExceptionHandler {
    private DlqListener listener = DlqListener.NOOP;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        listener = DeadLetterCounting.listener(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        Response response = super.handleError(context, record, exception);
        if (!response.deadLetterQueueRecords().isEmpty()) {
            listener.onDeadLetter(DlqListener.STAGE_DESERIALIZATION, record.topic());
        }
        return response;
    }
}
