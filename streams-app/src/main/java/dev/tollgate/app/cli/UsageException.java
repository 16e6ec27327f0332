package dev.tollgate.app.cli;

/**
 * A usage error found by a command itself (a bad option value, an unreadable input file): printed as
 * {@code Error: MESSAGE}, exit code {@value ExitCodes#CONFIG_ERROR}. Picocli reports its own parse errors the same
 * way with the usage help.
 */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the option or file */
    public UsageException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the option or file
     * @param cause   the underlying error
     */
    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
