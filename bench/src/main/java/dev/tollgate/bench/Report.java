package dev.tollgate.bench;

import dev.tollgate.bench.BenchOptions.Mode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Summaries and Markdown of the measurements (pure, unit-tested). */
final class Report {
    private Report() {}

    /**
     * One measured run of one mode.
     *
     * @param mode      what ran
     * @param round     1-based round
     * @param records   records counted between the first and the last sample
     * @param nanos     time between the first and the last sample
     * @param load1     1-minute load average right after the run (includes this benchmark and its broker)
     * @param otherCores CPU used during the run by processes other than this JVM and its broker, in cores
     * @param note      anything worth showing next to the number (outputs written, start-up time), may be empty
     * @param ownCpuSeconds CPU time this JVM and its broker used during the counted span; NaN when unknown
     */
    record Measurement(
            Mode mode,
            int round,
            long records,
            long nanos,
            double load1,
            double otherCores,
            String note,
            double ownCpuSeconds) {
        Measurement(Mode mode, int round, long records, long nanos, double load1, double otherCores, String note) {
            this(mode, round, records, nanos, load1, otherCores, note, Double.NaN);
        }

        double perSecond() {
            return nanos <= 0 ? Double.NaN : records * 1e9 / nanos;
        }

        /** Records per CPU-second of this JVM and its broker: less sensitive to other load than {@link #perSecond}. */
        double perCpuSecond() {
            return ownCpuSeconds > 0 ? records / ownCpuSeconds : Double.NaN;
        }
    }

    /** Median, min and max. */
    record Stats(double median, double min, double max, int n) {
        static Stats of(double[] values) {
            double[] v =
                    Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
            if (v.length == 0) {
                return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
            }
            int n = v.length;
            double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
            return new Stats(median, v[0], v[n - 1], n);
        }
    }

    /** Per mode: throughput stats and stats of the per-round ratio to the consumer of the same round. */
    record Row(Mode mode, Stats perSecond, Stats ratio, Stats perCpuSecond) {}

    static List<Row> rows(List<Measurement> ms) {
        Map<Integer, Double> consumerByRound = new java.util.HashMap<>();
        for (Measurement m : ms) {
            if (m.mode() == Mode.CONSUMER) {
                consumerByRound.put(m.round(), m.perSecond());
            }
        }
        Map<Mode, List<Measurement>> byMode = new EnumMap<>(Mode.class);
        for (Measurement m : ms) {
            byMode.computeIfAbsent(m.mode(), k -> new ArrayList<>()).add(m);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Mode, List<Measurement>> e : byMode.entrySet()) {
            List<Measurement> list = e.getValue();
            double[] rps = list.stream().mapToDouble(Measurement::perSecond).toArray();
            double[] ratios = list.stream()
                    .mapToDouble(m -> {
                        Double c = consumerByRound.get(m.round());
                        return c == null ? Double.NaN : m.perSecond() / c;
                    })
                    .toArray();
            double[] perCpu =
                    list.stream().mapToDouble(Measurement::perCpuSecond).toArray();
            rows.add(new Row(e.getKey(), Stats.of(rps), Stats.of(ratios), Stats.of(perCpu)));
        }
        return rows;
    }

    /** The summary table: records/s and ratio to the decoding consumer, median and range. */
    static String table(List<Measurement> ms) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| measurement | records/s median | records/s min–max | ratio to consumer median | ratio min–max | runs |"
                        + " records per CPU-second median |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows(ms)) {
            sb.append("| ")
                    .append(r.mode().description())
                    .append(" | ")
                    .append(thousands(r.perSecond().median()))
                    .append(" | ")
                    .append(thousands(r.perSecond().min()))
                    .append(" – ")
                    .append(thousands(r.perSecond().max()))
                    .append(" | ")
                    .append(ratio(r.ratio().median()))
                    .append(" | ")
                    .append(ratio(r.ratio().min()))
                    .append(" – ")
                    .append(ratio(r.ratio().max()))
                    .append(" | ")
                    .append(r.perSecond().n())
                    .append(" | ")
                    .append(thousands(r.perCpuSecond().median()))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** Every run in the order it ran. */
    static String runs(List<Measurement> ms) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| round | measurement | records | seconds | records/s | CPU-seconds (JVM + broker) | load (1 min) after |"
                        + " other processes' CPU (cores) | note |\n");
        sb.append("|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Measurement m : ms) {
            sb.append("| ")
                    .append(m.round())
                    .append(" | ")
                    .append(m.mode().id())
                    .append(" | ")
                    .append(thousands(m.records()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", m.nanos() / 1e9))
                    .append(" | ")
                    .append(thousands(m.perSecond()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", m.ownCpuSeconds()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", m.load1()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", m.otherCores()))
                    .append(" | ")
                    .append(m.note() == null ? "" : m.note())
                    .append(" |\n");
        }
        return sb.toString();
    }

    static String thousands(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,d", Math.round(v));
    }

    static String ratio(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }
}
