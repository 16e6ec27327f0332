package dev.tollgate.devbroker;

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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker for development: KRaft, combined broker and controller, on free loopback ports, in a
 * child JVM started from this process's own classpath (the Kafka 4.4 broker jars from Maven Central are
 * dependencies of this module), with an explicit log4j2 configuration and its properties, data and logs in a
 * directory of its own. The one broker launcher of the build: the test kit's {@code @RealKafka}, {@code tollgate
 * demo} and the bench all start brokers through it.
 *
 * <p>The child stops when {@link #close()} is called, and also when this process dies (it watches its standard
 * input, see {@link BrokerMain}). The broker settings default to those of {@code deploy/kafka/start.sh} (the broker
 * CI starts), so a test sees the same broker whether it started its own or was given one; {@link
 * Builder#property(String, String)} overrides any of them.
 *
 * <pre>{@code
 * try (DevBroker broker = DevBroker.builder(dir).retentionCheckInterval(Duration.ofSeconds(5)).start()) {
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class DevBroker implements AutoCloseable {
    /** The broker setting for how often log segments are checked for deletion by retention. */
    public static final String RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";

    /** JVM options of the child unless {@link Builder#jvmOptions(List)} replaces them (those of start.sh). */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20");

    /** JVM options for a quick start-up (C1 only, serial GC) where broker throughput does not matter. */
    public static final List<String> QUICK_START_JVM_OPTIONS =
            List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    private static final Logger log = LoggerFactory.getLogger(DevBroker.class);
    private static final int START_ATTEMPTS = 3;

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final SaslSsl saslSsl;
    private final Process process;
    private final OutputStream lifeline;
    private final Thread cleanupHook;
    private final boolean deleteDirOnClose;
    private volatile boolean closed;

    private DevBroker(
            Path dir,
            int port,
            int controllerPort,
            SaslSsl saslSsl,
            Process process,
            boolean stopOnJvmExit,
            boolean deleteDirOnClose) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.saslSsl = saslSsl;
        this.process = process;
        this.lifeline = process.getOutputStream();
        this.deleteDirOnClose = deleteDirOnClose;
        this.cleanupHook = stopOnJvmExit ? new Thread(this::stopProcess, "tollgate-devbroker-stop") : null;
        if (cleanupHook != null) {
            Runtime.getRuntime().addShutdownHook(cleanupHook);
        }
    }

    /** A builder for a broker keeping everything in {@code dir} (created when missing). */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** How to start a {@link DevBroker}. */
    public static final class Builder {
        private final Path dir;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Duration timeout = Duration.ofSeconds(90);
        private boolean stopOnJvmExit = true;
        private boolean deleteDirOnClose;
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
        private SaslSsl saslSsl;
        private int[] fixedPorts;

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /** How long to wait for the broker to answer (default 90 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Whether a shutdown hook of the broker's own stops it when this JVM exits (default true). False when the
         * caller's hook stops its clients first and then the broker; the child exits anyway once this JVM is gone.
         */
        public Builder stopOnJvmExit(boolean stop) {
            this.stopOnJvmExit = stop;
            return this;
        }

        /** Whether {@link DevBroker#close()} deletes the directory (default false: the caller owns it). */
        public Builder deleteDirOnClose(boolean delete) {
            this.deleteDirOnClose = delete;
            return this;
        }

        /** Sets (or overrides) one broker setting of {@code server.properties}. */
        public Builder property(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Sets {@value #RETENTION_CHECK_INTERVAL_MS} (the broker default is five minutes). */
        public Builder retentionCheckInterval(Duration interval) {
            return property(RETENTION_CHECK_INTERVAL_MS, Long.toString(interval.toMillis()));
        }

        /**
         * A secured broker: its one client listener is {@code SASL_SSL} with SCRAM-SHA-512 (also between the broker
         * and itself), TLS from {@code tls} (the server keystore, signed by its test CA), and the given SCRAM users
         * created when the storage is formatted ({@code kafka-storage format --add-scram}). Only the KRaft controller
         * listener, on loopback, stays plaintext. No authorizer: every authenticated user may do anything.
         *
         * @param tls   the broker's keystore and the clients' truststore
         * @param users SCRAM-SHA-512 user name → password (besides the broker's own user)
         */
        public Builder saslSsl(TlsMaterial tls, Map<String, String> users) {
            this.saslSsl = new SaslSsl(
                    Objects.requireNonNull(tls, "tls"),
                    Map.copyOf(users),
                    "broker-" + UUID.randomUUID().toString().substring(0, 8),
                    UUID.randomUUID().toString());
            return this;
        }

        /**
         * Listens on these ports instead of free ones: to start a stopped broker again in the same directory, where
         * its clients expect it ({@link DevBroker#port()}, {@link DevBroker#controllerPort()}).
         */
        public Builder ports(int port, int controllerPort) {
            this.fixedPorts = new int[] {port, controllerPort};
            return this;
        }

        /** Replaces the child JVM's options (heap, GC, JIT); see {@link #DEFAULT_JVM_OPTIONS}. */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /**
         * Starts the broker and waits until it answers; on a port taken between choosing and binding it it retries
         * on other ports.
         *
         * @throws IllegalStateException when the broker exits or is not ready in time (with the tail of its log)
         */
        public DevBroker start() {
            IllegalStateException last = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                try {
                    return startOnce();
                } catch (IllegalStateException e) {
                    last = e;
                    if (!String.valueOf(e.getMessage()).contains("BindException")
                            && !String.valueOf(e.getMessage()).contains("already in use")) {
                        throw e;
                    }
                    log.warn("Dev broker port clash on attempt={}, retrying on other ports", attempt);
                }
            }
            throw last;
        }

        private DevBroker startOnce() {
            try {
                Files.createDirectories(dir.resolve("logs"));
                int[] ports = fixedPorts != null ? fixedPorts : freePorts(2);
                Path props = dir.resolve("server.properties");
                Map<String, String> all = new LinkedHashMap<>();
                if (saslSsl != null) {
                    all.putAll(saslSsl.serverProperties(ports[0]));
                    // read (and deleted) by BrokerMain, so no password is on a command line
                    Files.writeString(
                            dir.resolve(BrokerMain.FORMAT_ARGS_FILE), saslSsl.formatArgs(), StandardCharsets.UTF_8);
                }
                all.putAll(overrides);
                Files.writeString(props, serverProperties(dir, ports[0], ports[1], all), StandardCharsets.UTF_8);
                Path log4j = dir.resolve("log4j2.xml");
                Files.writeString(log4j, LOG4J, StandardCharsets.UTF_8);
                String java =
                        Path.of(System.getProperty("java.home"), "bin", "java").toString();
                List<String> cmd = new ArrayList<>();
                cmd.add(java);
                cmd.addAll(jvmOptions);
                cmd.addAll(List.of(
                        "-Djava.awt.headless=true",
                        "-Dlog4j2.configurationFile=" + log4j.toUri(),
                        "-Dkafka.logs.dir=" + dir.resolve("logs"),
                        "-Dtollgate.devbroker.dir=" + dir,
                        "-cp",
                        System.getProperty("java.class.path"),
                        BrokerMain.class.getName(),
                        props.toString(),
                        clusterId(dir)));
                ProcessBuilder pb = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(
                                dir.resolve("logs").resolve("broker.out").toFile());
                DevBroker k =
                        new DevBroker(dir, ports[0], ports[1], saslSsl, pb.start(), stopOnJvmExit, deleteDirOnClose);
                try {
                    k.awaitReady(timeout);
                } catch (RuntimeException e) {
                    k.stopProcess();
                    k.removeHook();
                    throw e;
                }
                log.info("Dev broker started bootstrapServers={} pid={} dir={}", k.bootstrapServers(), k.pid(), dir);
                return k;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the dev broker in " + dir, e);
            }
        }
    }

    /** {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * Client settings this broker needs besides {@code bootstrap.servers}: empty for a plaintext broker; for a
     * {@link Builder#saslSsl SASL_SSL} one, those of its own (broker) user, for admin work in tests.
     */
    public Map<String, Object> adminClientSecurity() {
        return saslSsl == null
                ? Map.of()
                : scramClientConfig(saslSsl.tls(), saslSsl.brokerUser(), saslSsl.brokerPassword());
    }

    /**
     * Kafka client settings for a SCRAM-SHA-512 user over TLS trusting the test CA: {@code security.protocol},
     * {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.*}.
     */
    public static Map<String, Object> scramClientConfig(TlsMaterial tls, String user, String password) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("security.protocol", "SASL_SSL");
        m.put("sasl.mechanism", "SCRAM-SHA-512");
        m.put("sasl.jaas.config", jaas(user, password));
        m.put("ssl.truststore.location", tls.truststore().toString());
        m.put("ssl.truststore.password", tls.password());
        m.put("ssl.truststore.type", "PKCS12");
        return m;
    }

    /** A SCRAM login module line for {@code sasl.jaas.config}. */
    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    /** The SASL_SSL settings of a secured broker (its own SCRAM user included). */
    private record SaslSsl(TlsMaterial tls, Map<String, String> users, String brokerUser, String brokerPassword) {
        Map<String, String> serverProperties(int port) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("listeners", "SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:{controller}");
            p.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + port);
            p.put("inter.broker.listener.name", "SASL_SSL");
            p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
            p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(brokerUser, brokerPassword));
            p.put("ssl.keystore.location", tls.keystore().toString());
            p.put("ssl.keystore.password", tls.password());
            p.put("ssl.key.password", tls.password());
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.truststore.location", tls.truststore().toString());
            p.put("ssl.truststore.password", tls.password());
            p.put("ssl.truststore.type", "PKCS12");
            p.put("ssl.client.auth", "none");
            return p;
        }

        String formatArgs() {
            StringBuilder b = new StringBuilder();
            Map<String, String> all = new LinkedHashMap<>(users);
            all.put(brokerUser, brokerPassword);
            all.forEach((user, password) -> b.append("--add-scram\n")
                    .append("SCRAM-SHA-512=[name=")
                    .append(user)
                    .append(",password=")
                    .append(password)
                    .append("]\n"));
            return b.toString();
        }

        @Override
        public String toString() {
            return "SaslSsl[" + tls + ", users=" + users.keySet() + "]";
        }
    }

    /** The client listener's port. */
    public int port() {
        return port;
    }

    /** The KRaft controller listener's port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The child JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the child JVM is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The directory with the broker's properties, data ({@code data/}) and logs ({@code logs/}). */
    public Path dir() {
        return dir;
    }

    /** The broker's log file. */
    public Path logFile() {
        return dir.resolve("logs").resolve("server.log");
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> conf = new LinkedHashMap<>(adminClientSecurity());
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        conf.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        try (Admin admin = Admin.create(conf)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "the dev broker exited during start-up (exit code " + process.exitValue() + ")" + tail());
                }
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                            .nodes()
                            .get(3, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the dev broker", e);
                } catch (Exception e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the dev broker was not ready within " + timeout.toSeconds() + " s" + tail());
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the dev broker", e);
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
                lines.subList(Math.max(0, lines.size() - 20), lines.size())
                        .forEach(l -> b.append(l).append('\n'));
            } catch (IOException | UncheckedIOException ignored) {
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

    private void removeHook() {
        if (cleanupHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    /**
     * Stops the broker (clean shutdown, forced after 20 s); deletes the directory when the builder said so, else
     * leaves it to the caller.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess();
        removeHook();
        if (deleteDirOnClose) {
            deleteTree(dir);
        }
    }

    /** Deletes a directory tree, best effort. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary directory left behind is harmless
        }
    }

    /** {@code n} distinct currently free TCP ports on the loopback address. */
    public static int[] freePorts(int n) throws IOException {
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

    /** The cluster id of the storage in {@code dir} when it was formatted before (a restart), else a new one. */
    private static String clusterId(Path dir) throws IOException {
        Path meta = dir.resolve("data").resolve("meta.properties");
        if (Files.exists(meta)) {
            java.util.Properties p = new java.util.Properties();
            try (var in = Files.newInputStream(meta)) {
                p.load(in);
            }
            String id = p.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id;
            }
        }
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

    /** The broker's {@code server.properties}: the settings of deploy/kafka/start.sh, then the overrides. */
    static String serverProperties(Path dir, int port, int controllerPort, Map<String, String> overrides) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "10");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.retention.hours", "168");
        overrides.forEach((k, v) -> p.put(k, v.replace("{controller}", Integer.toString(controllerPort))));
        StringBuilder b = new StringBuilder("# tollgate dev broker: single node, KRaft combined mode, loopback only\n");
        p.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    private static final String LOG4J = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- the dev broker logs to its own file -->
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
