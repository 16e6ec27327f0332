package dev.tollgate.app.cli;

import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.service.TollgateService;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tollgate run}: runs the service until SIGTERM/SIGINT (exit 0) or a fatal Kafka Streams error (exit 1). */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the Tollgate service: Kafka Streams topology, HTTP API and metrics.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions config;

    @Option(
            names = "--create-topics",
            description = "Create missing contract topics (partitions and replication from the config) instead of "
                    + "failing on them.")
    boolean createTopics;

    /** Environment to read overrides from; tests replace it. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
        TollgateConfig cfg = config.load(env);
        log.info("Configuration values=[{}]", cfg.describe());
        if (!cfg.unknownKeys().isEmpty()) {
            log.warn(
                    "Ignoring unknown configuration keys=[{}]: neither Tollgate keys nor Kafka client settings "
                            + "(prefix a client setting with 'kafka.' to pass it through)",
                    cfg.unknownKeys());
        }
        TollgateService service = new TollgateService(cfg);
        Thread hook = new Thread(service::close, "tollgate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            service.start(createTopics);
        } catch (RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            throw e;
        }
        service.awaitStop();
        if (service.failed()) {
            service.close();
            throw new CommandFailedException("the service stopped after a fatal Kafka Streams error (see the log)");
        }
        return ExitCodes.OK;
    }
}
