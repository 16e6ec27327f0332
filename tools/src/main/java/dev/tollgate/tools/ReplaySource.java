package dev.tollgate.tools;

import dev.tollgate.app.cli.CommandFailedException;
import dev.tollgate.app.cli.UsageException;
import dev.tollgate.topology.TopicNames;
import dev.tollgate.topology.TopologySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Option;

/** Where a replay's events come from and how it runs them: the options shared by {@code replay} and {@code backtest}. */
final class ReplaySource {
    private ReplaySource() {}

    /** The engine named on the command line. */
    static Replayer.Engine engine(String name) {
        try {
            return Replayer.Engine.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--engine: expected fast or driver, got " + name, e);
        }
    }

    /** An instant given as ISO-8601 with an offset ({@code 2026-11-30T10:00Z}) or as epoch milliseconds. */
    static long instant(String option, String value) {
        if (value.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(value);
        }
        try {
            return OffsetDateTime.parse(value).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new UsageException(
                    option + ": expected an ISO-8601 time with offset (2026-11-30T10:00Z) or epoch ms, got " + value,
                    e);
        }
    }

    /** Reading a time range of the input topics instead of a file. */
    static final class TopicOptions {
        @Option(
                names = "--bootstrap-servers",
                paramLabel = "HOST:PORT",
                description = "Read the events from the input topics of this cluster (read_committed) instead of a "
                        + "file; needs --registry-url, --from and --to.")
        String bootstrap;

        @Option(
                names = "--registry-url",
                paramLabel = "URL",
                description = "Schema registry of the input topics (Confluent wire format).")
        String registryUrl;

        @Option(
                names = "--from",
                paramLabel = "TIME",
                description =
                        "Start of the range (inclusive): ISO-8601 with offset, e.g. 2026-11-30T10:00Z, or epoch ms.")
        String from;

        @Option(names = "--to", paramLabel = "TIME", description = "End of the range (exclusive), as --from.")
        String to;

        @Option(
                names = "--topic-prefix",
                paramLabel = "PREFIX",
                description = "Prefix of the contract topics (default ${DEFAULT-VALUE}).")
        String topicPrefix = TopicNames.DEFAULT_PREFIX;

        boolean given() {
            return bootstrap != null || registryUrl != null || from != null || to != null;
        }

        /** Reads the range; unreadable records are reported on {@code err} and not replayed. */
        List<EventCodec.Event> read(String command, PrintWriter err) {
            if (bootstrap == null || registryUrl == null || from == null || to == null) {
                throw new UsageException(
                        "reading from topics needs --bootstrap-servers, --registry-url, --from and --to");
            }
            long start = instant("--from", from);
            long end = instant("--to", to);
            if (end <= start) {
                throw new UsageException("--to must be after --from");
            }
            TopicEvents.Result r;
            try {
                r = TopicEvents.read(bootstrap, registryUrl, new TopicNames(topicPrefix), start, end, Map.of());
            } catch (KafkaException | IllegalStateException e) {
                throw new CommandFailedException("cannot read the input topics: " + e.getMessage(), e);
            }
            if (r.skipped() > 0) {
                err.println(command + ": skipped " + r.skipped() + " undecodable record(s):");
                r.errors().forEach(m -> err.println("  " + m));
            }
            return r.events();
        }
    }

    /** The input and the timing settings of {@code backtest}. */
    static final class Options {
        @Option(
                names = "--events",
                paramLabel = "FILE.jsonl",
                description = "Recorded events, one JSON object per line ('-' reads standard input).")
        String events;

        @Option(
                names = "--from-topics",
                description = "Read the events from the input topics (with --bootstrap-servers, --registry-url, "
                        + "--from, --to).")
        boolean fromTopics;

        @picocli.CommandLine.Mixin
        TopicOptions topics = new TopicOptions();

        @Option(names = "--skip-bad", description = "Skip bad lines (counted and reported) instead of failing.")
        boolean skipBad;

        @Option(
                names = "--grace-ms",
                paramLabel = "MS",
                description = "Grace of late events (default ${DEFAULT-VALUE}).")
        long graceMs = TopologySettings.DEFAULT_GRACE_MS;

        @Option(names = "--tick-ms", paramLabel = "MS", description = "Evaluation tick (default ${DEFAULT-VALUE}).")
        long tickMs = TopologySettings.DEFAULT_TICK_MS;

        @Option(
                names = "--result-refresh-ms",
                paramLabel = "MS",
                description = "Result refresh (default ${DEFAULT-VALUE}).")
        long resultRefreshMs = TopologySettings.DEFAULT_RESULT_REFRESH_MS;

        TopologySettings settings() {
            try {
                return TopologySettings.defaults("mock://unused")
                        .withGraceMs(graceMs)
                        .withTickMs(tickMs)
                        .withResultRefreshMs(resultRefreshMs);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage(), e);
            }
        }

        /** The events of the file or the topics. */
        List<EventCodec.Event> load(String command, PrintWriter err) {
            boolean topicMode = fromTopics || topics.given();
            if (topicMode == (events != null)) {
                throw new UsageException("give either --events FILE or --from-topics with --bootstrap-servers, "
                        + "--registry-url, --from and --to");
            }
            return topicMode ? topics.read(command, err) : file(events, skipBad, command, err);
        }
    }

    /** The events of a JSON-lines file ('-': standard input); skipped lines are reported on {@code err}. */
    static List<EventCodec.Event> file(String events, boolean skipBad, String command, PrintWriter err) {
        Replayer.Input input;
        try (InputStream in = "-".equals(events) ? System.in : Files.newInputStream(Path.of(events))) {
            input = Replayer.read(in, skipBad);
        } catch (NoSuchFileException e) {
            throw new UsageException("events file " + events + " does not exist", e);
        } catch (IOException | UncheckedIOException e) {
            throw new UsageException("cannot read events file " + events + ": " + e.getMessage(), e);
        } catch (EventFormatException e) {
            throw new CommandFailedException(events + " " + e.getMessage(), e);
        }
        if (input.skipped() > 0) {
            err.println(command + ": skipped " + input.skipped() + " bad line(s) of " + input.lines() + ":");
            input.errors().forEach(m -> err.println("  " + m));
            if (input.skipped() > input.errors().size()) {
                err.println("  ... and " + (input.skipped() - input.errors().size()) + " more");
            }
        }
        return input.events();
    }
}
