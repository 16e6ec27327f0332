package dev.tollgate.tools.cli;

import dev.tollgate.app.cli.TollgateCli;
import dev.tollgate.router.cli.RouterCommand;
import dev.tollgate.tools.BacktestCommand;
import dev.tollgate.tools.ReplayCommand;
import dev.tollgate.tools.SimulateCommand;
import dev.tollgate.tools.TailCommand;
import dev.tollgate.tools.demo.DemoCommand;
import picocli.CommandLine;

/**
 * The full {@code tollgate} command line of the tools jar ({@code tools/target/tollgate-tools.jar}, what
 * {@code ./tollgate} runs): the service's {@code run}, {@code topics} and {@code config} plus {@code demo},
 * {@code replay}, {@code simulate}, {@code tail} and {@code router}, with the same help, exit codes and error mapping as the service
 * jar's {@link TollgateCli}.
 */
public final class ToolsCli {
    private ToolsCli() {}

    /** Entry point: runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line without exiting (for tests and embedding); returns the exit code. */
    public static int execute(String... args) {
        TollgateCli.trustAvroPackages();
        return commandLine().execute(args);
    }

    /** The configured picocli command line with every subcommand. */
    public static CommandLine commandLine() {
        return TollgateCli.commandLine(
                new DemoCommand(),
                new ReplayCommand(),
                new BacktestCommand(),
                new SimulateCommand(),
                new TailCommand(),
                new RouterCommand());
    }
}
