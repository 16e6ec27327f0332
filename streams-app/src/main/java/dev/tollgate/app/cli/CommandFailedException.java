package dev.tollgate.app.cli;

/**
 * A command failed at run time (broker unreachable, a bad input record, Kafka Streams failed): printed as
 * {@code Error: MESSAGE}, exit code {@value ExitCodes#RUNTIME_ERROR}. Any other unexpected exception maps the same
 * way; this one says that the message is meant for the operator.
 */
public class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed */
    public CommandFailedException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   the underlying error
     */
    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
