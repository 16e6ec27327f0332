package dev.tollgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.bench.BenchOptions.Mode;
import dev.tollgate.bench.Report.Measurement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Formatting and statistics of the report only: nothing here starts a broker. */
class ReportTest {

    private static Measurement m(Mode mode, int round, double perSecond) {
        return new Measurement(mode, round, (long) perSecond, 1_000_000_000L, 0.5, 0.1, "");
    }

    @Test
    void medianAndRangeOfThroughputAndOfPerRoundRatios() {
        List<Measurement> ms = List.of(
                m(Mode.CONSUMER, 1, 500_000), m(Mode.EOS, 1, 250_000),
                m(Mode.EOS, 2, 300_000), m(Mode.CONSUMER, 2, 600_000),
                m(Mode.CONSUMER, 3, 400_000), m(Mode.EOS, 3, 100_000));

        List<Report.Row> rows = Report.rows(ms);

        assertThat(rows).extracting(Report.Row::mode).containsExactly(Mode.CONSUMER, Mode.EOS);
        Report.Row eos = rows.get(1);
        assertThat(eos.perSecond().median()).isEqualTo(250_000);
        assertThat(eos.perSecond().min()).isEqualTo(100_000);
        assertThat(eos.perSecond().max()).isEqualTo(300_000);
        // ratios per round: 0.5, 0.5, 0.25
        assertThat(eos.ratio().median()).isEqualTo(0.5);
        assertThat(eos.ratio().min()).isEqualTo(0.25);
        assertThat(rows.get(0).ratio().median()).isEqualTo(1.0);
    }

    @Test
    void evenCountMedianIsTheMeanOfTheMiddleTwo() {
        assertThat(Report.Stats.of(new double[] {4, 1, 3, 2}).median()).isEqualTo(2.5);
        assertThat(Report.Stats.of(new double[] {}).n()).isZero();
    }

    @Test
    void markdownTableHasOneRowPerModeWithThousandsAndRatios() {
        String table = Report.table(List.of(m(Mode.CONSUMER, 1, 530_000), m(Mode.EOS, 1, 318_000)));

        assertThat(table.lines()).hasSize(4);
        assertThat(table).contains("| 530,000 | 530,000 – 530,000 | 1.00 | 1.00 – 1.00 | 1 | n/a |");
        assertThat(table).contains("exactly_once_v2").contains("| 318,000 |").contains("| 0.60 |");
    }

    @Test
    void optionsParseCountsAndModes() {
        BenchOptions o =
                BenchOptions.parse(new String[] {"--records", "2m", "--modes", "eos,consumer", "--rounds", "5"});
        assertThat(o.records()).isEqualTo(2_000_000);
        assertThat(o.modes()).containsExactly(Mode.EOS, Mode.CONSUMER);
        // each warm-up pass reads the whole dataset unless told otherwise
        assertThat(o.warmupRecords()).isEqualTo(2_000_000);
        assertThat(BenchOptions.parse(new String[] {"--warmup-records", "300k"}).warmupRecords())
                .isEqualTo(300_000);
        assertThat(BenchOptions.defaults().modes()).hasSize(5);
        // the default run: 6m records (about 4 s of the evaluator, start-up a small part of it), 5 paired rounds
        assertThat(BenchOptions.defaults().records()).isEqualTo(6_000_000);
        assertThat(BenchOptions.defaults().rounds()).isEqualTo(5);
    }

    @Test
    void jfrBucketsMatchTheFirstMarkerFound() {
        assertThat(JfrTopFrames.bucket("a.B.c\ndev.tollgate.schemas.serde.SpecificAvroDeserializer.decode\n"
                        + "dev.tollgate.topology.processor.EvaluatorProcessor.process\n"))
                .isEqualTo("deserialize input (Avro, registry serde)");
        assertThat(JfrTopFrames.bucket("java.lang.Thread.run\n")).isEqualTo("other");
    }
}
