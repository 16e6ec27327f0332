package dev.tollgate.tools;

/**
 * A JSON event that does not fit the contract. The message names the record type and field path, e.g.
 * {@code RequestLog.status: expected int, got "abc"}; {@link #line()} is the 1-based line of the input
 * file when known (0 otherwise), and {@link #getMessage()} then starts with {@code line N: }.
 */
public final class EventFormatException extends RuntimeException {
    private final int line;
    private final String detail;

    public EventFormatException(String detail) {
        this(0, detail);
    }

    public EventFormatException(int line, String detail) {
        super(line > 0 ? "line " + line + ": " + detail : detail);
        this.line = line;
        this.detail = detail;
    }

    /** The same error attributed to a line of an input file. */
    public EventFormatException atLine(int lineNo) {
        return new EventFormatException(lineNo, detail);
    }

    /** 1-based line, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** The message without the line prefix. */
    public String detail() {
        return detail;
    }
}
