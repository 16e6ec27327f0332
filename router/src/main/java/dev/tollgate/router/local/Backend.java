package dev.tollgate.router.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny HTTP backend (JDK HttpServer on a free loopback port): answers every request after a fixed delay, every
 * {@code failEvery}-th one with 500.
 */
public final class Backend implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(16);
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param delayMs   service time of each request
     * @param failEvery every n-th request answers 500 (0: never); 20 is a 5 % 5xx rate
     * @throws IOException when no port can be bound
     */
    public Backend(long delayMs, int failEvery) throws IOException {
        if (delayMs < 0 || failEvery < 0) {
            throw new IllegalArgumentException("delayMs and failEvery must be >= 0");
        }
        // without TCP_NODELAY the JDK server's separate header and body writes meet HAProxy's delayed ACKs: 40 ms
        // stalls on some connections, a latency regression the canary does not have
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(pool);
        server.createContext("/", exchange -> {
            long n = served.incrementAndGet();
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status = failEvery > 0 && n % failEvery == 0 ? 500 : 200;
            if (status == 500) {
                failed.incrementAndGet();
            }
            byte[] body = (status == 200 ? "ok\n" : "boom\n").getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /**
     * The every-n-th-request failure interval for a share of 5xx answers.
     *
     * @param percent share of requests to answer with 500, 0 to 100
     * @return 0 for none, else round(100 / percent)
     */
    public static int failEvery(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("the 5xx share must be within 0..100 %, not " + percent);
        }
        return percent == 0 ? 0 : (int) Math.max(1, Math.round(100 / percent));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests received so far. */
    public long served() {
        return served.get();
    }

    /** Requests answered with 500 so far. */
    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
