package dev.tollgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the repository's {@code deploy/registry} scripts for {@link SchemaRegistryExtension}; env and dir helpers. */
final class DeployScripts {

    /** System property naming the repository root (set by failsafe in the parent pom). */
    static final String REPO_ROOT_PROPERTY = "tollgate.repo.root";

    /** System property: keep the temporary data dirs (logs) of started services after the run. */
    static final String KEEP_DIRS_PROPERTY = "tollgate.test.keep.dirs";

    private static final String MARKER = "deploy/registry/start.sh";

    private DeployScripts() {}

    /**
     * The repository root: the {@value #REPO_ROOT_PROPERTY} system property when it holds the deploy
     * scripts, else the nearest directory at or above the working directory that does.
     */
    static Path repoRoot() {
        String configured = System.getProperty(REPO_ROOT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path p = Paths.get(configured).toAbsolutePath().normalize();
            if (Files.isRegularFile(p.resolve(MARKER))) {
                return p;
            }
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(MARKER))) {
                return p;
            }
        }
        throw new IllegalStateException(
                "cannot find the Tollgate repository root (a directory with " + MARKER + "): set -D"
                        + REPO_ROOT_PROPERTY + "=... (currently " + configured + "), working dir "
                        + Paths.get("").toAbsolutePath());
    }

    /** A currently free TCP port on the loopback address. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    /** {@code n} distinct free loopback ports. */
    static int[] freePorts(int n) {
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            int p;
            do {
                p = freePort();
            } while (contains(ports, i, p));
            ports[i] = p;
        }
        return ports;
    }

    private static boolean contains(int[] a, int len, int v) {
        for (int i = 0; i < len; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    /** The value of env var {@code env}, else of system property {@code property}, else null. */
    static String external(String env, String property) {
        String v = System.getenv(env);
        if (v == null || v.isBlank()) {
            v = System.getProperty(property);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    /**
     * Runs {@code bash <repoRoot>/<script> args...} in the repository root, its output going to
     * {@code output}; throws with the output's tail when it fails or does not finish in time.
     */
    static void run(Path repoRoot, Duration timeout, Path output, String script, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(repoRoot.resolve(script).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(repoRoot.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
        }
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
        }
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException(
                    String.join(" ", cmd) + " did not finish within " + timeout + "\n" + tail(output, 60));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    String.join(" ", cmd) + " failed with exit code " + process.exitValue() + "\n" + tail(output, 60));
        }
    }

    /** The last {@code lines} lines of a text file (best effort). */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** Deletes a directory tree (best effort) unless {@value #KEEP_DIRS_PROPERTY} is true. */
    static void deleteTree(Path dir) {
        if (Boolean.getBoolean(KEEP_DIRS_PROPERTY) || dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temp dir left behind is harmless
        }
    }
}
