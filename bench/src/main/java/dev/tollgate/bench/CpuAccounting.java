package dev.tollgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Linux CPU accounting from {@code /proc}: how much CPU the whole machine, this JVM and the broker used between
 * two snapshots, so a report can say how much of the machine other processes (builds, tests) took during a
 * measurement. All figures are in clock ticks (USER_HZ); unavailable figures read as 0.
 */
final class CpuAccounting {
    private final long brokerPid;

    /** @param brokerPid the broker's pid, or -1 when the broker is not ours */
    CpuAccounting(long brokerPid) {
        this.brokerPid = brokerPid;
    }

    /** A point-in-time reading. */
    record Snapshot(long nanos, long machineBusy, long self, long broker) {}

    Snapshot snapshot() {
        return new Snapshot(
                System.nanoTime(),
                machineBusy(),
                processTicks(ProcessHandle.current().pid()),
                brokerPid > 0 ? processTicks(brokerPid) : 0);
    }

    /** Cores used by everything but this JVM and the broker between {@code a} and {@code b}. */
    static double otherCores(Snapshot a, Snapshot b) {
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        if (seconds <= 0) {
            return Double.NaN;
        }
        long others = (b.machineBusy() - a.machineBusy()) - (b.self() - a.self()) - (b.broker() - a.broker());
        return Math.max(0, others) / 100.0 / seconds;
    }

    /** Cores used by this JVM and the broker between {@code a} and {@code b}. */
    static double ownCores(Snapshot a, Snapshot b) {
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        return seconds <= 0 ? Double.NaN : ((b.self() - a.self()) + (b.broker() - a.broker())) / 100.0 / seconds;
    }

    /** CPU-seconds this JVM and the broker used between {@code a} and {@code b}. */
    static double ownCpuSeconds(Snapshot a, Snapshot b) {
        return ((b.self() - a.self()) + (b.broker() - a.broker())) / 100.0;
    }

    /** CPU-seconds of this JVM alone between {@code a} and {@code b}. */
    static double selfCpuSeconds(Snapshot a, Snapshot b) {
        return (b.self() - a.self()) / 100.0;
    }

    /** CPU-seconds of the broker alone between {@code a} and {@code b}. */
    static double brokerCpuSeconds(Snapshot a, Snapshot b) {
        return (b.broker() - a.broker()) / 100.0;
    }

    /** The 1-minute load average, NaN when unknown. */
    static double load1() {
        try {
            return Double.parseDouble(
                    Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The whole {@code /proc/loadavg} line, or "n/a". */
    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static long machineBusy() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            int[] busyFields = {1, 2, 3, 6, 7, 8};
            for (int i : busyFields) {
                if (i < f.length) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after the command: state(3) ... utime(14) stime(15) -> indexes 11 and 12 here
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
