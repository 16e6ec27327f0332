package dev.tollgate.app.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kafka cluster answers, asked every {@code interval} with a {@code describeCluster} call. Kafka
 * Streams stays {@code RUNNING} while its brokers are away (its clients retry), so its state alone cannot tell
 * that the instance has stopped deciding; this can ({@code /health/streams}, {@code tollgate_broker_reachable}).
 */
final class BrokerWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerWatch.class);

    private final Admin admin;
    private final ScheduledExecutorService timer;
    private final int timeoutMs;
    private volatile boolean reachable = true;

    private BrokerWatch(Map<String, Object> adminConfig, Duration interval) {
        Map<String, Object> c = new java.util.HashMap<>(adminConfig);
        // reconnect quickly once the broker is back, so readiness follows within an interval
        c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, "tollgate-broker-watch");
        this.admin = Admin.create(c);
        this.timeoutMs = (int) Math.max(1_000, interval.toMillis());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-broker-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts watching the cluster of the given admin client settings. */
    static BrokerWatch start(Map<String, Object> adminConfig, Duration interval) {
        return new BrokerWatch(adminConfig, interval);
    }

    /** Whether the last check reached the cluster (true before the first check). */
    boolean reachable() {
        return reachable;
    }

    private void check() {
        boolean now;
        try {
            now = !admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes()
                    .get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS)
                    .isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            now = false;
        }
        if (now != reachable) {
            if (now) {
                log.info("Kafka cluster reachable again");
            } else {
                log.warn("Kafka cluster unreachable: not deciding until it is back timeoutMs=[{}]", timeoutMs);
            }
        }
        reachable = now;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
