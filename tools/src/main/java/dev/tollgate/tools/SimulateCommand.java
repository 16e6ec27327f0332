package dev.tollgate.tools;

import dev.tollgate.app.cli.CheckFailedException;
import dev.tollgate.app.cli.ExitCodes;
import dev.tollgate.app.cli.UsageException;
import dev.tollgate.topology.TopicNames;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tollgate simulate}: plays a scenario's events, with a router stand-in that follows Tollgate's decisions. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Play a scenario: the events of a service's rollout (requests, side effects, queue work, metrics, "
                    + "probes) with a router stand-in that follows Tollgate's decisions (canary at the first step's share, the "
                    + "next share on PROMOTE, all traffic back to the baseline on ROLLBACK).",
            "With --bootstrap-servers the events go to a real cluster where Tollgate runs (paced by --speed); without, "
                    + "to the production topology in process (deterministic for a --seed: use it with --export to record "
                    + "events for 'tollgate replay').",
            "Built-in scenarios: healthy, error-spike, latency-regression, cold-start-storm, webhook-storm, "
                    + "schema-skew, aa-noise, demo (see --list)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:runtime error, or (with --check) an outcome other than the scenario expects",
            "2:usage error"
        })
public final class SimulateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--scenario",
            paramLabel = "NAME|FILE",
            description = "A built-in scenario or a scenario file (JSON).")
    String scenario;

    @Option(names = "--list", description = "List the built-in scenarios and exit.")
    boolean list;

    @Option(
            names = "--rate",
            paramLabel = "N/s",
            description = "Requests per second of event time, e.g. 1500 or 1500/s " + "(default: the scenario's).")
    String rate;

    @Option(
            names = "--duration",
            paramLabel = "D",
            description = "Stop after this much event time, e.g. 90s, 5m "
                    + "(default 10m; a scenario normally ends earlier, when its rollouts are decided).")
    String duration;

    @Option(names = "--seed", description = "Random seed (default: the scenario's).")
    Long seed;

    @Option(names = "--service", description = "Service name to simulate (default: the scenario's).")
    String service;

    @Option(
            names = "--speed",
            description = "On a cluster: event-time seconds per wall-clock second (default ${DEFAULT-VALUE}).")
    double speed = 1.0;

    @Option(
            names = "--start-time",
            paramLabel = "TIME",
            description = "Event time of the first event: epoch ms, an ISO-8601 instant (2026-01-01T00:00:00Z) or "
                    + "'now' (default: now on a cluster, 2026-01-01T00:00:00Z in process). Events older than a "
                    + "topic's retention are deleted by the broker: give recorded events that go to a cluster "
                    + "a recent start.")
    String startTime;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description =
                    "Kafka cluster Tollgate runs on; without it the scenario runs against the topology in process.")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            paramLabel = "URL",
            description = "Schema registry of the cluster, "
                    + "http(s)://... (a mock:// registry is only shared within one JVM) (default ${DEFAULT-VALUE}).")
    String schemaRegistryUrl = "mock://tollgate";

    @Option(names = "--topic-prefix", description = "Prefix of the contract topics (default ${DEFAULT-VALUE}).")
    String topicPrefix = TopicNames.DEFAULT_PREFIX;

    @Option(
            names = "--export",
            paramLabel = "FILE.jsonl",
            description = "Write every event (and the policy) as JSON lines " + "for 'tollgate replay'.")
    Path export;

    @Option(
            names = "--policy-key",
            description = "Key the scenario's policy is published under (default: the scenario's "
                    + "service; '*' replaces the default policy of every service).")
    String policyKey;

    @Option(
            names = "--no-publish-policy",
            description = "On a cluster: do not publish the scenario's policy (it is still " + "written to --export).")
    boolean noPublishPolicy;

    @Option(
            names = "--policy-settle-ms",
            description = "On a cluster: wait this long after publishing the policy, so "
                    + "the service has loaded it before the first event (default ${DEFAULT-VALUE}).")
    long policySettleMs = 3_000;

    @Option(
            names = "--view",
            converter = ViewMode.Converter.class,
            description = "live (redraw in place), plain (one "
                    + "line per step and decision) or auto (live on a terminal) (default ${DEFAULT-VALUE}).")
    ViewMode view = ViewMode.AUTO;

    @Option(names = "--check", description = "Exit 1 when a rollout ends other than the scenario expects.")
    boolean check;

    /** The first event's time: --start-time, else now (whole second) on a cluster, else the fixed origin. */
    private long startMs(boolean live) {
        String t = startTime == null ? (live ? "now" : null) : startTime.trim();
        if (t == null) {
            return Simulator.DEFAULT_START_MS;
        }
        if (t.equalsIgnoreCase("now")) {
            return System.currentTimeMillis() / 1000 * 1000;
        }
        try {
            return t.chars().allMatch(Character::isDigit)
                    ? Long.parseLong(t)
                    : java.time.Instant.parse(t).toEpochMilli();
        } catch (RuntimeException e) {
            throw new UsageException("--start-time: not epoch ms, an ISO-8601 instant or 'now': \"" + startTime + "\"");
        }
    }

    @Override
    public Integer call() throws Exception {
        ToolLogging.quiet();
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            for (String name : ScenarioSpec.BUILT_IN) {
                ScenarioSpec s = ScenarioSpec.load(name);
                out.printf("%-20s %s%n", name, s.description);
            }
            out.flush();
            return ExitCodes.OK;
        }
        if (scenario == null) {
            throw new UsageException("--scenario NAME|FILE is required (or --list)");
        }
        ScenarioSpec s;
        long maxDuration;
        try {
            Double perSecond = null;
            if (rate != null) {
                String r = rate.trim().toLowerCase(java.util.Locale.ROOT).replaceAll("\\s*(/s|rps)$", "");
                try {
                    perSecond = Double.parseDouble(r);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--rate: not a rate: \"" + rate + "\" (examples: 1500, 1500/s)");
                }
                if (!(perSecond > 0)) {
                    throw new IllegalArgumentException("--rate must be > 0, was " + rate);
                }
            }
            s = ScenarioSpec.load(scenario).with(perSecond, seed, null).withService(service);
            maxDuration = duration == null ? 600_000 : Durations.parseMs(duration);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        boolean live = bootstrapServers != null;
        if (live && speed <= 0) {
            throw new UsageException("--speed must be > 0");
        }
        Simulator.Options opts = new Simulator.Options(
                s.seed,
                s.rate,
                maxDuration,
                live ? speed : 0,
                startMs(live),
                250,
                policyKey != null ? policyKey : s.service,
                !noPublishPolicy,
                live ? policySettleMs : 0);
        boolean ansi = view.ansi();
        String where = live ? bootstrapServers + " (x" + speed + ")" : "the topology in process";
        out.println("simulate: scenario " + s.name + " against " + where + ": " + s.description);
        out.flush();
        TerminalView viewer = new TerminalView(
                out, ansi, s.policy.getMinStepDurationMs(), () -> "tollgate simulate " + s.name + " -> " + where);
        RolloutBoard board;
        long events;
        try (PrintWriter exportFile = export == null
                        ? null
                        : new PrintWriter(new BufferedWriter(
                                new OutputStreamWriter(Files.newOutputStream(export), StandardCharsets.UTF_8)));
                EventBus bus = live
                        ? new KafkaBus(bootstrapServers, schemaRegistryUrl, new TopicNames(topicPrefix), Map.of())
                        : new InProcessTopology(null)) {
            Consumer<EventCodec.Event> sink = exportFile == null ? null : e -> exportFile.println(EventCodec.toLine(e));
            Simulator sim = new Simulator(s, opts, bus, sink, viewer);
            board = sim.run();
            events = sim.eventsSent();
            viewer.finish(
                    board, board.rollouts().isEmpty() ? 0 : board.rollouts().get(0).lastEventTime);
        } catch (IOException e) {
            throw new UsageException("cannot write " + export + ": " + e.getMessage(), e);
        }
        List<ScenarioSpec.Expect> expects = new ArrayList<>();
        s.rollouts.forEach(r -> expects.add(r.expect()));
        out.println();
        SummaryTable.render(board, expects).forEach(out::println);
        out.println();
        out.println("simulate: " + events + " events" + (export != null ? ", written to " + export : ""));
        out.flush();
        boolean allAsExpected = true;
        for (int i = 0; i < board.rollouts().size(); i++) {
            ScenarioSpec.Expect e = expects.get(i);
            allAsExpected &= e == null || e.matches(board.rollouts().get(i));
        }
        if (check && !allAsExpected) {
            throw new CheckFailedException();
        }
        return ExitCodes.OK;
    }
}
