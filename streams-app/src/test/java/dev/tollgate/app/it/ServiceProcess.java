package dev.tollgate.app.it;

import dev.tollgate.app.cli.TollgateCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code tollgate run} in a child JVM of its own (this JVM's classpath), with its environment and its standard
 * output and error captured in a file: what a drill needs to kill it with SIGKILL or to grep its logs. Logs at INFO
 * everywhere (Kafka clients included, so their configuration dumps are part of what the logs show).
 */
final class ServiceProcess implements AutoCloseable {
    private static final String LOG4J = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="WARN" shutdownHook="disable">
              <Appenders>
                <Console name="console" target="SYSTEM_OUT">
                  <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level [%t] %c{1.} - %msg%n%throwable"/>
                </Console>
              </Appenders>
              <Loggers>
                <Root level="INFO"><AppenderRef ref="console"/></Root>
              </Loggers>
            </Configuration>
            """;

    private final Process process;
    private final Path log;

    private ServiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code tollgate run --config CONFIG [args]} with {@code env} added to this process's environment.
     *
     * @param log the file standard output and error are appended to
     */
    static ServiceProcess start(Path config, Map<String, String> env, Path log, String... args) throws IOException {
        return start(List.of("-Xmx384m", "-XX:+UseSerialGC"), config, env, log, args);
    }

    /** As {@link #start(Path, Map, Path, String...)}, with these JVM options (heap, GC, ...) instead of the small defaults. */
    static ServiceProcess start(List<String> jvmOptions, Path config, Map<String, String> env, Path log, String... args)
            throws IOException {
        Path log4j = log.resolveSibling("service-log4j2.xml");
        Files.writeString(log4j, LOG4J, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dlog4j2.configurationFile=" + log4j.toUri());
        String avro = System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES");
        if (avro != null) {
            cmd.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=" + avro);
        }
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                TollgateCli.class.getName(),
                "run",
                "--config",
                config.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("TOLLGATE_"));
        pb.environment().putAll(env);
        return new ServiceProcess(pb.start(), log);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM (graceful shutdown), SIGKILL after the timeout; the exit code, or -1 when killed. */
    int stop(long timeoutSeconds) throws InterruptedException {
        process.destroy();
        if (process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            return process.exitValue();
        }
        kill();
        return -1;
    }

    /** Everything the process wrote so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(30);
        }
    }
}
