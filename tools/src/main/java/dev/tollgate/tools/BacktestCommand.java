package dev.tollgate.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.app.cli.ExitCodes;
import dev.tollgate.app.cli.UsageException;
import dev.tollgate.topology.TopologySettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tollgate backtest}: what other policies would have decided on recorded rollouts. */
@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        description = {
            "Replay every rollout of the input under each policy and print, per rollout and in total, the decision "
                    + "each policy reached, at which step, after how much event time, and which gates decided it. "
                    + "Rollouts on which the policies disagree are marked with *.",
            "The decision reached is a rollout's first ROLLBACK or FREEZE (a router following the policy stops "
                    + "there), otherwise its last decision. A policy under test replaces the recording's own "
                    + "policies; 'recorded' keeps them and 'default' is the contract's default policy."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:a bad input line (without --skip-bad) or a runtime error", "2:usage error"})
public final class BacktestCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ReplaySource.Options source = new ReplaySource.Options();

    @Option(
            names = "--policy",
            required = true,
            paramLabel = "FILE.json|recorded|default",
            description = "A policy to compare (repeat: at least two). A GatePolicy JSON file, 'recorded' (the "
                    + "recording's own policies) or 'default' (the contract's default policy).")
    List<String> policies = new ArrayList<>();

    @Option(names = "--json", description = "Print the comparison as one JSON document.")
    boolean json;

    @Override
    public Integer call() {
        ToolLogging.quiet();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (policies.size() < 2) {
            throw new UsageException("--policy: give at least two policies to compare, got " + policies.size());
        }
        List<Backtest.Candidate> candidates = new ArrayList<>();
        for (String p : policies) {
            candidates.add(candidate(p));
        }
        List<EventCodec.Event> events = source.load("backtest", err);
        TopologySettings settings = source.settings();
        long t0 = System.nanoTime();
        Backtest.Result result = Backtest.run(events, candidates, settings);
        if (json) {
            out.println(toJson(result));
        } else {
            print(result, out);
        }
        out.flush();
        err.printf(
                Locale.ROOT,
                "backtest: %d events, %d rollouts, %d policies in %.1f s%n",
                result.events(),
                result.rows().size(),
                candidates.size(),
                (System.nanoTime() - t0) / 1e9);
        err.flush();
        return ExitCodes.OK;
    }

    static Backtest.Candidate candidate(String p) {
        if (p.equals("recorded")) {
            return Backtest.Candidate.recorded();
        }
        if (p.equals("default")) {
            return new Backtest.Candidate(
                    "default", TopologySettings.defaults("mock://unused").defaultPolicy());
        }
        Path file = Path.of(p);
        try {
            return new Backtest.Candidate(
                    file.getFileName().toString(), EventCodec.policyFromJson(Files.readString(file)));
        } catch (NoSuchFileException e) {
            throw new UsageException("policy file " + p + " does not exist", e);
        } catch (IOException e) {
            throw new UsageException("cannot read policy file " + p + ": " + e.getMessage(), e);
        } catch (EventFormatException e) {
            throw new UsageException("policy file " + p + ": " + e.getMessage(), e);
        }
    }

    /** The comparison as a table: one line per rollout and policy, then the totals. */
    static void print(Backtest.Result r, PrintWriter out) {
        int pw =
                Math.max(6, r.policies().stream().mapToInt(String::length).max().orElse(6));
        int sw = Math.max(
                7, r.rows().stream().mapToInt(x -> x.service().length()).max().orElse(7));
        int rw = Math.max(
                7, r.rows().stream().mapToInt(x -> x.releaseId().length()).max().orElse(7));
        String fmt = "%-1s %-" + sw + "s  %-" + rw + "s  %-" + pw + "s  %-8s  %-12s  %9s  %s%n";
        out.printf(Locale.ROOT, fmt, "", "service", "release", "policy", "decision", "step", "after", "gates");
        for (Backtest.Row row : r.rows()) {
            String mark = row.differs() ? "*" : "";
            for (int p = 0; p < r.policies().size(); p++) {
                Backtest.Outcome o = row.outcomes().get(p);
                out.printf(
                        Locale.ROOT,
                        fmt,
                        p == 0 ? mark : "",
                        p == 0 ? row.service() : "",
                        p == 0 ? row.releaseId() : "",
                        r.policies().get(p),
                        o.action() == null ? "-" : o.action().name(),
                        o.action() == null
                                ? "-"
                                : String.format(Locale.ROOT, "%d (%s %%)", o.stepIndex(), pct(o.trafficPercent())),
                        o.action() == null ? "-" : String.format(Locale.ROOT, "%.1f s", o.afterMs() / 1000.0),
                        o.action() == null ? "" : o.gates().isEmpty() ? "all passed" : String.join(", ", o.gates()));
            }
        }
        out.println();
        List<Map<String, Integer>> totals = r.totals();
        for (int p = 0; p < r.policies().size(); p++) {
            out.printf(
                    Locale.ROOT,
                    "total %-" + pw + "s  %s%n",
                    r.policies().get(p),
                    totals.get(p).entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        out.printf(
                Locale.ROOT,
                "%s%d of %d rollouts decided differently%n",
                r.differing() > 0 ? "* " : "",
                r.differing(),
                r.rows().size());
    }

    private static String pct(double p) {
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }

    static String toJson(Backtest.Result r) {
        ObjectNode root = JSON.createObjectNode();
        root.putPOJO("policies", r.policies());
        root.put("events", r.events());
        ArrayNode rows = root.putArray("rollouts");
        for (Backtest.Row row : r.rows()) {
            ObjectNode o = rows.addObject();
            o.put("service", row.service());
            o.put("releaseId", row.releaseId());
            o.put("startedAt", row.startedAt());
            o.put("differs", row.differs());
            ArrayNode outs = o.putArray("outcomes");
            for (int p = 0; p < r.policies().size(); p++) {
                Backtest.Outcome x = row.outcomes().get(p);
                ObjectNode n = outs.addObject();
                n.put("policy", r.policies().get(p));
                if (x.action() == null) {
                    n.putNull("action");
                    continue;
                }
                n.put("action", x.action().name());
                n.put("stepIndex", x.stepIndex());
                n.put("trafficPercent", x.trafficPercent());
                n.put("afterMs", x.afterMs());
                n.put("decidedAt", x.decidedAt());
                ArrayNode gates = n.putArray("gates");
                x.gates().forEach(gates::add);
                n.put("decisions", x.decisions());
            }
        }
        ArrayNode totals = root.putArray("totals");
        List<Map<String, Integer>> t = r.totals();
        for (int p = 0; p < r.policies().size(); p++) {
            ObjectNode n = totals.addObject();
            n.put("policy", r.policies().get(p));
            ObjectNode counts = n.putObject("decisions");
            t.get(p).forEach(counts::put);
        }
        root.put("differing", r.differing());
        return root.toString();
    }
}
