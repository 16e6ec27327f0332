package dev.tollgate.app.cli;

import dev.tollgate.app.admin.TopicAdmin;
import dev.tollgate.app.config.TollgateConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tollgate topics}: checks that the contract topics exist (exit 1 listing the missing ones), or with
 * {@code --create} creates the missing ones with the configured partitions, replication and retention.
 */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Check the contract topics, or create the missing ones with --create.")
final class TopicsCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(
            names = "--create",
            description = "Create missing topics (partitions, replication, retention from the config).")
    boolean create;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Environment to read overrides from; tests replace it. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        TollgateConfig cfg = config.load(env);
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = Admin.create(cfg.adminClientConfig())) {
            TopicAdmin topics = new TopicAdmin(admin, Duration.ofSeconds(30));
            if (create) {
                List<String> created =
                        topics.createMissing(cfg.topicNames(), cfg.topicPartitions(), cfg.topicReplicationFactor());
                out.println(created.isEmpty() ? "All contract topics exist" : "Created " + created);
                out.flush();
                return ExitCodes.OK;
            }
            Set<String> missing = topics.missing(cfg.topicNames());
            if (missing.isEmpty()) {
                out.println("All contract topics exist: " + cfg.topicNames().all());
                out.flush();
                return ExitCodes.OK;
            }
            throw new CheckFailedException("Missing topics " + missing + ": run with --create");
        }
    }
}
