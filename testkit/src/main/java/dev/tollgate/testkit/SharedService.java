package dev.tollgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the extensions keep in the root store: the started (or external) service, or why starting
 * it failed, so that a failure is reported to every test class at once instead of being retried.
 */
final class SharedService<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedService.class);

    private final T value;
    private final RuntimeException failure;
    private final AutoCloseable process;

    private SharedService(T value, RuntimeException failure, AutoCloseable process) {
        this.value = value;
        this.failure = failure;
        this.process = process;
    }

    static <T> SharedService<T> external(T value) {
        LOG.info("using external {}", value);
        return new SharedService<>(value, null, null);
    }

    /** A service started in process (e.g. a dev broker), closed at the end of the run. */
    static <T> SharedService<T> started(T value, AutoCloseable resource) {
        LOG.info("started {}", value);
        return new SharedService<>(value, null, resource);
    }

    /** Starting the service failed: every test asking for it fails with this. */
    static <T> SharedService<T> failed(RuntimeException failure) {
        return new SharedService<>(null, failure, null);
    }

    /**
     * Starts a service with {@code deploy/<component>/fetch.sh} then {@code start.sh}.
     *
     * @param name for messages, e.g. "Kafka broker"
     * @param component the folder under deploy/, e.g. "kafka"
     * @param dirOption the start/stop option naming the per-instance dir ("--data-dir")
     * @param portCount how many free loopback ports the service needs
     * @param startArgs the start.sh arguments besides the dir option and --owner-pid, for given ports
     * @param make the value for tests, from the ports
     */
    static <T> SharedService<T> start(
            String name,
            String component,
            String dirOption,
            int portCount,
            Function<int[], List<String>> startArgs,
            Function<int[], T> make) {
        Path dir = null;
        try {
            Path root = DeployScripts.repoRoot();
            dir = Files.createTempDirectory("tollgate-" + component + "-");
            Path out = dir.resolve("scripts.out");
            long t0 = System.nanoTime();
            DeployScripts.run(root, Duration.ofMinutes(15), out, "deploy/" + component + "/fetch.sh");
            long fetched = System.nanoTime();
            String start = "deploy/" + component + "/start.sh";
            String stop = "deploy/" + component + "/stop.sh";
            RuntimeException last = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                int[] ports = DeployScripts.freePorts(portCount);
                List<String> args = new ArrayList<>(startArgs.apply(ports));
                args.add(dirOption);
                args.add(dir.toString());
                args.add("--owner-pid");
                args.add(Long.toString(ProcessHandle.current().pid()));
                long before = size(out);
                try {
                    DeployScripts.run(root, Duration.ofMinutes(3), out, start, args.toArray(String[]::new));
                    T value = make.apply(ports);
                    LOG.info(
                            "started {} {} in {} ms (fetch check {} ms; files in {})",
                            name,
                            value,
                            (System.nanoTime() - fetched) / 1_000_000,
                            (fetched - t0) / 1_000_000,
                            dir);
                    return new SharedService<>(value, null, new ManagedService(name, root, stop, dirOption, dir));
                } catch (RuntimeException e) {
                    last = e;
                    try {
                        DeployScripts.run(root, Duration.ofSeconds(90), out, stop, dirOption, dir.toString());
                    } catch (RuntimeException stopFailure) {
                        e.addSuppressed(stopFailure);
                    }
                    if (!portClash(out, before)) {
                        break;
                    }
                    LOG.warn("{}: port clash on attempt {}, retrying on other ports", name, attempt);
                }
            }
            throw new IllegalStateException("could not start the " + name + " (files in " + dir + ")", last);
        } catch (IOException e) {
            return new SharedService<>(null, new UncheckedIOException("could not start the " + name, e), null);
        } catch (RuntimeException e) {
            return new SharedService<>(null, e, null);
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Whether the script output written since {@code from} says that a port was taken. */
    private static boolean portClash(Path out, long from) {
        try {
            byte[] all = Files.readAllBytes(out);
            int start = (int) Math.min(from, all.length);
            String since = new String(all, start, all.length - start, StandardCharsets.UTF_8);
            return since.contains("already in use") || since.contains("BindException");
        } catch (IOException e) {
            return false;
        }
    }

    /** The service, or the failure to start it (again). */
    T get() {
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        return value;
    }

    @Override
    public void close() {
        if (process != null) {
            try {
                process.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed", value, e);
            }
        }
    }
}
