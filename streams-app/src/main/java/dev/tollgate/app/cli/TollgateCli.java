package dev.tollgate.app.cli;

import java.io.PrintWriter;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tollgate} command line. Subcommands:
 * <ul>
 *   <li>{@code run}: the service ({@link RunCommand});</li>
 *   <li>{@code topics}: checks or creates the contract topics ({@link TopicsCommand});</li>
 *   <li>{@code config}: lists every configuration key ({@link ConfigCommand});</li>
 *   <li>{@code demo}: broker, service and simulator in one command ({@link dev.tollgate.app.demo.DemoCommand});</li>
 *   <li>{@code replay}, {@code simulate}, {@code tail}: the operator tools in {@code dev.tollgate.app.tools}.</li>
 * </ul>
 * A further subcommand is a {@code Callable<Integer>} class annotated with {@code @Command}, listed in the
 * {@code subcommands} of the annotation below, reusing {@link ConfigOptions} (a mixin) for {@code --config} and
 * {@link ExitCodes} for results.
 *
 * <p>Exit codes: {@value ExitCodes#OK} ok, {@value ExitCodes#RUNTIME_ERROR} runtime error,
 * {@value ExitCodes#CONFIG_ERROR} configuration or usage error.
 */
@Command(name = "tollgate", mixinStandardHelpOptions = true, versionProvider = TollgateCli.Version.class,
        description = "Evaluates canary rollout gates on Kafka Streams.",
        subcommands = {RunCommand.class, TopicsCommand.class, ConfigCommand.class,
                dev.tollgate.app.demo.DemoCommand.class, dev.tollgate.app.tools.ReplayCommand.class,
                dev.tollgate.app.tools.SimulateCommand.class, dev.tollgate.app.tools.TailCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeOnInvalidInput = ExitCodes.CONFIG_ERROR,
        exitCodeOnExecutionException = ExitCodes.RUNTIME_ERROR,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:runtime error", "2:configuration or usage error"})
public final class TollgateCli implements Runnable {
    /** Avro packages whose generated classes may be instantiated (Avro 1.12 refuses others). */
    static final String AVRO_TRUSTED_PACKAGES = "dev.tollgate.schemas.avro,java.lang,java.util,org.apache.avro.util";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Entry point: runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line without exiting (for tests and embedding); returns the exit code. */
    public static int execute(String... args) {
        if (System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES") == null) {
            System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", AVRO_TRUSTED_PACKAGES);
        }
        return commandLine().execute(args);
    }

    /** The configured picocli command line. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TollgateCli());
        cl.setExecutionExceptionHandler(TollgateCli::onException);
        return cl;
    }

    private static int onException(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        if (e instanceof ConfigException) {
            err.println("Configuration error:");
            err.println(indent(e.getMessage()));
            err.flush();
            return ExitCodes.CONFIG_ERROR;
        }
        err.println("Error: " + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
        err.flush();
        org.slf4j.LoggerFactory.getLogger(TollgateCli.class).debug("Command failed", e);
        return ExitCodes.RUNTIME_ERROR;
    }

    private static String indent(String s) {
        return "  " + s.replace("\n", "\n  ");
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TollgateCli.class.getPackage().getImplementationVersion();
            return new String[] {"tollgate " + (v == null ? "(development build)" : v)};
        }
    }
}
