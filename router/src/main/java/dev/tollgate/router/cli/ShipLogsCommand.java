package dev.tollgate.router.cli;

import dev.tollgate.router.AccessLogParser;
import dev.tollgate.router.AccessLogShipper;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tollgate router haproxy ship-logs}: HAProxy's access log to RequestLog events. */
@Command(
        name = "ship-logs",
        mixinStandardHelpOptions = true,
        description = "Reads HAProxy's access log (Tollgate's log-format, see deploy/haproxy/) from syslog over UDP or"
                + " a file and produces RequestLog events to tollgate.requests; malformed lines are counted and"
                + " skipped with a sample in the log. Runs until stopped.")
public final class ShipLogsCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--service", required = true, description = "Service of the events.")
    String service;

    @Option(names = "--release", required = true, description = "Release of the events (the one being rolled out).")
    String release;

    @Option(names = "--backend", description = "Ship only this HAProxy backend's lines (default: all).")
    String backend;

    @Option(
            names = "--revision",
            paramLabel = "SERVER=REVISION",
            description = "Revision a server serves, where it is not the server's name; repeatable.")
    Map<String, String> revisions = new LinkedHashMap<>();

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(
                names = "--udp",
                paramLabel = "HOST:PORT",
                description = "Listen for syslog datagrams here (HAProxy: log HOST:PORT ... local0).")
        String udp;

        @Option(names = "--file", description = "Follow this log file.")
        Path file;
    }

    @Option(names = "--from-start", description = "With --file: read the file from its start, not its end.")
    boolean fromStart;

    @Override
    public Integer call() throws IOException, InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> running.set(false), "tollgate-shipper-shutdown"));
        AccessLogParser parser = new AccessLogParser(service, release, backend, revisions);
        try (AccessLogShipper shipper = new AccessLogShipper(connection.clients(), parser)) {
            if (source.udp != null) {
                int colon = source.udp.lastIndexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("--udp " + source.udp + ": expected HOST:PORT");
                }
                try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(
                        source.udp.substring(0, colon), Integer.parseInt(source.udp.substring(colon + 1))))) {
                    shipper.runUdp(socket, running::get);
                }
            } else {
                shipper.runFile(source.file, fromStart, running::get);
            }
        }
        return 0;
    }
}
