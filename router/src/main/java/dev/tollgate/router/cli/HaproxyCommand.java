package dev.tollgate.router.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tollgate router haproxy}: HAProxy through its runtime API. */
@Command(
        name = "haproxy",
        mixinStandardHelpOptions = true,
        description = "HAProxy through its runtime API: roll out on Tollgate's decisions, ship the access log.",
        subcommands = {RolloutCommand.class, ShipLogsCommand.class})
public final class HaproxyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
