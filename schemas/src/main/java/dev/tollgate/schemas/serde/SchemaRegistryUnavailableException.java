package dev.tollgate.schemas.serde;

/**
 * The schema registry could not be reached (connection refused, timeout, HTTP 5xx/408/429) on any
 * configured URL after the configured retries. The message names the URLs, the request and the number of
 * attempts.
 */
public class SchemaRegistryUnavailableException extends TollgateSerializationException {

    private static final long serialVersionUID = 1L;

    private final int attempts;

    /**
     * Creates the exception.
     *
     * @param message the URLs, the request, the attempts and the last error
     * @param attempts the number of requests made
     * @param cause the last failure
     */
    public SchemaRegistryUnavailableException(String message, int attempts, Throwable cause) {
        super(message, cause);
        this.attempts = attempts;
    }

    /**
     * Returns how many requests were made before giving up.
     *
     * @return the number of attempts
     */
    public int attempts() {
        return attempts;
    }
}
