package dev.tollgate.app.cli;

import java.io.PrintWriter;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The one place where a {@code tollgate} command's exceptions become a message on standard error and an exit code:
 * <ul>
 *   <li>{@link ConfigException} (a {@link dev.tollgate.app.config.TollgateConfigException} among them):
 *       {@code Configuration error:} and every problem indented, exit {@value ExitCodes#CONFIG_ERROR};</li>
 *   <li>{@link UsageException}: {@code Error: MESSAGE}, exit {@value ExitCodes#CONFIG_ERROR};</li>
 *   <li>{@link CheckFailedException}: its message as is (if any), exit {@value ExitCodes#RUNTIME_ERROR};</li>
 *   <li>anything else ({@link CommandFailedException}, Kafka errors, ...): {@code Error: MESSAGE}, exit
 *       {@value ExitCodes#RUNTIME_ERROR}, the stack trace at debug level.</li>
 * </ul>
 * Picocli's own parse errors keep its handler (message and usage) and exit {@value ExitCodes#CONFIG_ERROR}. Commands
 * throw; they never print an error and return a code themselves.
 */
public final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IExitCodeExceptionMapper {
    private static final Logger log = LoggerFactory.getLogger(CliErrors.class);

    private CliErrors() {}

    /** Installs the mapping on {@code cl} and every subcommand added so far; returns {@code cl}. */
    public static CommandLine install(CommandLine cl) {
        CliErrors errors = new CliErrors();
        cl.setExecutionExceptionHandler(errors);
        cl.setExitCodeExceptionMapper(errors);
        return cl;
    }

    /** The exit code for an exception thrown by a command. */
    public static int exitCode(Throwable e) {
        if (e instanceof ConfigException
                || e instanceof UsageException
                || e instanceof CommandLine.ParameterException) {
            return ExitCodes.CONFIG_ERROR;
        }
        return ExitCodes.RUNTIME_ERROR;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        if (e instanceof ConfigException) {
            err.println("Configuration error:");
            err.println(indent(e.getMessage()));
        } else if (e instanceof CheckFailedException) {
            if (e.getMessage() != null) {
                err.println(e.getMessage());
            }
        } else {
            err.println("Error: " + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
            if (!(e instanceof UsageException || e instanceof CommandFailedException)) {
                log.debug("Command failed", e);
            }
        }
        err.flush();
        return exitCode(e);
    }

    @Override
    public int getExitCode(Throwable e) {
        return exitCode(e);
    }

    private static String indent(String s) {
        return "  " + s.replace("\n", "\n  ");
    }
}
