package dev.tollgate.bench;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.FleetTraffic;
import dev.tollgate.tools.Replayer;
import dev.tollgate.tools.Simulator;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;

/**
 * {@code tollgate replay}'s two engines side by side, in one run, on the same generated rollout file: the fast
 * engine (the evaluator driven directly) and the topology in a TopologyTestDriver. Reports events/s of each and
 * their ratio, separately for reading the JSON lines (decoding), for the replay proper (decoded events in,
 * outputs rendered as the command prints them), and end to end. Usage:
 *
 * <pre>{@code
 * bench/replay.sh [--events 360000] [--services 1] [--rate 400] [--rounds 3] [--driver-events 360000] [--file F]
 * }</pre>
 *
 * <p>The file is FleetTraffic request logs (the throughput bench's load) of {@code --services} services in a canary
 * step, {@code --rate} events per second of event time (360,000 at 400/s is a 15-minute rollout). The driver engine
 * replays the first {@code --driver-events} of them (it is slow; its rate does not depend on the count).
 */
public final class ReplayBench {
    private ReplayBench() {}

    public static void main(String[] args) throws Exception {
        int events = 360_000;
        int services = 1;
        int rate = 400;
        int rounds = 3;
        int driverEvents = -1;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--services" -> services = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--driver-events" -> driverEvents = Integer.parseInt(args[++i]);
                case "--file" -> file = Path.of(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("bench/replay.sh [--events 360000] [--services 1] [--rate 400] [--rounds 3]"
                            + " [--driver-events N (default: all)] [--file F.jsonl (default: a temp file)]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + a + " (try --help)");
            }
        }
        driverEvents = driverEvents < 0 ? events : Math.min(driverEvents, events);
        Path input = file != null ? file : Files.createTempFile("tollgate-replay-bench-", ".jsonl");
        try {
            generate(input, events, services, rate);
            run(input, events, services, rate, rounds, driverEvents);
        } finally {
            if (file == null) {
                Files.deleteIfExists(input);
            }
        }
    }

    /** One STARTED rollout per service, then {@code events} request logs. */
    static void generate(Path out, int events, int services, int rate) throws IOException {
        FleetTraffic fleet = new FleetTraffic(
                new FleetTraffic.Settings(services, 0.05, 0.002, rate, 0.0, 42), Simulator.DEFAULT_START_MS);
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (RolloutEvent r : fleet.rollouts()) {
                w.write(EventCodec.toLine(r));
                w.newLine();
            }
            for (int i = 0; i < events; i++) {
                w.write(EventCodec.toLine(fleet.next()));
                w.newLine();
            }
        }
    }

    private static void run(Path input, int events, int services, int rate, int rounds, int driverEvents)
            throws IOException {
        System.out.printf(
                Locale.ROOT,
                "# tollgate replay: fast engine vs topology driver%n%n"
                        + "Input: %,d request logs + %d rollout event(s), %d service(s), %d events/s of event time"
                        + " (%.1f min), %s; driver engine on the first %,d; JVM %s, %d CPUs%n%n",
                events,
                services,
                services,
                rate,
                events / (double) rate / 60,
                input,
                driverEvents,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        System.out.println("Rates per second of wall time, and in brackets per second of the process's CPU time"
                + " (all threads: parallel decoding, GC and JIT included; what a loaded machine distorts least).");
        System.out.println();
        System.out.println("| round | decode JSON (events/s) | fast replay (events/s) | driver replay (events/s) "
                + "| fast / driver | fast end to end incl. decode (events/s) | outputs (fast = driver) |");
        System.out.println("|---|---|---|---|---|---|---|");
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<double[]> all = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Replayer.Input in;
            try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
                in = Replayer.read(r, false);
            }
            double decodeSecs = (System.nanoTime() - t0) / 1e9;
            double decodeCpu = (os.getProcessCpuTime() - c0) / 1e9;
            int n = in.events().size();
            Sink fast = new Sink();
            long c1 = os.getProcessCpuTime();
            long t1 = System.nanoTime();
            Replayer.run(in.events(), null, null, Replayer.Engine.FAST, fast);
            double fastSecs = (System.nanoTime() - t1) / 1e9;
            double fastCpu = (os.getProcessCpuTime() - c1) / 1e9;
            List<EventCodec.Event> prefix;
            try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
                prefix = Replayer.read(r, false).events().subList(0, Math.min(n, driverEvents + services));
            }
            Sink driver = new Sink();
            long c2 = os.getProcessCpuTime();
            long t2 = System.nanoTime();
            Replayer.run(prefix, null, null, Replayer.Engine.DRIVER, driver);
            double driverSecs = (System.nanoTime() - t2) / 1e9;
            double driverCpu = (os.getProcessCpuTime() - c2) / 1e9;
            double decodeRate = n / decodeSecs;
            double fastRate = n / fastSecs;
            double driverRate = prefix.size() / driverSecs;
            double endToEnd = n / (decodeSecs + fastSecs);
            boolean same = prefix.size() == n ? fast.lines == driver.lines && fast.hash == driver.hash : true;
            all.add(new double[] {decodeRate, fastRate, driverRate, endToEnd});
            System.out.printf(
                    Locale.ROOT,
                    "| %d | %,.0f (%,.0f) | %,.0f (%,.0f) | %,.0f (%,.0f) | %.1f (%.1f) | %,.0f (%,.0f) | %s |%n",
                    round,
                    decodeRate,
                    n / decodeCpu,
                    fastRate,
                    n / fastCpu,
                    driverRate,
                    prefix.size() / driverCpu,
                    fastRate / driverRate,
                    (n / fastCpu) / (prefix.size() / driverCpu),
                    endToEnd,
                    n / (decodeCpu + fastCpu),
                    prefix.size() == n ? (same ? "yes, " + fast.lines + " lines" : "NO") : "(driver on a prefix)");
        }
        if (rounds > 1) {
            double[] med = new double[4];
            for (int k = 0; k < 4; k++) {
                int kk = k;
                med[k] = all.stream()
                        .mapToDouble(a -> a[kk])
                        .sorted()
                        .skip((all.size() - 1) / 2)
                        .findFirst()
                        .orElse(0);
            }
            System.out.printf(
                    Locale.ROOT,
                    "| median | %,.0f | %,.0f | %,.0f | %.1f | %,.0f | |%n",
                    med[0],
                    med[1],
                    med[2],
                    med[1] / med[2],
                    med[3]);
        }
    }

    /** Renders the outputs as {@code tollgate replay} prints them (results and decisions) and fingerprints them. */
    private static final class Sink implements java.util.function.Consumer<SpecificRecord> {
        long lines;
        long hash = 17;

        @Override
        public void accept(SpecificRecord r) {
            if (r instanceof GateResult || r instanceof GateDecision) {
                hash = hash * 31 + EventCodec.toLine(r).hashCode();
                lines++;
            }
        }
    }
}
