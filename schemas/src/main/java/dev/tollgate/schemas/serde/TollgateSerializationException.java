package dev.tollgate.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Base of every failure of the Tollgate serde and schema registry clients.
 *
 * <p>It is a Kafka {@link SerializationException}, so producers, consumers and Kafka Streams (its
 * deserialization and production exception handlers) treat it like any other serde failure.
 */
public class TollgateSerializationException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the topic or subject when known
     */
    public TollgateSerializationException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong, naming the topic or subject when known
     * @param cause the underlying failure
     */
    public TollgateSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
