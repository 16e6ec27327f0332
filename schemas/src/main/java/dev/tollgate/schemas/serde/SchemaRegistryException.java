package dev.tollgate.schemas.serde;

/**
 * The schema registry answered with an error, e.g. {@code {"error_code":42201,"message":"Invalid schema"}}.
 * The message names the registry URL, the request and the registry's own message.
 */
public class SchemaRegistryException extends TollgateSerializationException {

    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final int httpStatus;

    /**
     * Creates the exception.
     *
     * @param message what happened, including the registry's message
     * @param errorCode the registry's {@code error_code}, or -1 if it sent none
     * @param httpStatus the HTTP status, or -1 for the in-memory registry
     */
    public SchemaRegistryException(String message, int errorCode, int httpStatus) {
        super(message);
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
    }

    /**
     * Returns the registry's {@code error_code} (e.g. 40401 subject not found, 42201 invalid schema).
     *
     * @return the error code, or -1 if the registry sent none
     */
    public int errorCode() {
        return errorCode;
    }

    /**
     * Returns the HTTP status of the registry's answer.
     *
     * @return the HTTP status, or -1 when no HTTP request was made
     */
    public int httpStatus() {
        return httpStatus;
    }
}
