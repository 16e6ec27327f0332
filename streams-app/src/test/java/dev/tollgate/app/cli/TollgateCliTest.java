package dev.tollgate.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TollgateCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = TollgateCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void shouldPrintHelpAndExit0() {
        // when
        int code = run("--help");

        // then
        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("run").contains("config").contains("Exit codes");
    }

    @Test
    void shouldOfferOnlyTheServiceSubcommands() {
        // when
        int code = run("demo");

        // then
        assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(TollgateCli.commandLine().getSubcommands()).containsOnlyKeys("run", "topics", "config", "help");
    }

    @Test
    void shouldPrintRunHelp() {
        assertThat(run("run", "--help")).isZero();
        assertThat(out.toString()).contains("--config").contains("--create-topics");
    }

    @Test
    void shouldExit2NamingTheKeyWhenBootstrapServersIsMissing(@TempDir Path dir) throws IOException {
        // given
        Path file = dir.resolve("t.properties");
        Files.writeString(file, "application.id=x\n");

        // when
        int code = run("run", "--config", file.toString());

        // then
        assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString())
                .contains("Configuration error")
                .contains("bootstrap.servers")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void shouldExit2ForAMissingConfigFile(@TempDir Path dir) {
        // when
        int code = run("run", "--config", dir.resolve("missing.properties").toString());

        // then
        assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
        assertThat(err.toString()).contains("missing.properties");
    }

    @Test
    void shouldExit2ForAnUnknownOption() {
        assertThat(run("run", "--no-such-option")).isEqualTo(ExitCodes.CONFIG_ERROR);
    }

    @Test
    void shouldListConfigurationKeys() {
        // when
        int code = run("config");

        // then
        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("bootstrap.servers (list, default (required)")
                .contains("TOLLGATE_POLICY_DEFAULT_GATE_ERROR_RATE_THRESHOLD");
    }
}
