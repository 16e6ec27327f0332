package dev.tollgate.topology.processor;

/**
 * An input event that deserialized but must not be evaluated (a value out of range, a clock far off, a record of
 * another topic's type, no key). Thrown by the evaluator before it touches any state, so the service's processing
 * exception handler dead-letters the record with {@link #reason()} in its headers and processing continues. No
 * stack trace: it is expected input, not a bug, and a flood of it must stay cheap.
 */
public final class InvalidEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * @param reason  a stable, machine-readable code (e.g. {@code latency-negative}, {@code timestamp-future})
     * @param message what is wrong, with the offending value
     */
    public InvalidEventException(String reason, String message) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
    }

    /** The stable code of what is wrong, e.g. {@code status-out-of-range}. */
    public String reason() {
        return reason;
    }
}
