package dev.tollgate.router;

import dev.tollgate.schemas.avro.RequestLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships HAProxy's access log to {@code tollgate.requests}: reads lines from syslog over UDP or from a file it
 * follows, parses them with {@link AccessLogParser} and produces RequestLog events (key: the service, record
 * timestamp: the log's). Malformed lines are counted and skipped, with a sample logged at most every 10 s.
 */
public final class AccessLogShipper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessLogShipper.class);
    private static final long SAMPLE_EVERY_NANOS = 10_000_000_000L;

    private final AccessLogParser parser;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final String topic;
    private final AtomicLong shipped = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private long lastSample = System.nanoTime() - SAMPLE_EVERY_NANOS;
    private long malformedAtLastSample;

    public AccessLogShipper(RouterClients clients, AccessLogParser parser) {
        this.parser = parser;
        this.producer = clients.producer("tollgate-log-shipper");
        this.topic = clients.topics().requests();
    }

    /** Parses and sends one line (or several separated by newlines, as one datagram may hold). */
    public void accept(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            RequestLog r;
            try {
                r = parser.parse(line);
            } catch (AccessLogParser.MalformedLineException e) {
                malformed.incrementAndGet();
                sample(line, e.getMessage());
                continue;
            }
            if (r == null) {
                skipped.incrementAndGet();
                continue;
            }
            producer.send(new ProducerRecord<>(topic, null, r.getTimestamp(), r.getService(), r), (md, ex) -> {
                if (ex == null) {
                    shipped.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    lastFailure.set(ex.getMessage());
                }
            });
        }
    }

    private void sample(String line, String reason) {
        long now = System.nanoTime();
        if (now - lastSample >= SAMPLE_EVERY_NANOS) {
            log.warn(
                    "Skipped malformed access-log lines count=[{}] total=[{}] reason=[{}] sample=[{}]",
                    malformed.get() - malformedAtLastSample,
                    malformed.get(),
                    reason,
                    line.length() > 300 ? line.substring(0, 300) + "..." : line);
            lastSample = now;
            malformedAtLastSample = malformed.get();
        }
    }

    /** Receives syslog datagrams on the socket until {@code keepRunning} turns false. */
    public void runUdp(DatagramSocket socket, BooleanSupplier keepRunning) throws IOException {
        socket.setSoTimeout(200);
        byte[] buf = new byte[64 * 1024];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        log.info("Shipping HAProxy access log from udp=[{}] to topic=[{}]", socket.getLocalSocketAddress(), topic);
        while (keepRunning.getAsBoolean()) {
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            accept(new String(p.getData(), p.getOffset(), p.getLength(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Follows a log file (from its start, or from its end for lines written from now on) until
     * {@code keepRunning} turns false; a file that shrinks (rotated in place) is read again from its start.
     */
    public void runFile(Path file, boolean fromStart, BooleanSupplier keepRunning)
            throws IOException, InterruptedException {
        log.info("Shipping HAProxy access log from file=[{}] to topic=[{}]", file, topic);
        long pos = fromStart || !Files.exists(file) ? 0 : Files.size(file);
        StringBuilder partial = new StringBuilder();
        while (keepRunning.getAsBoolean()) {
            long size = Files.exists(file) ? Files.size(file) : 0;
            if (size < pos) {
                pos = 0;
                partial.setLength(0);
            }
            if (size == pos) {
                Thread.sleep(100);
                continue;
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                raf.seek(pos);
                byte[] buf = new byte[(int) Math.min(size - pos, 1 << 20)];
                raf.readFully(buf);
                pos += buf.length;
                partial.append(new String(buf, StandardCharsets.UTF_8));
            }
            int lastNewline = partial.lastIndexOf("\n");
            if (lastNewline >= 0) {
                accept(partial.substring(0, lastNewline));
                partial.delete(0, lastNewline + 1);
            }
        }
    }

    /** Events acknowledged by the broker. */
    public long shipped() {
        return shipped.get();
    }

    /** Lines that did not follow the log-format. */
    public long malformed() {
        return malformed.get();
    }

    /** Lines of other backends, or that reached no server. */
    public long skipped() {
        return skipped.get();
    }

    /** Events the broker did not take. */
    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        producer.flush();
        producer.close();
        log.info(
                "Log shipper stopped shipped=[{}] malformed=[{}] skipped=[{}] failed=[{}] lastFailure=[{}]",
                shipped.get(),
                malformed.get(),
                skipped.get(),
                failed.get(),
                lastFailure.get());
    }
}
