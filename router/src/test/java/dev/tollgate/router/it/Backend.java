package dev.tollgate.router.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** A tiny HTTP backend (JDK HttpServer): answers after a fixed delay, every {@code failEvery}-th request with 500. */
final class Backend implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(16);
    private final AtomicLong served = new AtomicLong();

    /**
     * @param delayMs   service time of each request
     * @param failEvery every n-th request answers 500 (0: never); 20 is a 5 % 5xx rate
     */
    Backend(long delayMs, int failEvery) throws IOException {
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
            byte[] body = (status == 200 ? "ok\n" : "boom\n").getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
