package dev.tollgate.router.cli;

import dev.tollgate.router.HaproxyRouter;
import dev.tollgate.router.ReleaseTrack;
import dev.tollgate.router.RolloutSpec;
import dev.tollgate.schemas.avro.RevisionPins;
import dev.tollgate.schemas.avro.RolloutPhase;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tollgate router haproxy rollout start}: start (or resume) a release and follow its decisions. */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = {
            "Sets the canary to the policy's first step, publishes STARTED, then follows tollgate.decisions for the"
                    + " release: PROMOTE -> next step (STEP), COMPLETE -> 100 %% (COMPLETED), ROLLBACK/FREEZE ->"
                    + " canary weight 0 (ABORTED), HOLD -> stay. Run again for the same release it resumes: HAProxy"
                    + " is set to the last published step and no decision is applied twice.",
            "Exit code 0 when the release completed, 4 when it was rolled back."
        })
public final class RolloutStartCommand implements Callable<Integer> {
    /** Exit code of a release that was rolled back. */
    public static final int ABORTED = 4;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--service", required = true, description = "Service name.")
    String service;

    @Option(names = "--backend", required = true, description = "HAProxy backend.")
    String backend;

    @Option(names = "--baseline", required = true, description = "HAProxy server of the baseline.")
    String baseline;

    @Option(names = "--canary", required = true, description = "HAProxy server of the canary.")
    String canary;

    @Option(names = "--release", description = "Release id (default: the canary revision).")
    String release;

    @Option(names = "--baseline-revision", description = "Revision of the baseline (default: its server name).")
    String baselineRevision;

    @Option(names = "--canary-revision", description = "Revision of the canary (default: its server name).")
    String canaryRevision;

    @Option(
            names = "--canary-pin",
            paramLabel = "KEY=VALUE",
            description = "Pin the canary serves (schemaRev, indexHash, modelTag); repeatable.")
    Map<String, String> canaryPins = new LinkedHashMap<>();

    @Option(
            names = "--baseline-pin",
            paramLabel = "KEY=VALUE",
            description = "Pin the baseline serves (schemaRev, indexHash, modelTag); repeatable.")
    Map<String, String> baselinePins = new LinkedHashMap<>();

    @Override
    public Integer call() {
        String canaryRev = canaryRevision == null ? canary : canaryRevision;
        RolloutSpec rollout = new RolloutSpec(
                service,
                release == null ? canaryRev : release,
                backend,
                baseline,
                canary,
                baselineRevision,
                canaryRevision,
                pins(canaryPins, "--canary-pin"),
                pins(baselinePins, "--baseline-pin"));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread hook = new Thread(() -> running.set(false), "tollgate-router-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ReleaseTrack track = new HaproxyRouter(connection.clients(), connection.runtime()).run(rollout, running::get);
        var out = spec.commandLine().getOut();
        out.printf(
                "%s %s: %s at step %d (%s %% canary)%n",
                service,
                rollout.releaseId(),
                track.last().getPhase(),
                track.last().getStepIndex(),
                track.last().getTrafficPercent());
        out.flush();
        return track.last().getPhase() == RolloutPhase.ABORTED ? ABORTED : 0;
    }

    private RevisionPins pins(Map<String, String> given, String option) {
        if (given.isEmpty()) {
            return null;
        }
        RevisionPins.Builder b = RevisionPins.newBuilder();
        given.forEach((k, v) -> {
            switch (k) {
                case "schemaRev" -> b.setSchemaRev(v);
                case "indexHash" -> b.setIndexHash(v);
                case "modelTag" -> b.setModelTag(v);
                default ->
                    throw new ParameterException(
                            spec.commandLine(), option + " " + k + ": expected schemaRev, indexHash or modelTag");
            }
        });
        return b.build();
    }
}
