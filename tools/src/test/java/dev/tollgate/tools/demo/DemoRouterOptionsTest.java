package dev.tollgate.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.cli.CliErrors;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tollgate demo --router ...}: options of the other router are usage errors, before anything starts. */
class DemoRouterOptionsTest {

    @Test
    void shouldRefuseAnUnknownRouter() {
        Run r = run("--router", "nginx");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--router must be simulator or haproxy, not nginx");
    }

    @Test
    void shouldRefuseHaproxyOptionsWithTheSimulatedRouter() {
        Run r = run("--canary-errors", "5");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--canary-errors works with --router haproxy only");
    }

    @Test
    void shouldRefuseSimulatorOptionsWithHaproxy() {
        Run r = run("--router", "haproxy", "--speed", "5");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--speed works with the simulated router only");
    }

    @Test
    void shouldRefuseAShareOfErrorsAbove100Percent() {
        Run r = run("--router", "haproxy", "--canary-errors", "150");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--canary-errors must be within 0..100 (percent), not 150.0");
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CliErrors.install(new CommandLine(new DemoCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
