package dev.tollgate.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tollgate} command line of the service jar. Subcommands:
 * <ul>
 *   <li>{@code run}: the service ({@link RunCommand});</li>
 *   <li>{@code topics}: checks or creates the contract topics ({@link TopicsCommand});</li>
 *   <li>{@code config}: lists every configuration key ({@link ConfigCommand}).</li>
 * </ul>
 * The tools jar ({@code dev.tollgate.tools.cli.ToolsCli}) builds the same command line through
 * {@link #commandLine(Object...)} with {@code demo}, {@code replay}, {@code simulate} and {@code tail} added. A further
 * subcommand is a {@code Callable<Integer>} class annotated with {@code @Command}, reusing {@link ConfigOptions} (a
 * mixin) for {@code --config}; it returns {@link ExitCodes#OK} and reports errors by throwing (see {@link CliErrors}).
 *
 * <p>Exit codes: {@value ExitCodes#OK} ok, {@value ExitCodes#RUNTIME_ERROR} runtime error,
 * {@value ExitCodes#CONFIG_ERROR} configuration or usage error.
 */
@Command(
        name = "tollgate",
        mixinStandardHelpOptions = true,
        versionProvider = TollgateCli.Version.class,
        description = "Evaluates canary rollout gates on Kafka Streams.",
        subcommands = {RunCommand.class, TopicsCommand.class, ConfigCommand.class},
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
        trustAvroPackages();
        return commandLine().execute(args);
    }

    /** Lets Avro instantiate the contract's generated classes unless the JVM was told otherwise. */
    public static void trustAvroPackages() {
        if (System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES") == null) {
            System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", AVRO_TRUSTED_PACKAGES);
        }
    }

    /**
     * The configured picocli command line: {@code run}, {@code topics}, {@code config}, then {@code more} (command
     * objects or classes annotated with {@code @Command}), then {@code help}; errors mapped by {@link CliErrors}.
     */
    public static CommandLine commandLine(Object... more) {
        CommandLine cl = new CommandLine(new TollgateCli());
        for (Object subcommand : more) {
            cl.addSubcommand(subcommand);
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
        return CliErrors.install(cl);
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
