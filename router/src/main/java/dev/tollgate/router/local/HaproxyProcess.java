package dev.tollgate.router.local;

import dev.tollgate.router.HaproxyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A real HAProxy (the installed package) in a child process, in the foreground, on a generated config. */
public final class HaproxyProcess implements AutoCloseable {
    /** Where Debian's package puts it when {@code /usr/sbin} is not on a user's PATH. */
    private static final List<String> SBIN = List.of("/usr/sbin", "/usr/local/sbin");

    private final Process process;
    private final Path log;

    private HaproxyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * The haproxy executable on PATH (or in /usr/sbin, /usr/local/sbin).
     *
     * @throws HaproxyException naming the install command when there is none
     */
    public static String executable() {
        return find(System.getenv().getOrDefault("PATH", ""), SBIN)
                .map(Path::toString)
                .orElseThrow(() -> new HaproxyException("haproxy is not installed (not on PATH, nor in "
                        + String.join(", ", SBIN) + "): install it, e.g. 'sudo apt-get install -y haproxy'"
                        + " on Debian/Ubuntu, and run again"));
    }

    /** The first executable {@code haproxy} in the PATH-style list, then in the extra directories. */
    static Optional<Path> find(String path, List<String> extraDirs) {
        List<String> dirs = new ArrayList<>(List.of(path.split(":")));
        dirs.addAll(extraDirs);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, "haproxy");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Checks the config with {@code haproxy -c} and starts HAProxy in the foreground ({@code -db}), its output in
     * {@code dir/haproxy.log}.
     *
     * @throws HaproxyException when HAProxy is missing or refuses the config
     */
    public static HaproxyProcess start(Path config, Path dir) throws IOException, InterruptedException {
        String exe = executable();
        Path checkLog = dir.resolve("haproxy-check.log");
        Process check = new ProcessBuilder(exe, "-c", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(checkLog.toFile())
                .start();
        if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
            check.destroyForcibly();
            throw new HaproxyException("haproxy -c refused the config " + config + ": " + Files.readString(checkLog));
        }
        Path log = dir.resolve("haproxy.log");
        Process p = new ProcessBuilder(List.of(exe, "-db", "-f", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new HaproxyProcess(p, log);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Process id of HAProxy. */
    public long pid() {
        return process.pid();
    }

    /** What HAProxy printed so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    /** Stops HAProxy (SIGTERM, then SIGKILL after 10 s). */
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
