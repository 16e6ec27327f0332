package dev.tollgate.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real headless Chromium for tests of the web pages: renders a URL and returns the DOM after its scripts ran
 * ({@code --dump-dom}), or saves a screenshot. The binary is {@code TOLLGATE_CHROMIUM} when set, else the first
 * of {@code chromium}, {@code chromium-browser}, {@code google-chrome} on the PATH (Debian's {@code chromium},
 * which {@code .ci/run} installs when missing). Each run gets a fresh profile directory; {@code --no-sandbox} is
 * passed because CI runs as root.
 */
public final class HeadlessChromium {
    /** Environment variable naming the Chromium binary. */
    public static final String ENV = "TOLLGATE_CHROMIUM";

    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /**
     * The Chromium of this machine.
     *
     * @throws IllegalStateException naming what to install when there is none
     */
    public static HeadlessChromium find() {
        String configured = System.getenv(ENV);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(ENV + "=" + configured + " is not an executable file");
            }
            return new HeadlessChromium(p);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : NAMES) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return new HeadlessChromium(p);
                }
            }
        }
        throw new IllegalStateException("no Chromium found (tried " + NAMES + " on the PATH and " + ENV
                + "): install Debian's chromium (apt-get install -y chromium; .ci/run does when it is missing)");
    }

    /** The binary used. */
    public Path binary() {
        return binary;
    }

    /**
     * Loads the URL, lets its scripts run for {@code virtualTime} of virtual time (network fetches pause it), and
     * returns the serialized DOM.
     *
     * @param url         an http(s) or file URL
     * @param virtualTime virtual time budget of the page's scripts and timers
     */
    public String dumpDom(String url, Duration virtualTime) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", "--virtual-time-budget=" + virtualTime.toMillis(), url));
    }

    /**
     * Loads the URL and saves a PNG screenshot of a {@code width}×{@code height} window.
     *
     * @param url         an http(s) or file URL
     * @param png         where to save it (parent directories are created)
     * @param virtualTime virtual time budget before the screenshot
     */
    public void screenshot(String url, Path png, int width, int height, Duration virtualTime)
            throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(List.of(
                "--screenshot=" + png.toAbsolutePath(),
                "--window-size=" + width + "," + height,
                "--virtual-time-budget=" + virtualTime.toMillis(),
                url));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IOException("Chromium wrote no screenshot to " + png);
        }
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("tollgate-chromium-");
        Path stdout = Files.createTempFile("tollgate-chromium-", ".out");
        Path stderr = Files.createTempFile("tollgate-chromium-", ".err");
        try {
            List<String> cmd = new ArrayList<>(List.of(
                    binary.toString(),
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--hide-scrollbars",
                    "--user-data-dir=" + profile));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            if (!p.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("Chromium did not finish within " + RUN_TIMEOUT + ": " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new IOException("Chromium exited with " + p.exitValue() + ": " + cmd + "\n"
                        + tail(Files.readString(stderr, StandardCharsets.UTF_8)));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            deleteTree(profile);
        }
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temporary profile
        }
    }
}
