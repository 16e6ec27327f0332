package dev.tollgate.bench;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.tools.EventCodec;
import dev.tollgate.tools.FleetTraffic;
import dev.tollgate.tools.Replayer;
import dev.tollgate.tools.Simulator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
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
 * outputs rendered as the command prints them), and end to end in one pass as the command runs it ({@link
 * Replayer#replay}); then {@code tollgate replay} itself, a fresh JVM per round through the launcher (the figure a
 * user gets). Usage:
 *
 * <pre>{@code
 * bench/replay.sh [--events 360000] [--services 1] [--rate 400] [--rounds 3] [--driver-events 360000] [--file F]
 *                 [--launcher ./tollgate|none]
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
        String launcher = "./tollgate";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--services" -> services = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--driver-events" -> driverEvents = Integer.parseInt(args[++i]);
                case "--file" -> file = Path.of(args[++i]);
                case "--launcher" -> launcher = args[++i];
                case "--help", "-h" -> {
                    System.out.println("bench/replay.sh [--events 360000] [--services 1] [--rate 400] [--rounds 3]"
                            + " [--driver-events N (default: all)] [--file F.jsonl (default: a temp file)]"
                            + " [--launcher ./tollgate ('none': skip the command runs)]");
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
            if (!"none".equals(launcher)) {
                command(input, events + services, rounds, launcher);
            }
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
                + "| fast / driver | fast end to end, one pass (events/s) | outputs (fast = driver) |");
        System.out.println("|---|---|---|---|---|---|---|");
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<double[]> all = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Replayer.Input in;
            try (InputStream r = Files.newInputStream(input)) {
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
            in = null; // not kept alive through the next measurements
            // end to end in this JVM as the command runs it: read, decode and evaluate in one pass
            long c3 = os.getProcessCpuTime();
            long t3 = System.nanoTime();
            Replayer.Replay oneGo;
            try (InputStream r = Files.newInputStream(input)) {
                oneGo = Replayer.replay(r, () -> Files.newInputStream(input), false, null, null, Replayer.Engine.FAST);
            }
            double oneGoSecs = (System.nanoTime() - t3) / 1e9;
            double oneGoCpu = (os.getProcessCpuTime() - c3) / 1e9;
            Sink pass = new Sink();
            oneGo.outputs().forEach(pass);
            if (pass.lines != fast.lines || pass.hash != fast.hash) {
                throw new IllegalStateException("the one-pass replay printed other lines than read + replay");
            }
            List<EventCodec.Event> prefix;
            try (InputStream r = Files.newInputStream(input)) {
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
            double endToEnd = n / oneGoSecs;
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
                    n / oneGoCpu,
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

    /**
     * {@code tollgate replay --events FILE --out F} as a user runs it, a fresh JVM per round through the launcher:
     * wall time of the whole command (JVM start, read, decode, evaluate, write) and the CPU time of the child process
     * (from /proc/self/stat after it is reaped; Linux). One run first, not counted, writes the launcher's class-data
     * archive as the first run after a build does.
     */
    private static void command(Path input, long events, int rounds, String launcher)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("tollgate-replay-bench-", ".out");
        try {
            List<String> cmd = List.of(launcher, "replay", "--events", input.toString(), "--out", out.toString());
            System.out.println();
            System.out.println("`" + String.join(" ", cmd) + "`, a fresh JVM per round (the launcher's JVM options:"
                    + " C1 only and a class-data archive; a first run, not counted, writes the archive):");
            System.out.println();
            System.out.println("| round | wall (s) | events/s of wall | CPU of the process (s) | events per CPU-s |");
            System.out.println("|---|---|---|---|---|");
            double[] before = childCpu();
            runCommand(cmd);
            double[] warm = childCpu();
            System.out.printf(Locale.ROOT, "| archive run (not counted) | | | %.2f | |%n", warm[0] - before[0]);
            List<Double> rates = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                double[] c0 = childCpu();
                long t0 = System.nanoTime();
                runCommand(cmd);
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpu = childCpu()[0] - c0[0];
                rates.add(events / secs);
                System.out.printf(
                        Locale.ROOT,
                        "| %d | %.2f | %,.0f | %.2f | %,.0f |%n",
                        round,
                        secs,
                        events / secs,
                        cpu,
                        cpu > 0 ? events / cpu : Double.NaN);
            }
            rates.sort(null);
            System.out.printf(Locale.ROOT, "| median | | %,.0f | | |%n", rates.get((rates.size() - 1) / 2));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void runCommand(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + rc);
        }
    }

    /** CPU seconds of the reaped children of this process (utime + stime), or NaN where /proc is missing. */
    private static double[] childCpu() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command name: state is field 3; cutime and cstime are fields 16 and 17 (clock ticks, 100/s)
            double ticks = Long.parseLong(f[16 - 3]) + Long.parseLong(f[17 - 3]);
            return new double[] {ticks / 100.0};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN};
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
