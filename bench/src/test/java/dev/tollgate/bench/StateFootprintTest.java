package dev.tollgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.bench.BenchOptions.Mode;
import dev.tollgate.topology.engine.ServiceState;
import dev.tollgate.topology.engine.ServiceStateSerde;
import dev.tollgate.topology.evidence.RevisionEvidence;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state breakdown of the scale bench, on the topology's golden v3 states: no broker. */
class StateFootprintTest {
    private static final Path GOLDEN = Path.of("..", "topology", "src", "test", "resources", "state", "v3");

    @Test
    void shouldSplitAGoldenStateIntoItsSectionsWithoutLosingAByte() throws IOException {
        // given the golden v3 states of the topology's format tests
        for (String name : List.of("checkout.bin", "search.bin")) {
            byte[] bytes = Files.readAllBytes(GOLDEN.resolve(name));
            ServiceState decoded = new ServiceStateSerde().deserialize("t", bytes);

            // when
            long[] row = StateFootprint.breakdown(bytes);

            // then the header and the sections add up to the whole value
            long sections = row[StateFootprint.HEADER];
            for (int tag = 1; tag <= 9; tag++) {
                sections += row[tag];
            }
            assertThat(row[StateFootprint.TOTAL])
                    .as(name)
                    .isEqualTo(bytes.length)
                    .isEqualTo(sections);
            // the step evidence's three revisions fit in its section, and its sketches in them
            long revisions = row[StateFootprint.STEP_BASELINE]
                    + row[StateFootprint.STEP_CANARY]
                    + row[StateFootprint.STEP_SERVICE];
            assertThat(revisions).as(name).isPositive().isLessThan(row[5]);
            assertThat(row[StateFootprint.SKETCH_STEP]).as(name).isPositive().isLessThan(revisions);
            assertThat(row[StateFootprint.SKETCH_ALL]).as(name).isGreaterThanOrEqualTo(row[StateFootprint.SKETCH_STEP]);
            assertThat(row[StateFootprint.SKETCH_SPARSE]).as(name).isPositive();
            // and the counts are those of the decoded state
            assertThat(row[StateFootprint.OPEN_TICKS])
                    .as(name)
                    .isEqualTo(decoded.openTicks().size());
            assertThat(row[StateFootprint.MINUTES])
                    .as(name)
                    .isEqualTo(decoded.timelineMinutes().size());
            assertThat(row[StateFootprint.REQ_BASELINE])
                    .as(name)
                    .isEqualTo(decoded.stepEvidence().baseline().traffic.requests);
            assertThat(row[StateFootprint.REQ_CANARY])
                    .as(name)
                    .isEqualTo(decoded.stepEvidence().canary().traffic.requests);
        }
    }

    @Test
    void shouldRefuseAValueThatIsNotAWholeState() throws IOException {
        // given a golden state with one byte cut off
        byte[] bytes = Files.readAllBytes(GOLDEN.resolve("checkout.bin"));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 1);

        // then the breakdown fails rather than report a partial size
        assertThatThrownBy(() -> StateFootprint.breakdown(cut)).isInstanceOf(IOException.class);
    }

    @Test
    void shouldEstimateTheSparseSizeOfASketchFromItsNonZeroBuckets() throws IOException {
        // given a sketch of three latencies far apart: a dense window of hundreds of mostly empty buckets
        RevisionEvidence e = new RevisionEvidence();
        e.traffic.requests = 3;
        e.traffic.latency.add(5);
        e.traffic.latency.add(50);
        e.traffic.latency.add(500);

        // when
        long[] sizes = StateFootprint.sketchBytes(e);

        // then the dense encoding pays for every bucket in between, the sparse estimate for three
        ByteArrayOutputStream dense = new ByteArrayOutputStream();
        e.traffic.latency.writeTo(new DataOutputStream(dense));
        assertThat(sizes[0]).isEqualTo(dense.size()).isGreaterThan(400);
        // header (count, zeros, sum, min, max, first index: 32 bytes here) + 1 + 3 x (delta, count) var-ints
        assertThat(sizes[1]).isLessThan(50);
    }

    @Test
    void shouldProbeTheFirstTollgateModeOfTheScaleModes() {
        assertThat(StateFootprint.probedMode(List.of(Mode.CONSUMER, Mode.EOS_SYNC, Mode.EOS)))
                .isEqualTo(Mode.EOS_SYNC);
        assertThat(StateFootprint.probedMode(List.of(Mode.CONSUMER, Mode.NAIVE)))
                .isNull();
    }

    @Test
    void shouldParseTheScaleOptions() {
        BenchOptions o = BenchOptions.parse(new String[] {"--scale-services", "10000", "--scale-modes", "eos-sync"});
        assertThat(o.scale()).isTrue();
        assertThat(o.scaleRecords()).isEqualTo(4_000_000);
        assertThat(o.scaleModes()).containsExactly(Mode.EOS_SYNC);
        assertThat(BenchOptions.defaults().scale()).isFalse();
    }
}
