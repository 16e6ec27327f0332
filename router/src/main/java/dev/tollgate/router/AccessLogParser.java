package dev.tollgate.router;

import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.StreamOutcome;
import java.util.Map;
import java.util.Objects;

/**
 * Parses HAProxy access-log lines written with Tollgate's {@code log-format} (deploy/haproxy/haproxy.cfg) into
 * RequestLog events:
 *
 * <pre>
 * log-format "tollgate1 %Ts.%ms %b %s %ST %Ta %ID %HM %{+Q}[capture.req.hdr(0)] %{+Q}[capture.req.hdr(1)]"
 * </pre>
 *
 * <p>That is: a tag, the accept date (epoch seconds and milliseconds; the event time), backend, server (the
 * revision, or mapped to one), status, active time of the request in ms ({@code %Ta}: from its first byte to the end of the response, without the keep-alive idle time; the latency), unique request id, method, then the
 * captured {@code Idempotency-Key} and {@code X-Release} headers, quoted. Anything before the tag (a syslog
 * header) is ignored, so the same parser reads raw UDP, RFC 3164 syslog and a log file.
 */
public final class AccessLogParser {
    /** The tag every line of Tollgate's log-format starts with. */
    public static final String TAG = "tollgate1 ";

    private final String service;
    private final String releaseId;
    private final String backend;
    private final Map<String, String> revisionOfServer;

    /**
     * @param service          service of every event
     * @param releaseId        release of every event
     * @param backend          the HAProxy backend whose lines are shipped (others are skipped), or null for all
     * @param revisionOfServer revision of a server where it is not the server's name
     */
    public AccessLogParser(String service, String releaseId, String backend, Map<String, String> revisionOfServer) {
        this.service = Objects.requireNonNull(service, "service");
        this.releaseId = Objects.requireNonNull(releaseId, "releaseId");
        this.backend = backend;
        this.revisionOfServer = Map.copyOf(revisionOfServer);
    }

    /** A line that does not follow the log-format. */
    public static final class MalformedLineException extends Exception {
        public MalformedLineException(String message) {
            super(message);
        }
    }

    /**
     * Parses one line.
     *
     * @return the event, or null for a line of another backend or one that reached no server ({@code <NOSRV>})
     * @throws MalformedLineException naming what is wrong
     */
    public RequestLog parse(String line) throws MalformedLineException {
        int at = line.indexOf(TAG);
        if (at < 0) {
            throw new MalformedLineException("no '" + TAG.strip() + "' tag: not Tollgate's log-format");
        }
        String body = line.substring(at + TAG.length()).stripTrailing();
        String[] f = body.split(" ", 8);
        if (f.length < 8) {
            throw new MalformedLineException("expected 9 fields after the tag, found " + f.length);
        }
        String method = f[6];
        String headers = f[7];
        int split = headers.lastIndexOf("\" \"");
        if (headers.length() < 5 || !headers.startsWith("\"") || !headers.endsWith("\"") || split < 0) {
            throw new MalformedLineException("captured headers are not two quoted values: " + headers);
        }
        String idempotencyKey = headers.substring(1, split);
        String pinned = headers.substring(split + 3, headers.length() - 1);
        if (backend != null && !backend.equals(f[1])) {
            return null;
        }
        if (f[2].equals("<NOSRV>")) {
            return null;
        }
        long timestamp = epochMillis(f[0]);
        int status = integer(f[3], "status");
        long total = integer(f[4], "active time");
        if (total < 0) {
            throw new MalformedLineException("active time " + total + " (the request was aborted)");
        }
        return RequestLog.newBuilder()
                .setService(service)
                .setReleaseId(releaseId)
                .setRevision(revisionOfServer.getOrDefault(f[2], f[2]))
                .setTimestamp(timestamp)
                .setStatus(status)
                .setLatencyMs(total)
                .setColdStart(false)
                .setMethod(method)
                .setRequestId(dashIsNull(f[5]))
                .setIdempotencyKey(emptyIsNull(idempotencyKey))
                .setPinnedRelease(emptyIsNull(pinned))
                .setStreamOutcome(StreamOutcome.NONE)
                .build();
    }

    private static long epochMillis(String s) throws MalformedLineException {
        int dot = s.indexOf('.');
        if (dot < 1 || s.length() != dot + 4) {
            throw new MalformedLineException("timestamp " + s + " is not seconds.millis");
        }
        try {
            return Long.parseLong(s.substring(0, dot)) * 1000 + Integer.parseInt(s.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new MalformedLineException("timestamp " + s + " is not seconds.millis");
        }
    }

    private static int integer(String s, String what) throws MalformedLineException {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new MalformedLineException(what + " " + s + " is not a number");
        }
    }

    private static String dashIsNull(String s) {
        return s.equals("-") ? null : s;
    }

    private static String emptyIsNull(String s) {
        return s.isEmpty() || s.equals("-") ? null : s;
    }
}
