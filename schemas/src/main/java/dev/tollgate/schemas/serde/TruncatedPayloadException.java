package dev.tollgate.schemas.serde;

/**
 * The payload ends before the record it announces: shorter than the 5-byte header, or the Avro body stops
 * in the middle of a value. {@link MalformedPayloadException} covers bodies that are long enough but not
 * valid Avro for the writer schema.
 */
public class TruncatedPayloadException extends TollgateSerializationException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is missing, naming the topic and schema id when known
     */
    public TruncatedPayloadException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is missing, naming the topic and schema id when known
     * @param cause the decoder failure
     */
    public TruncatedPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
