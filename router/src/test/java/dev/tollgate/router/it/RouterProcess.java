package dev.tollgate.router.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code tollgate router ...} in a child JVM on this JVM's classpath, so the test can kill it like kill -9. */
final class RouterProcess implements AutoCloseable {
    private final Process process;
    private final Path output;

    RouterProcess(Path output, List<String> args) throws IOException {
        this.output = output;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.tollgate.router.cli.RouterCli");
        cmd.addAll(args);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
    }

    /** Kills the JVM at once (SIGKILL: no shutdown hook, nothing flushed). */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the exit and returns the exit code, or -1 when it is still running after the timeout. */
    int awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    boolean alive() {
        return process.isAlive();
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
