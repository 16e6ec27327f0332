package dev.tollgate.router.cli;

import picocli.CommandLine;

/** Entry point of the router alone ({@code java -cp ... dev.tollgate.router.cli.RouterCli haproxy rollout start ...}). */
public final class RouterCli {
    private RouterCli() {}

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        // Avro 1.12 instantiates generated classes only from trusted packages
        if (System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES") == null) {
            System.setProperty(
                    "org.apache.avro.SERIALIZABLE_PACKAGES",
                    "dev.tollgate.schemas.avro,java.lang,java.util,org.apache.avro.util");
        }
        System.exit(new CommandLine(new RouterCommand()).execute(args));
    }
}
