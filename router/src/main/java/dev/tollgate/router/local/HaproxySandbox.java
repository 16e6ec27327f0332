package dev.tollgate.router.local;

import dev.tollgate.router.AccessLogParser;
import dev.tollgate.router.AccessLogShipper;
import dev.tollgate.router.HaproxyRuntime;
import dev.tollgate.router.RouterClients;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole local loop but Tollgate and the router: per site a baseline and a canary {@link Backend}, a UDP syslog
 * port with an {@link AccessLogShipper} thread shipping HAProxy's access log to {@code tollgate.requests}, and one
 * HAProxy in front of them all ({@link HaproxyConfig}, stats socket in the given directory). {@link #close()} stops
 * HAProxy, the shippers and the backends.
 */
public final class HaproxySandbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HaproxySandbox.class);

    /**
     * One service behind HAProxy.
     *
     * @param service         service of the shipped events
     * @param releaseId       release of the shipped events
     * @param backend         HAProxy backend (and frontend {@code fe_BACKEND})
     * @param baselineServer  server name of the baseline (its revision)
     * @param canaryServer    server name of the canary (its revision)
     * @param delayMs         service time of both backends
     * @param canaryFailEvery the canary answers every n-th request with 500 (0: never)
     */
    public record Site(
            String service,
            String releaseId,
            String backend,
            String baselineServer,
            String canaryServer,
            long delayMs,
            int canaryFailEvery) {
        public Site {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(releaseId, "releaseId");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(baselineServer, "baselineServer");
            Objects.requireNonNull(canaryServer, "canaryServer");
        }
    }

    private record Running(
            Site site, Backend baseline, Backend canary, int port, int syslogPort, AccessLogShipper shipper) {}

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Map<String, Running> sites = new LinkedHashMap<>();
    private final AtomicBoolean shipping = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private Path configFile;
    private HaproxyProcess haproxy;
    private HaproxyRuntime runtime;

    private HaproxySandbox() {}

    /**
     * Starts the backends, shippers and HAProxy, and waits until HAProxy's runtime API answers.
     *
     * @param dir     directory for the config, the stats socket and HAProxy's output (a short path: a Unix
     *                socket path has at most 107 bytes)
     * @param clients where the shippers send RequestLog events
     * @param sites   the services
     * @throws dev.tollgate.router.HaproxyException when HAProxy is not installed, refuses the config or does not
     *     answer within 30 s
     */
    public static HaproxySandbox start(Path dir, RouterClients clients, List<Site> sites)
            throws IOException, InterruptedException {
        HaproxyProcess.executable(); // fail before starting anything when it is missing
        HaproxySandbox s = new HaproxySandbox();
        try {
            s.startAll(dir, clients, sites);
            return s;
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startAll(Path dir, RouterClients clients, List<Site> list) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path socket = dir.resolve("admin.sock");
        HaproxyConfig config = new HaproxyConfig(socket);
        for (Site site : list) {
            Backend baseline = closing(new Backend(site.delayMs(), 0));
            Backend canary = closing(new Backend(site.delayMs(), site.canaryFailEvery()));
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            udp.setReceiveBufferSize(4 * 1024 * 1024);
            AccessLogShipper shipper = new AccessLogShipper(
                    clients, new AccessLogParser(site.service(), site.releaseId(), site.backend(), Map.of()));
            Thread t = new Thread(
                    () -> {
                        try {
                            shipper.runUdp(udp, shipping::get);
                        } catch (IOException e) {
                            log.error("Access-log shipper failed backend=[{}]", site.backend(), e);
                        }
                    },
                    "tollgate-shipper-" + site.backend());
            t.setDaemon(true);
            t.start();
            toClose.add(() -> {
                shipping.set(false);
                t.join(5_000);
                udp.close();
                shipper.close();
            });
            int port = freePort();
            sites.put(site.backend(), new Running(site, baseline, canary, port, udp.getLocalPort(), shipper));
            config.site(
                    site.backend(),
                    port,
                    udp.getLocalPort(),
                    site.baselineServer(),
                    baseline.port(),
                    site.canaryServer(),
                    canary.port());
        }
        configFile = dir.resolve("haproxy.cfg");
        Files.writeString(configFile, config.text());
        haproxy = closing(HaproxyProcess.start(configFile, dir));
        runtime = new HaproxyRuntime(socket.toString());
        String first = list.get(0).backend();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                if (runtime.weights(first).size() == 2) {
                    break;
                }
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline || !haproxy.alive()) {
                    throw new dev.tollgate.router.HaproxyException(
                            "HAProxy's runtime API at " + socket + " did not answer (alive=" + haproxy.alive() + "): "
                                    + e.getMessage() + "; HAProxy said: " + haproxy.output(),
                            e);
                }
            }
            Thread.sleep(100);
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private Running site(String backend) {
        Running r = sites.get(backend);
        if (r == null) {
            throw new IllegalArgumentException("no site with backend " + backend + " (have " + sites.keySet() + ")");
        }
        return r;
    }

    /** The runtime API client (stats socket). */
    public HaproxyRuntime runtime() {
        return runtime;
    }

    /** The HAProxy child process. */
    public HaproxyProcess process() {
        return haproxy;
    }

    /** The generated config file. */
    public Path configFile() {
        return configFile;
    }

    /** URL of the site's frontend. */
    public String url(String backend) {
        return "http://127.0.0.1:" + site(backend).port() + "/";
    }

    /** UDP port the site's shipper receives HAProxy's log lines on. */
    public int syslogPort(String backend) {
        return site(backend).syslogPort();
    }

    public AccessLogShipper shipper(String backend) {
        return site(backend).shipper();
    }

    public Backend baseline(String backend) {
        return site(backend).baseline();
    }

    public Backend canary(String backend) {
        return site(backend).canary();
    }

    /** Stops HAProxy, then the shippers (flushing what they hold) and the backends; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                log.warn("Closing part of the HAProxy sandbox failed error=[{}]", e.toString());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
