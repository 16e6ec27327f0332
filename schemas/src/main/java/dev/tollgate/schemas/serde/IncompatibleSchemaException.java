package dev.tollgate.schemas.serde;

/**
 * Two schemas do not fit together: a writer schema cannot be resolved into the reader schema when decoding,
 * or the registry refused a new schema version because it breaks the subject's compatibility rule (HTTP 409).
 */
public class IncompatibleSchemaException extends TollgateSerializationException {

    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final int httpStatus;

    /**
     * Creates the exception for a local (non-registry) incompatibility.
     *
     * @param message the schemas involved and why they do not fit
     */
    public IncompatibleSchemaException(String message) {
        this(message, -1, -1, null);
    }

    /**
     * Creates the exception.
     *
     * @param message the schemas involved and why they do not fit
     * @param errorCode the registry's {@code error_code}, or -1
     * @param httpStatus the HTTP status, or -1 when no HTTP request was made
     * @param cause the underlying failure, or {@code null}
     */
    public IncompatibleSchemaException(String message, int errorCode, int httpStatus, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
    }

    /**
     * Returns the registry's {@code error_code}.
     *
     * @return the error code, or -1 for a local incompatibility or when the registry sent none
     */
    public int errorCode() {
        return errorCode;
    }

    /**
     * Returns the HTTP status of the registry's answer.
     *
     * @return the HTTP status (409 for a refused registration), or -1 when no HTTP request was made
     */
    public int httpStatus() {
        return httpStatus;
    }
}
