package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.topology.TopologySettings;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * {@link Replayer#replay}, the one pass of {@code tollgate replay --events} (byte chunks decoded on worker threads,
 * the engine fed through a reorder buffer while the file is read), prints what reading the text and {@link
 * Replayer#run} print: in time order, with producer jitter, far out of order (the in-order run is abandoned), with a
 * default policy, with bad lines; and it reads lines as {@link BufferedReader} does.
 */
class OnePassReplayTest {

    @Test
    void shouldPrintWhatReadAndRunPrintOnAScenarioAndOnAJitteredCopyInOnePass() throws Exception {
        // given a scenario export (time order) and a copy with neighbouring lines swapped (producer jitter)
        ScenarioSpec spec = ScenarioSpec.load("error-spike");
        String scenario = DirectTopologyEqualityTest.play(spec, Simulator.Options.inProcess(spec));
        List<String> lines = new ArrayList<>(scenario.lines().toList());
        Random random = new Random(15);
        for (int i = 2; i < lines.size(); i++) { // the policy on the first line stays first
            if (random.nextInt(4) == 0) {
                Collections.swap(lines, i - 1, i);
            }
        }
        String jittered = String.join("\n", lines) + "\n";
        assertThat(jittered).isNotEqualTo(scenario);
        for (String jsonl : List.of(scenario, jittered)) {
            // when replayed in one pass (kept in memory, and read again from its source), then the outputs are the
            // ones of read + run, record for record
            List<String> expected = readAndRun(jsonl, null);
            assertThat(expected).hasSizeGreaterThan(10);
            assertThat(onePass(jsonl, null, false)).containsExactlyElementsOf(expected);
            AtomicInteger opened = new AtomicInteger();
            assertThat(onePass(jsonl, null, true, opened)).containsExactlyElementsOf(expected);
            // and the reorder buffer held the swapped lines: the engine ran while reading, no second read
            assertThat(opened).hasValue(0);
        }
    }

    @Test
    void shouldPrintWhatReadAndRunPrintOnARandomizedFile() throws Exception {
        // given a randomized file: a rollout, then fleet traffic minutes older (some late, some duplicated) and a
        // policy stamped midway, appended after it
        String randomized = DirectTopologyEqualityTest.randomized(ScenarioSpec.load("healthy"), 15);
        List<String> expected = readAndRun(randomized, null);
        assertThat(expected).hasSizeGreaterThan(10);

        // when replayed in one pass, then the outputs are the ones of read + run, record for record
        assertThat(onePass(randomized, null, false)).containsExactlyElementsOf(expected);
        assertThat(onePass(randomized, null, true)).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldFallBackToTheSortedReplayWhenTheFileIsFarOutOfOrder() throws Exception {
        // given a randomized file shuffled line by line (the reorder buffer cannot hold it)
        String randomized = DirectTopologyEqualityTest.randomized(ScenarioSpec.load("healthy"), 16);
        List<String> lines = new ArrayList<>(randomized.lines().toList());
        Collections.shuffle(lines, new Random(16));
        String shuffled = String.join("\n", lines) + "\n";
        List<String> expected = readAndRun(shuffled, null);
        assertThat(expected).hasSizeGreaterThan(10);

        // when replayed in one pass, then the outputs are still those of the sorted replay (read again or kept)
        AtomicInteger opened = new AtomicInteger();
        assertThat(onePass(shuffled, null, true, opened)).containsExactlyElementsOf(expected);
        assertThat(opened).hasValue(1); // the in-order run was abandoned and the file read again
        assertThat(onePass(shuffled, null, false)).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldInsertTheDefaultPolicyAsRunDoes() throws Exception {
        // given a scenario export and a stricter default policy
        ScenarioSpec spec = ScenarioSpec.load("healthy");
        String export = DirectTopologyEqualityTest.play(spec, Simulator.Options.inProcess(spec));
        GatePolicy base = TopologySettings.defaults("mock://unused").defaultPolicy();
        GatePolicy strict = GatePolicy.newBuilder(base)
                .setMinSamples(base.getMinSamples() * 4)
                .build();

        // when replayed in one pass with it, then the outputs are those of run with it
        assertThat(onePass(export, strict, true)).containsExactlyElementsOf(readAndRun(export, strict));
        // and a file of policies only still gets it (nothing timed to put it before)
        String policies = export.lines()
                        .filter(l -> l.contains("\"GatePolicy\""))
                        .findFirst()
                        .orElseThrow() + "\n";
        Replayer.Replay r = Replayer.replay(in(policies), false, strict, null, Replayer.Engine.FAST);
        assertThat(r.counts().events).isEqualTo(2);
    }

    @Test
    void shouldSplitLinesAsBufferedReaderDoesAcrossChunks() throws Exception {
        // given more than a few chunks of lines with every terminator, blank lines and non-ASCII text around them
        ScenarioSpec spec = ScenarioSpec.load("error-spike");
        List<String> lines = DirectTopologyEqualityTest.play(spec, Simulator.Options.inProcess(spec))
                .lines()
                .toList();
        StringBuilder text = new StringBuilder();
        String[] ends = {"\n", "\r\n", "\r", "\n \t\n", "\r\n\r\n"};
        int i = 0;
        while (text.length() < 3.5 * EventStream.CHUNK_BYTES) {
            text.append(lines.get(i % lines.size())).append(ends[i % ends.length]);
            if (i % 997 == 0) {
                text.append("\u2003\n"); // a blank line of a non-ASCII space
            }
            i++;
        }
        text.append("{\"type\":\"RequestLog\",\"service\":\"é\"}"); // the last line: bad, no terminator
        String jsonl = text.toString();

        // when read from bytes and from text, with bad lines skipped, then events, counts and messages are equal
        Replayer.Input fromText = Replayer.read(new BufferedReader(new StringReader(jsonl)), true);
        Replayer.Input fromBytes = Replayer.read(in(jsonl), true);
        assertThat(fromBytes.lines()).isEqualTo(fromText.lines()).isEqualTo(i + 1);
        assertThat(fromBytes.errors())
                .containsExactlyElementsOf(fromText.errors())
                .hasSize(1);
        assertThat(fromBytes.events()).containsExactlyElementsOf(fromText.events());
        // and without skipping, the first bad line fails the read with its line number
        assertThatThrownBy(() -> Replayer.read(in(jsonl), false))
                .isInstanceOf(EventFormatException.class)
                .hasMessage(fromText.errors().get(0));
    }

    @Test
    void shouldFailOnMalformedUtf8AsAStrictReaderDoes() {
        byte[] bad = "{\"type\":\"RequestLog\",\"service\":\"\u00ff\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> Replayer.read(new ByteArrayInputStream(bad), true))
                .isInstanceOf(UncheckedIOException.class);
    }

    private static InputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> readAndRun(String jsonl, GatePolicy policy) throws IOException {
        Replayer.Input in = Replayer.read(new BufferedReader(new StringReader(jsonl)), false);
        List<String> out = new ArrayList<>();
        Replayer.run(
                in.events(), policy, null, Replayer.Engine.FAST, (SpecificRecord r) -> out.add(EventCodec.toLine(r)));
        return out;
    }

    private static List<String> onePass(String jsonl, GatePolicy policy, boolean reopen) throws IOException {
        return onePass(jsonl, policy, reopen, new AtomicInteger());
    }

    private static List<String> onePass(String jsonl, GatePolicy policy, boolean reopen, AtomicInteger opened)
            throws IOException {
        Replayer.Replay r = reopen
                ? Replayer.replay(
                        in(jsonl),
                        () -> {
                            opened.incrementAndGet();
                            return in(jsonl);
                        },
                        false,
                        policy,
                        null,
                        Replayer.Engine.FAST)
                : Replayer.replay(in(jsonl), false, policy, null, Replayer.Engine.FAST);
        return r.outputs().stream().map(EventCodec::toLine).toList();
    }
}
