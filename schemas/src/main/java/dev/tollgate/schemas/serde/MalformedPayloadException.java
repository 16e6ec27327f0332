package dev.tollgate.schemas.serde;

/**
 * The Avro body is not a valid encoding of the writer schema: a negative length, a union or enum index out
 * of range, an over-long varint, or bytes left over after the record. A kind of
 * {@link TruncatedPayloadException}, so one {@code catch} handles every corrupt body.
 */
public class MalformedPayloadException extends TruncatedPayloadException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the topic and schema id when known
     */
    public MalformedPayloadException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, naming the topic and schema id when known
     * @param cause the decoder failure
     */
    public MalformedPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
