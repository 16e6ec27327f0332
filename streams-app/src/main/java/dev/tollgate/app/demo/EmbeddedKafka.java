package dev.tollgate.app.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) on free loopback ports, in a child JVM started
 * from this process's own classpath (the Kafka broker jars are dependencies of Tollgate), with its data and logs in
 * a directory of its own. The child stops when {@link #close()} is called, and also when this process dies (it
 * watches its standard input).
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;
    private final OutputStream lifeline;
    private final Thread cleanupHook;
    private volatile boolean closed;

    private EmbeddedKafka(Path dir, int port, Process process, boolean stopOnJvmExit) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.lifeline = process.getOutputStream();
        this.cleanupHook = stopOnJvmExit ? new Thread(this::stopProcess, "tollgate-demo-broker-stop") : null;
        if (cleanupHook != null) {
            Runtime.getRuntime().addShutdownHook(cleanupHook);
        }
    }

    /** {@link #start(Path, Duration, boolean)} with a shutdown hook that stops the broker when this JVM exits. */
    public static EmbeddedKafka start(Path dir, Duration timeout) {
        return start(dir, timeout, true);
    }

    /**
     * Starts a broker and waits until it answers.
     *
     * @param dir           directory for the broker's properties, data and logs (created)
     * @param timeout       how long to wait for readiness
     * @param stopOnJvmExit stop the broker from a shutdown hook of its own (false when the caller's hook stops its
     *                      clients first and then the broker; the child exits anyway once this JVM is gone)
     * @throws IllegalStateException when the broker exits or is not ready in time (with the tail of its log)
     */
    public static EmbeddedKafka start(Path dir, Duration timeout, boolean stopOnJvmExit) {
        try {
            Files.createDirectories(dir.resolve("logs"));
            int[] ports = freePorts(2);
            Path props = dir.resolve("server.properties");
            Files.writeString(props, serverProperties(dir, ports[0], ports[1]), StandardCharsets.UTF_8);
            Path log4j = dir.resolve("log4j2.xml");
            Files.writeString(log4j, LOG4J, StandardCharsets.UTF_8);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=" + log4j.toUri(), "-Dkafka.logs.dir=" + dir.resolve("logs"),
                    "-Dtollgate.demo.broker=" + dir, "-cp", System.getProperty("java.class.path"),
                    BrokerMain.class.getName(), props.toString(), clusterId()));
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("logs").resolve("broker.out").toFile());
            EmbeddedKafka k = new EmbeddedKafka(dir, ports[0], pb.start(), stopOnJvmExit);
            try {
                k.awaitReady(timeout);
            } catch (RuntimeException e) {
                k.close();
                throw e;
            }
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the demo broker in " + dir, e);
        }
    }

    /** {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The child JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the child JVM is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The broker's log file. */
    public Path logFile() {
        return dir.resolve("logs").resolve("server.log");
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        try (Admin admin = Admin.create(conf)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the demo broker exited during start-up (exit code "
                            + process.exitValue() + ")" + tail());
                }
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes()
                            .get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for the demo broker", e);
                    }
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the demo broker was not ready within " + timeout.toSeconds() + " s"
                            + tail());
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the demo broker", e);
                }
            }
        }
    }

    private String tail() {
        StringBuilder b = new StringBuilder();
        for (Path p : List.of(dir.resolve("logs").resolve("broker.out"), logFile())) {
            try {
                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                b.append("\n--- ").append(p).append(" (last lines) ---\n");
                lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> b.append(l).append('\n'));
            } catch (IOException ignored) {
                // no such log yet
            }
        }
        return b.toString();
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        try {
            lifeline.close(); // the child exits on EOF; SIGTERM below in case it does not
        } catch (IOException ignored) {
            // already closed
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the broker (clean shutdown, forced after 20 s). The directory is left for the caller to delete. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess();
        if (cleanupHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                open.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : open) {
                s.close();
            }
        }
        return ports;
    }

    private static String clusterId() {
        UUID u = UUID.randomUUID();
        byte[] b = new byte[16];
        long hi = u.getMostSignificantBits();
        long lo = u.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        return id.startsWith("-") ? "A" + id.substring(1) : id;
    }

    private static String serverProperties(Path dir, int port, int controllerPort) {
        return String.join("\n",
                "# tollgate demo broker: single node, KRaft combined mode, loopback only",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "default.replication.factor=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "num.network.threads=2",
                "num.io.threads=2",
                "num.recovery.threads.per.data.dir=1",
                "log.message.timestamp.after.max.ms=9223372036854775807",
                "log.message.timestamp.before.max.ms=9223372036854775807",
                "") ;
    }

    private static final String LOG4J = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- the demo broker logs to its own file -->
            <Configuration status="WARN" shutdownHook="disable">
              <Appenders>
                <File name="server" fileName="${sys:kafka.logs.dir}/server.log" append="false">
                  <PatternLayout pattern="[%d] %p %m (%c)%n"/>
                </File>
              </Appenders>
              <Loggers>
                <Root level="INFO"><AppenderRef ref="server"/></Root>
                <Logger name="kafka.request.logger" level="WARN"/>
                <Logger name="state.change.logger" level="WARN"/>
                <Logger name="org.apache.kafka.common.config" level="WARN"/>
                <Logger name="org.apache.kafka.common.utils.AppInfoParser" level="WARN"/>
              </Loggers>
            </Configuration>
            """;
}
