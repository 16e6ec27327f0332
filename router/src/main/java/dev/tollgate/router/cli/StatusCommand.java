package dev.tollgate.router.cli;

import dev.tollgate.router.HaproxyException;
import dev.tollgate.router.HaproxyRuntime;
import dev.tollgate.router.ReleaseTrack;
import dev.tollgate.router.RolloutLedger;
import dev.tollgate.router.Weights;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RolloutEvent;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tollgate router status}: each active release, its step, HAProxy's weights and the last decision. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Prints each active release (from tollgate.rollouts): its step, the weights HAProxy reports"
                + " for its servers, and the last decision with its reasons.")
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--service", description = "Only this service.")
    String service;

    @Option(names = "--all", description = "Also releases that completed or were rolled back.")
    boolean all;

    @Override
    public Integer call() {
        var clients = connection.clients();
        Map<String, ReleaseTrack> tracks = new LinkedHashMap<>();
        RolloutLedger.read(clients, s -> service == null || service.equals(s)).forEach((k, t) -> {
            if (all || !t.terminal()) {
                tracks.put(k, t);
            }
        });
        RolloutLedger.attachLastDecisions(clients, tracks);
        PrintWriter out = spec.commandLine().getOut();
        if (tracks.isEmpty()) {
            out.println(all ? "no releases" : "no active releases");
        }
        HaproxyRuntime haproxy = connection.runtime();
        for (ReleaseTrack t : tracks.values()) {
            print(out, t, haproxy);
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, ReleaseTrack t, HaproxyRuntime haproxy) {
        RolloutEvent e = t.last();
        out.printf(
                "%s %s: %s step %d, %s %% canary (%s -> %s), batch policy %s%n",
                e.getService(),
                e.getReleaseId(),
                e.getPhase(),
                e.getStepIndex(),
                e.getTrafficPercent(),
                e.getBaselineRevision(),
                e.getCanaryRevision(),
                t.batchPolicy() == null ? "n/a" : t.batchPolicy());
        if (t.backend() == null) {
            out.println("  haproxy: n/a (the release was not started by this router)");
        } else {
            try {
                Map<String, Integer> w = haproxy.weights(t.backend());
                Integer b = w.get(t.baselineServer());
                Integer c = w.get(t.canaryServer());
                String share = b == null || c == null
                        ? "servers not found"
                        : String.format("canary %.1f %%", new Weights(b, c).canaryPercent());
                out.printf(
                        "  haproxy %s: %s weight %s, %s weight %s (%s)%n",
                        t.backend(), t.baselineServer(), b, t.canaryServer(), c, share);
            } catch (HaproxyException ex) {
                out.printf("  haproxy: %s%n", ex.getMessage());
            }
        }
        GateDecision d = t.lastDecision();
        if (d == null) {
            out.println("  last decision: none yet");
        } else {
            out.printf(
                    "  last decision: %s at step %d (%s %%), id %s%n",
                    d.getAction(), d.getStepIndex(), d.getTrafficPercent(), d.getDecisionId());
            d.getReasons().forEach(r -> out.printf("    %s%n", r));
        }
    }
}
