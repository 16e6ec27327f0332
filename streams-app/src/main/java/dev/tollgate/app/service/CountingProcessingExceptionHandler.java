package dev.tollgate.app.service;

import dev.tollgate.app.metrics.DlqListener;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' {@link LogAndContinueProcessingExceptionHandler} (dead-letters the source record of a
 * processing failure when {@code errors.dead.letter.queue.topic.name} is set, then continues), counting every
 * dead-lettered record on the {@link DlqListener} found in the configuration.
 */
public class CountingProcessingExceptionHandler extends LogAndContinueProcessingExceptionHandler {
    private DlqListener listener = DlqListener.NOOP;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        listener = DeadLetterCounting.listener(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Response response = super.handleError(context, record, exception);
        if (!response.deadLetterQueueRecords().isEmpty()) {
            listener.onDeadLetter(DlqListener.STAGE_PROCESSING, context.topic());
        }
        return response;
    }
}
