package dev.tollgate.router.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tollgate router}: routers that follow Tollgate's decisions. */
@Command(
        name = "router",
        mixinStandardHelpOptions = true,
        description = "Drive a router (HAProxy) from Tollgate's decisions and ship its access log.",
        subcommands = {HaproxyCommand.class, StatusCommand.class})
public final class RouterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
