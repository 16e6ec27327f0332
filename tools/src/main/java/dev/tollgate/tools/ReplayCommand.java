package dev.tollgate.tools;

import dev.tollgate.app.cli.CommandFailedException;
import dev.tollgate.app.cli.ExitCodes;
import dev.tollgate.app.cli.UsageException;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.topology.TopologySettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tollgate replay}: the production topology over recorded events, no broker needed. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Run the production topology over recorded events (JSON lines), without a broker, in event-time "
                    + "order, and print every GateResult and GateDecision as one JSON object per line.",
            "Input: one JSON object per line with \"type\" (RequestLog, SideEffect, QueueWork, MetricSample, "
                    + "ProbeResult, RolloutEvent, GatePolicy) and the contract's field names; nullable fields may be "
                    + "omitted; timestamps in epoch ms. A GatePolicy line may carry \"key\" (default *)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:a bad input line (without --skip-bad) or a runtime error",
            "2:usage error or unreadable file"
        })
public final class ReplayCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--events",
            paramLabel = "FILE.jsonl",
            description = "Recorded events, one JSON object per line ('-' reads standard input).")
    String events;

    @CommandLine.Mixin
    ReplaySource.TopicOptions topics = new ReplaySource.TopicOptions();

    @Option(
            names = "--policy",
            paramLabel = "FILE.json",
            description = "A GatePolicy (JSON) applied as the default policy (key *); it overrides an untimed * policy "
                    + "of the events file.")
    Path policy;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Write the output lines here instead of standard output.")
    Path out;

    @Option(
            names = "--skip-bad",
            description = "Skip bad lines (counted and reported on standard error at the end) "
                    + "instead of stopping at the first.")
    boolean skipBad;

    @Option(names = "--timeline", description = "Also print the per-minute timeline (RevisionMinuteStats).")
    boolean timeline;

    @Option(
            names = "--html",
            paramLabel = "FILE.html",
            description = "Also write the rollout timeline (steps, per gate the estimate and its confidence band "
                    + "against the threshold, the decisions with their reasons) as one self-contained HTML file.")
    Path html;

    @Option(names = "--decisions-only", description = "Print only GateDecision records.")
    boolean decisionsOnly;

    @Option(
            names = "--grace-ms",
            paramLabel = "MS",
            description = "Grace of late events; must match the service's "
                    + "grace.ms for identical results (default ${DEFAULT-VALUE}).")
    long graceMs = TopologySettings.DEFAULT_GRACE_MS;

    @Option(
            names = "--tick-ms",
            paramLabel = "MS",
            description = "Evaluation tick; must match the service's tick.ms " + "(default ${DEFAULT-VALUE}).")
    long tickMs = TopologySettings.DEFAULT_TICK_MS;

    @Option(
            names = "--result-refresh-ms",
            paramLabel = "MS",
            description = "Result refresh; must match the service's " + "result.refresh.ms (default ${DEFAULT-VALUE}).")
    long resultRefreshMs = TopologySettings.DEFAULT_RESULT_REFRESH_MS;

    @Option(
            names = "--engine",
            paramLabel = "fast|driver",
            description = "fast (default): the evaluator driven directly; driver: the whole topology in a "
                    + "TopologyTestDriver, committing after every record (slow; identical output).")
    String engine = "fast";

    @Override
    public Integer call() {
        ToolLogging.quiet();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        GatePolicy defaultPolicy = null;
        if (policy != null) {
            try {
                defaultPolicy = EventCodec.policyFromJson(Files.readString(policy));
            } catch (NoSuchFileException e) {
                throw new UsageException("policy file " + policy + " does not exist", e);
            } catch (IOException e) {
                throw new UsageException("cannot read policy file " + policy + ": " + e.getMessage(), e);
            } catch (EventFormatException e) {
                throw new UsageException("policy file " + policy + ": " + e.getMessage(), e);
            }
        }
        if (topics.given() == (events != null)) {
            throw new UsageException(
                    "give either --events FILE or --bootstrap-servers, --registry-url, --from and --to");
        }
        TopologySettings settings;
        try {
            settings = TopologySettings.defaults("mock://unused")
                    .withGraceMs(graceMs)
                    .withTickMs(tickMs)
                    .withResultRefreshMs(resultRefreshMs);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        Replayer.Engine how = ReplaySource.engine(engine);
        Replayer.Input input = null;
        Replayer.Counts counts;
        List<SpecificRecord> outputs;
        if (topics.given()) {
            List<EventCodec.Event> loaded = topics.read("replay", err);
            outputs = new ArrayList<>();
            counts = Replayer.run(loaded, defaultPolicy, settings, how, outputs::add);
        } else {
            // read, decode and evaluate in one pass (the engine starts while later lines are still being decoded)
            try (InputStream in = "-".equals(events) ? System.in : Files.newInputStream(Path.of(events))) {
                Replayer.Replay r = "-".equals(events)
                        ? Replayer.replay(in, skipBad, defaultPolicy, settings, how)
                        : Replayer.replay(
                                in, () -> Files.newInputStream(Path.of(events)), skipBad, defaultPolicy, settings, how);
                input = r.input();
                counts = r.counts();
                outputs = r.outputs();
            } catch (NoSuchFileException e) {
                throw new UsageException("events file " + events + " does not exist", e);
            } catch (IOException | UncheckedIOException e) {
                throw new UsageException("cannot read events file " + events + ": " + e.getMessage(), e);
            } catch (EventFormatException e) {
                throw new CommandFailedException(events + " " + e.getMessage(), e);
            }
        }
        ReplayHtml page = html == null ? null : new ReplayHtml();
        try (PrintWriter w = out == null
                ? new PrintWriter(new BufferedWriter(spec.commandLine().getOut(), 1 << 16))
                : new PrintWriter(new BufferedWriter(
                        new OutputStreamWriter(Files.newOutputStream(out), StandardCharsets.UTF_8), 1 << 16))) {
            for (SpecificRecord r : outputs) {
                boolean print = r instanceof GateDecision || (!decisionsOnly && (r instanceof GateResult || timeline));
                if (print) {
                    w.println(EventCodec.toLine(r));
                }
                if (page != null) {
                    page.accept(r);
                }
            }
            w.flush();
        } catch (IOException e) {
            throw new UsageException("cannot write " + out + ": " + e.getMessage(), e);
        }
        if (page != null) {
            try {
                page.write(
                        html,
                        events == null
                                ? "the input topics"
                                : "-".equals(events)
                                        ? "standard input"
                                        : Path.of(events).getFileName().toString());
            } catch (IOException e) {
                throw new UsageException("cannot write " + html + ": " + e.getMessage(), e);
            }
            err.println("replay: timeline of " + page.services() + " service(s) written to " + html);
        }
        if (input != null && input.skipped() > 0) {
            err.println("replay: skipped " + input.skipped() + " bad line(s) of " + input.lines() + ":");
            input.errors().forEach(m -> err.println("  " + m));
            if (input.skipped() > input.errors().size()) {
                err.println("  ... and " + (input.skipped() - input.errors().size()) + " more");
            }
        }
        err.printf(
                "replay: %d events -> %d gate results, %d decisions%s in %.1f s%n",
                counts.events,
                counts.results,
                counts.decisions,
                timeline ? ", " + counts.minutes + " timeline minutes" : "",
                (System.nanoTime() - t0) / 1e9);
        err.flush();
        return ExitCodes.OK;
    }
}
