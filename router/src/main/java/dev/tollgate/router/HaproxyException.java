package dev.tollgate.router;

/** HAProxy's runtime API could not be reached or refused a command. */
public final class HaproxyException extends RuntimeException {
    public HaproxyException(String message) {
        super(message);
    }

    public HaproxyException(String message, Throwable cause) {
        super(message, cause);
    }
}
