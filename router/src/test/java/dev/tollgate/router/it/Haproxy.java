package dev.tollgate.router.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real HAProxy (the Debian package) in a child process of the test, on a generated config. */
final class Haproxy implements AutoCloseable {
    private final Process process;
    private final Path log;

    private Haproxy(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The haproxy executable on PATH or in /usr/sbin; fails clearly without it (.ci/run installs it). */
    static String executable() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "haproxy");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException(
                "haproxy not found on PATH or in /usr/sbin: install the Debian package (apt-get install -y haproxy);"
                        + " .ci/run does so when it is missing");
    }

    /** Checks the config with {@code haproxy -c} and starts it in the foreground ({@code -db}). */
    static Haproxy start(Path config, Path dir) throws IOException, InterruptedException {
        String exe = executable();
        Path checkLog = dir.resolve("haproxy-check.log");
        Process check = new ProcessBuilder(exe, "-c", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(checkLog.toFile())
                .start();
        if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
            throw new IllegalStateException("haproxy -c refused the config: " + Files.readString(checkLog));
        }
        Path log = dir.resolve("haproxy.log");
        Process p = new ProcessBuilder(List.of(exe, "-db", "-f", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new Haproxy(p, log);
    }

    boolean alive() {
        return process.isAlive();
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
