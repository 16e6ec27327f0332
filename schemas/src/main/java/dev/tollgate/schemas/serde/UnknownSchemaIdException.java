package dev.tollgate.schemas.serde;

/**
 * The schema registry does not know a schema id (HTTP 404, Confluent {@code error_code} 40403), e.g. a record
 * written against another registry or a registry that lost its storage.
 */
public class UnknownSchemaIdException extends TollgateSerializationException {

    private static final long serialVersionUID = 1L;

    private final int schemaId;
    private final int errorCode;
    private final int httpStatus;

    /**
     * Creates the exception.
     *
     * @param schemaId the unknown id
     * @param message what happened, naming the registry and topic when known
     * @param errorCode the registry's {@code error_code}, or -1
     * @param httpStatus the HTTP status, or -1 for the in-memory registry
     */
    public UnknownSchemaIdException(int schemaId, String message, int errorCode, int httpStatus) {
        super(message);
        this.schemaId = schemaId;
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
    }

    /**
     * Creates a copy with a message that adds context (e.g. the topic) and keeps the cause chain.
     *
     * @param message the new message
     * @param cause the original exception
     */
    UnknownSchemaIdException(String message, UnknownSchemaIdException cause) {
        super(message, cause);
        this.schemaId = cause.schemaId;
        this.errorCode = cause.errorCode;
        this.httpStatus = cause.httpStatus;
    }

    /**
     * Returns the unknown schema id.
     *
     * @return the schema id
     */
    public int schemaId() {
        return schemaId;
    }

    /**
     * Returns the registry's {@code error_code}.
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
