package dev.tollgate.router;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client of HAProxy's runtime API (the stats socket with {@code level admin}), Unix or TCP: one connection per
 * command, the way {@code socat} is used with it.
 */
public final class HaproxyRuntime {
    /** HAProxy's largest absolute server weight. */
    public static final int MAX_WEIGHT = 256;

    private final String given;
    private final SocketAddress address;

    /**
     * @param address a Unix socket path, or {@code host:port} for a TCP stats socket
     */
    public HaproxyRuntime(String address) {
        this.given = address;
        this.address = parse(address);
    }

    static SocketAddress parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("HAProxy runtime API address is empty (a socket path or host:port)");
        }
        int colon = address.lastIndexOf(':');
        if (!address.contains("/") && colon > 0) {
            try {
                return new InetSocketAddress(
                        address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad HAProxy runtime API port in [" + address + "]", e);
            }
        }
        return UnixDomainSocketAddress.of(Path.of(address));
    }

    /** The address this client talks to, as given. */
    public String address() {
        return given;
    }

    /**
     * Runs one command and returns HAProxy's answer.
     *
     * @throws HaproxyException when the socket cannot be reached
     */
    public String command(String command) {
        try (SocketChannel ch = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open()) {
            ch.connect(address);
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
            while (ch.read(buf) >= 0) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new HaproxyException(
                    "HAProxy runtime API at " + address + " not reachable for [" + command + "]: " + e.getMessage(), e);
        }
    }

    /**
     * Sets a server's weight ({@code set server B/S weight N}); HAProxy answers nothing on success.
     *
     * @throws HaproxyException with HAProxy's message when it refuses
     */
    public void setWeight(String backend, String server, int weight) {
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + weight + " outside 0.." + MAX_WEIGHT);
        }
        String answer = command("set server " + backend + "/" + server + " weight " + weight)
                .strip();
        if (!answer.isEmpty()) {
            throw new HaproxyException(
                    "HAProxy refused weight " + weight + " for " + backend + "/" + server + ": " + answer);
        }
    }

    /**
     * The current (user-set) weight of each server of a backend, from {@code show servers state B}.
     *
     * @throws HaproxyException when the backend is unknown
     */
    public Map<String, Integer> weights(String backend) {
        String answer = command("show servers state " + backend);
        Map<String, Integer> out = new LinkedHashMap<>();
        List<String> header = null;
        for (String line : answer.split("\n")) {
            if (line.startsWith("# be_id")) {
                header = List.of(line.substring(2).split(" "));
            } else if (header != null && !line.isBlank() && !line.startsWith("#")) {
                String[] f = line.split(" ");
                out.put(f[header.indexOf("srv_name")], Integer.parseInt(f[header.indexOf("srv_uweight")]));
            }
        }
        if (header == null) {
            throw new HaproxyException("HAProxy has no servers state for backend " + backend + ": " + answer.strip());
        }
        return out;
    }

    /** Counters of one server from {@code show stat}. */
    public record ServerStats(String server, int weight, long sessions, long responses5xx, String status) {}

    /**
     * The counters of each server of a backend (sessions served, 5xx answers), from {@code show stat}.
     *
     * @throws HaproxyException when the answer is not HAProxy's CSV
     */
    public Map<String, ServerStats> stats(String backend) {
        String answer = command("show stat");
        String[] lines = answer.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# pxname")) {
            throw new HaproxyException("unexpected answer to show stat: " + answer.strip());
        }
        List<String> header = List.of(lines[0].substring(2).split(","));
        int sv = header.indexOf("svname");
        int stot = header.indexOf("stot");
        int x5 = header.indexOf("hrsp_5xx");
        int weight = header.indexOf("weight");
        int status = header.indexOf("status");
        Map<String, ServerStats> out = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length <= x5 || !f[0].equals(backend) || f[sv].equals("FRONTEND") || f[sv].equals("BACKEND")) {
                continue;
            }
            out.put(f[sv], new ServerStats(f[sv], intOr0(f[weight]), longOr0(f[stot]), longOr0(f[x5]), f[status]));
        }
        return out;
    }

    private static int intOr0(String s) {
        return s.isEmpty() ? 0 : Integer.parseInt(s);
    }

    private static long longOr0(String s) {
        return s.isEmpty() ? 0 : Long.parseLong(s);
    }
}
