package dev.tollgate.router.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tollgate router haproxy rollout}. */
@Command(
        name = "rollout",
        mixinStandardHelpOptions = true,
        description = "Roll a canary out through HAProxy weights.",
        subcommands = {RolloutStartCommand.class})
public final class RolloutCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
