package dev.tollgate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.cli.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ToolsCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = ToolsCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void shouldListTheServiceAndTheToolSubcommandsInOrder() {
        // when
        int code = run("--help");

        // then
        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(out.toString())
                .containsSubsequence(
                        "run",
                        "topics",
                        "config",
                        "demo",
                        "replay",
                        "simulate",
                        "tail",
                        "router",
                        "help",
                        "Exit codes");
    }

    @Test
    void shouldOfferTheHaproxyRouterAndMapItsUsageErrorsTo2() {
        // when
        int help = run("router", "haproxy", "--help");
        int startHelp = run("router", "haproxy", "rollout", "start", "--help");
        int missing = run("router", "haproxy", "rollout", "start", "--service", "checkout");

        // then
        assertThat(help).isZero();
        assertThat(out.toString()).contains("rollout").contains("ship-logs");
        assertThat(startHelp).isZero();
        assertThat(out.toString()).contains("(COMPLETED)").contains("--canary-pin");
        assertThat(missing).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString()).contains("--backend").contains("--baseline").contains("--canary");
    }

    @Test
    void shouldMapAUsageErrorOfAToolTo2() {
        // when
        int code = run("simulate");

        // then
        assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString())
                .isEqualTo("Error: --scenario NAME|FILE is required (or --list)" + System.lineSeparator());
    }

    @Test
    void shouldRejectAnUnknownViewWith2() {
        // when
        int code = run("simulate", "--scenario", "healthy", "--view", "fancy");

        // then
        assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString()).contains("--view").contains("expected live, plain or auto");
    }

    @Test
    void shouldShowTheViewDefaultInLowerCase() {
        // when
        int code = run("demo", "--help");

        // then
        assertThat(code).isZero();
        assertThat(out.toString()).contains("(default auto)");
    }

    @Test
    void shouldMapAConfigurationErrorOfRunTo2() {
        // when
        int code = run("run", "--config", "/nonexistent/tollgate.properties");

        // then
        assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString()).startsWith("Configuration error:");
    }
}
