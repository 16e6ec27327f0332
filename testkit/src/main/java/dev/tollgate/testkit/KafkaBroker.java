package dev.tollgate.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** A running Kafka broker that tests can use; obtained from {@link KafkaBrokerExtension}. */
public final class KafkaBroker {

    private final String bootstrapServers;
    private final boolean external;

    KafkaBroker(String bootstrapServers, boolean external) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers);
        this.external = external;
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** True when the broker came from {@code TOLLGATE_TEST_BOOTSTRAP_SERVERS} (not started here). */
    public boolean external() {
        return external;
    }

    /** A fresh mutable client config holding just {@code bootstrap.servers}. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /** Creates topics (replication factor 1) unless they exist; waits up to 30 s. */
    public void createTopics(int partitions, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        try (Admin admin = Admin.create(clientConfig())) {
            for (var f : admin.createTopics(topics).values().values()) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topics " + List.of(names), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topics " + List.of(names), e);
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers + (external ? ", external" : "") + "]";
    }
}
