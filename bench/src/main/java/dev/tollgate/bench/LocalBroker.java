package dev.tollgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-node KRaft broker on loopback started with the repository's {@code deploy/kafka/start.sh} on free
 * ports with a temporary data dir, and stopped with {@code stop.sh} (the same way the test kit's
 * {@code KafkaBrokerExtension} does it; the test kit's helpers are package-private, so this is a copy of the
 * few lines needed from a {@code main()}). {@code --owner-pid} makes the broker stop if this JVM dies.
 */
final class LocalBroker implements AutoCloseable {
    private static final String START = "deploy/kafka/start.sh";

    private final Path root;
    private final Path dataDir;
    private final String bootstrapServers;
    private final Thread hook;
    private boolean stopped;

    private LocalBroker(Path root, Path dataDir, String bootstrapServers) {
        this.root = root;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.hook = new Thread(this::stop, "bench-broker-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Fetches the broker jars if needed and starts a broker; retries on a port clash. */
    static LocalBroker start() throws IOException {
        Path root = repoRoot();
        Path dir = Files.createTempDirectory("tollgate-bench-kafka-");
        Path out = dir.resolve("scripts.out");
        run(root, out, 900, "deploy/kafka/fetch.sh");
        RuntimeException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            int controller;
            do {
                controller = freePort();
            } while (controller == port);
            try {
                run(root, out, 180, START, "--port", Integer.toString(port), "--controller-port",
                        Integer.toString(controller), "--data-dir", dir.toString(), "--timeout", "120",
                        "--owner-pid", Long.toString(ProcessHandle.current().pid()));
                return new LocalBroker(root, dir, "127.0.0.1:" + port);
            } catch (RuntimeException e) {
                last = e;
                try {
                    run(root, out, 90, "deploy/kafka/stop.sh", "--data-dir", dir.toString());
                } catch (RuntimeException ignored) {
                    // best effort
                }
                if (!String.valueOf(e.getMessage()).contains("already in use")) {
                    break;
                }
            }
        }
        throw new IllegalStateException("could not start the broker (files in " + dir + ")", last);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        stop();
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            run(root, dataDir.resolve("stop.out"), 90, "deploy/kafka/stop.sh", "--data-dir", dataDir.toString());
            deleteTree(dataDir);
        } catch (RuntimeException e) {
            System.err.println("[bench] stopping the broker failed (files stay in " + dataDir + "): " + e.getMessage());
        }
    }

    /** The repository root: {@code -Dtollgate.repo.root}, else the nearest directory above the cwd with the scripts. */
    static Path repoRoot() {
        String configured = System.getProperty("tollgate.repo.root");
        if (configured != null && !configured.isBlank()
                && Files.isRegularFile(Paths.get(configured).resolve(START))) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(START))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a directory with " + START
                + "): run from the repository or set -Dtollgate.repo.root=...");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(Path root, Path out, int timeoutSeconds, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve(script).toString()));
        cmd.addAll(List.of(args));
        try {
            long before = Files.exists(out) ? Files.size(out) : 0;
            Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                byte[] all = Files.readAllBytes(out);
                String since = new String(all, (int) Math.min(before, all.length),
                        all.length - (int) Math.min(before, all.length), StandardCharsets.UTF_8);
                throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + since);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }
}
