package dev.tollgate.app.service;

import dev.tollgate.app.metrics.DlqListener;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Dead-letters the source record of a processing failure (an {@link
 * dev.tollgate.topology.processor.InvalidEventException} from the evaluator's validation, with its reason, or any
 * other exception, reason {@code processing}) to {@code errors.dead.letter.queue.topic.name} (see {@link
 * DeadLetters}), counts it on the {@link DlqListener} found in the configuration, and continues.
 */
public class CountingProcessingExceptionHandler implements ProcessingExceptionHandler {
    private DlqListener listener = DlqListener.NOOP;
    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        listener = DeadLetterCounting.listener(configs);
        deadLetters = DeadLetters.of(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String reason = DeadLetters.reason(exception, DeadLetters.REASON_PROCESSING);
        var records = deadLetters.records(
                context,
                context.sourceRawKey(),
                context.sourceRawValue(),
                exception,
                reason,
                System.currentTimeMillis());
        if (!records.isEmpty()) {
            // an undecodable input value reaches the evaluator (see UndecodableRecord): counted as what it is
            listener.onDeadLetter(
                    reason.equals(DeadLetters.REASON_DESERIALIZATION)
                            ? DlqListener.STAGE_DESERIALIZATION
                            : DlqListener.STAGE_PROCESSING,
                    context.topic());
        }
        return Response.resume(records);
    }
}
