package dev.tollgate.app.cli;

/** Exit codes of every {@code tollgate} subcommand. */
public final class ExitCodes {
    private ExitCodes() {}

    /** Success. */
    public static final int OK = 0;
    /** A runtime failure: broker unreachable, missing topics, Kafka Streams failed. */
    public static final int RUNTIME_ERROR = 1;
    /** A configuration or usage error: missing or invalid key, unknown option. */
    public static final int CONFIG_ERROR = 2;
}
