package dev.tollgate.app.cli;

/**
 * A check the command was asked to make did not hold (topics missing, a rollout ended other than expected): its
 * message, when there is one, is printed as is (the command has usually printed the details already), exit code
 * {@value ExitCodes#RUNTIME_ERROR}.
 */
public class CheckFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failed check whose details the command has already printed. */
    public CheckFailedException() {
        super(null, null, false, false);
    }

    /** @param message the line to print on standard error */
    public CheckFailedException(String message) {
        super(message, null, false, false);
    }
}
