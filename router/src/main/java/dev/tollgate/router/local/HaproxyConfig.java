package dev.tollgate.router.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * An HAProxy config for a local loop: a stats socket with {@code level admin}, and per site a frontend on a loopback
 * port logging to a UDP syslog port, with the lines Tollgate needs taken verbatim from the documented config
 * ({@code deploy/haproxy/haproxy.cfg}, bundled into this module's jar at build time), in front of a backend of two
 * servers: the baseline at weight 200 and the canary at 0.
 */
public final class HaproxyConfig {
    /** The documented config, copied from {@code deploy/haproxy/} next to this class by the build. */
    static final String BUNDLED = "haproxy.cfg";

    private final StringBuilder text = new StringBuilder();
    private final List<String> tollgateLines;

    /** @param statsSocket path of the runtime API's Unix socket */
    public HaproxyConfig(Path statsSocket) {
        this.tollgateLines = tollgateLines(documented());
        text.append("global\n    stats socket ")
                .append(statsSocket)
                .append(" mode 600 level admin\n    maxconn 4000\n")
                .append("defaults\n    mode http\n    timeout connect 2s\n    timeout client 30s\n")
                .append("    timeout server 30s\n");
    }

    /** The lines of {@code deploy/haproxy/haproxy.cfg} as bundled. */
    public static List<String> documented() {
        try (InputStream in = HaproxyConfig.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(
                        "the documented HAProxy config is not on the classpath next to " + HaproxyConfig.class);
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .lines()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The frontend lines Tollgate's shipper needs (request id, the two captures, the log-format), stripped, from
     * a documented config.
     *
     * @throws IllegalStateException when they are not the four expected lines
     */
    public static List<String> tollgateLines(List<String> config) {
        List<String> lines = config.stream()
                .map(String::strip)
                .filter(l -> l.startsWith("unique-id-format")
                        || l.startsWith("http-request capture")
                        || l.startsWith("log-format"))
                .toList();
        if (lines.size() != 4) {
            throw new IllegalStateException("expected 4 Tollgate lines (unique-id-format, 2 x http-request capture,"
                    + " log-format) in the documented HAProxy config, found " + lines);
        }
        return lines;
    }

    /**
     * Adds a frontend {@code fe_BACKEND} on {@code 127.0.0.1:port} that logs to {@code 127.0.0.1:syslogPort} and
     * its backend of two servers on loopback ports.
     */
    public HaproxyConfig site(
            String backend,
            int port,
            int syslogPort,
            String baselineServer,
            int baselinePort,
            String canaryServer,
            int canaryPort) {
        text.append("frontend fe_")
                .append(backend)
                .append("\n    bind 127.0.0.1:")
                .append(port)
                .append("\n    log 127.0.0.1:")
                .append(syslogPort)
                .append(" len 4096 format raw local0\n");
        tollgateLines.forEach(l -> text.append("    ").append(l).append('\n'));
        text.append("    default_backend ")
                .append(backend)
                .append("\nbackend ")
                .append(backend)
                // roundrobin follows weight changes at run time
                .append("\n    balance roundrobin\n    server ")
                .append(baselineServer)
                .append(" 127.0.0.1:")
                .append(baselinePort)
                .append(" weight 200\n    server ")
                .append(canaryServer)
                .append(" 127.0.0.1:")
                .append(canaryPort)
                .append(" weight 0\n");
        return this;
    }

    /** The config file's text. */
    public String text() {
        return text.toString();
    }
}
