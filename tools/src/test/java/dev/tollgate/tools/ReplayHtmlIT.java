package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.cli.CliErrors;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.testkit.HeadlessChromium;
import dev.tollgate.testkit.TimelineDom;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tollgate replay --html}: the self-contained timeline file of a replayed rollout, opened from disk in a
 * real headless Chromium (no server), shows every gate the replay published a result for with its threshold
 * line, the estimate and its confidence band, and every decision of the replay with its reasons. A screenshot is
 * kept in {@code target/timeline/replay-error-spike.png}.
 */
class ReplayHtmlIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void shouldDrawTheGatesThresholdsAndDecisionsOfAReplayInAFileChromiumOpens() throws Exception {
        // given the error-spike scenario played in process and exported as JSON lines
        ScenarioSpec spec = ScenarioSpec.load("error-spike");
        Path events = dir.resolve("error-spike.jsonl");
        StringBuilder export = new StringBuilder();
        try (InProcessTopology bus = new InProcessTopology(null)) {
            new Simulator(
                            spec,
                            Simulator.Options.inProcess(spec),
                            bus,
                            e -> export.append(EventCodec.toLine(e)).append('\n'),
                            null)
                    .run();
        }
        Files.writeString(events, export, StandardCharsets.UTF_8);

        // when it is replayed with --html
        Path html = dir.resolve("timeline.html");
        Path lines = dir.resolve("out.jsonl");
        StringWriter err = new StringWriter();
        CommandLine cl = CliErrors.install(new CommandLine(new ReplayCommand()));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(
                "--events", events.toString(), "--html", html.toString(), "--out", lines.toString(), "--timeline");
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("timeline of 1 service(s) written to " + html);

        // and the file is opened in headless Chromium
        HeadlessChromium chromium = HeadlessChromium.find();
        String url = html.toUri().toString();
        TimelineDom dom = TimelineDom.parse(chromium.dumpDom(url, Duration.ofSeconds(3)));
        Path png = Path.of("target", "timeline", "replay-error-spike.png");
        chromium.screenshot(url, png, 1100, 1600, Duration.ofSeconds(3));

        // then it is one file: nothing is loaded from elsewhere
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertThat(page).doesNotContainPattern("<script[^>]+src=").doesNotContain("<link ");

        // and it shows the replay's release, every gate with its threshold line, and the decisions with reasons
        List<SpecificRecord> out = new ArrayList<>();
        for (String line : Files.readAllLines(lines, StandardCharsets.UTF_8)) {
            out.add(EventCodec.decode(line).record());
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        List<GateDecision> decisions = new ArrayList<>();
        for (SpecificRecord r : out) {
            if (r instanceof GateResult g) {
                thresholds.put(g.getGate(), g.getThreshold());
            } else if (r instanceof GateDecision d) {
                decisions.add(d);
            }
        }
        assertThat(decisions).as("the scenario decides").isNotEmpty();
        assertThat(dom.rendered()).isEqualTo(1);
        assertThat(dom.releases()).containsExactly(decisions.get(0).getReleaseId());
        assertThat(dom.thresholds().keySet()).containsExactlyInAnyOrderElementsOf(thresholds.keySet());
        thresholds.forEach((gate, t) -> assertThat(dom.thresholds().get(gate))
                .as("threshold line of %s", gate)
                .containsExactly(t));
        assertThat(dom.gatesWithEstimate()).contains("error-rate", "latency-p95");
        assertThat(dom.bands()).contains("error-rate");
        assertThat(dom.steps()).isNotEmpty();
        assertThat(dom.chartDecisions())
                .containsExactlyElementsOf(
                        decisions.stream().map(d -> d.getAction().name()).toList());
        assertThat(dom.decisions()).hasSameSizeAs(decisions);
        for (int i = 0; i < decisions.size(); i++) {
            GateDecision d = decisions.get(i);
            TimelineDom.Decision shown = dom.decisions().get(i);
            assertThat(shown.action()).isEqualTo(d.getAction().name());
            assertThat(shown.stepIndex()).isEqualTo(d.getStepIndex());
            assertThat(shown.reasons()).containsExactlyElementsOf(d.getReasons());
            d.getFailingGates().forEach(g -> assertThat(shown.text()).contains(g));
        }
        assertThat(decisions.get(decisions.size() - 1).getFailingGates()).contains("error-rate");
        assertThat(png).isNotEmptyFile();
    }
}
