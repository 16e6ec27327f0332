package dev.tollgate.app.cli;

import dev.tollgate.app.config.TollgateConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by subcommands (a picocli mixin). */
public final class ConfigOptions {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Properties file with the configuration; environment variables TOLLGATE_<KEY> override it "
                    + "(e.g. TOLLGATE_BOOTSTRAP_SERVERS). See 'tollgate config' for every key.")
    Path configFile;

    /** Loads and validates the configuration from the file (if any) and the environment. */
    public TollgateConfig load(Map<String, String> env) {
        return TollgateConfig.load(configFile, env);
    }
}
