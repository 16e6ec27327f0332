package dev.tollgate.app.cli;

import dev.tollgate.app.config.TollgateConfig;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tollgate config}: prints every configuration key with its type, default, valid values and doc. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "List every configuration key with type, default, valid values, environment variable and doc.")
final class ConfigCommand implements Callable<Integer> {
    @Option(names = "--markdown", description = "Print a Markdown table instead of plain text.")
    boolean markdown;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ConfigDef def = TollgateConfig.configDef();
        if (markdown) {
            out.println("| key | type | default | valid values | env | doc |");
            out.println("|---|---|---|---|---|---|");
        }
        for (ConfigDef.ConfigKey k : def.configKeys().values()) {
            String dflt = !k.hasDefault()
                    ? "(required)"
                    : k.defaultValue == null ? "(unset)" : String.valueOf(k.defaultValue);
            String valid = k.validator == null ? "" : String.valueOf(k.validator);
            if (markdown) {
                out.printf(
                        "| `%s` | %s | %s | %s | `%s` | %s |%n",
                        k.name,
                        k.type.name().toLowerCase(Locale.ROOT),
                        dflt,
                        valid,
                        TollgateConfig.envName(k.name),
                        k.documentation);
            } else {
                out.printf(
                        "%s (%s, default %s%s; env %s)%n    %s%n",
                        k.name,
                        k.type.name().toLowerCase(Locale.ROOT),
                        dflt,
                        valid.isEmpty() ? "" : ", " + valid,
                        TollgateConfig.envName(k.name),
                        k.documentation);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
