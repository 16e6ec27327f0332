package dev.tollgate.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service process started by a {@code deploy/<name>/start.sh} script, stopped by its {@code
 * stop.sh}. Kept in the root {@code ExtensionContext.Store} as an {@link AutoCloseable}, so JUnit
 * stops it when the test run ends; a JVM shutdown hook stops it if the run ends otherwise, and the
 * scripts' {@code --owner-pid} watchdog stops it if this JVM is killed outright.
 */
final class ManagedService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedService.class);

    private final String name;
    private final Path repoRoot;
    private final String stopScript;
    private final String dirOption;
    private final Path dir;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    ManagedService(String name, Path repoRoot, String stopScript, String dirOption, Path dir) {
        this.name = name;
        this.repoRoot = repoRoot;
        this.stopScript = stopScript;
        this.dirOption = dirOption;
        this.dir = dir;
        this.shutdownHook = new Thread(this::stop, "tollgate-testkit-stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs (or ran) anyway
        }
        stop();
    }

    private void stop() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            DeployScripts.run(
                    repoRoot, Duration.ofSeconds(90), dir.resolve("stop.out"), stopScript, dirOption, dir.toString());
            LOG.info("stopped {} in {} ms", name, (System.nanoTime() - t0) / 1_000_000);
            DeployScripts.deleteTree(dir);
        } catch (RuntimeException e) {
            LOG.warn("stopping {} failed (its files stay in {})", name, dir, e);
        }
    }
}
