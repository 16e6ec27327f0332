package dev.tollgate.router.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Open-loop GET load at a fixed rate (JDK HttpClient, at most 200 requests in flight), e.g. through HAProxy. */
public final class LoadGenerator implements AutoCloseable {
    private static final int MAX_IN_FLIGHT = 200;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tollgate-load");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();

    /** Starts sending {@code perSecond} requests a second (in batches every 20 ms) to the URL. */
    public LoadGenerator(String url, int perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("the request rate must be > 0, not " + perSecond);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .header("Idempotency-Key", "load")
                .GET()
                .build();
        int perTick = Math.max(1, perSecond / 50);
        timer.scheduleAtFixedRate(
                () -> {
                    for (int i = 0; i < perTick && inFlight.get() < MAX_IN_FLIGHT; i++) {
                        inFlight.incrementAndGet();
                        sent.incrementAndGet();
                        client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                                .whenComplete((r, e) -> {
                                    inFlight.decrementAndGet();
                                    if (e == null) {
                                        answered.incrementAndGet();
                                    }
                                });
                    }
                },
                0,
                20,
                TimeUnit.MILLISECONDS);
    }

    public long sent() {
        return sent.get();
    }

    public long answered() {
        return answered.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
