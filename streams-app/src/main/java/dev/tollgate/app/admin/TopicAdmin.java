package dev.tollgate.app.admin;

import dev.tollgate.topology.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or checks the contract topics. Inputs keep 7 days, outputs 30 days, the dead-letter topic 14 days;
 * the policies topic is compacted (latest policy per service, kept forever).
 *
 * <p>Input topics use {@code message.timestamp.type=LogAppendTime}: the broker's time-based retention counts from
 * when a record arrived, not from the producer's timestamp, so a backfill of events older than the retention is
 * not deleted before (or while) Tollgate reads it. Tollgate's event time is the payload's {@code timestamp}
 * field, never the record timestamp, so this changes no decision. Outputs are stamped with the wall clock by the
 * service itself (see {@code LiveSettings}), which works on topics created elsewhere too.
 */
public final class TopicAdmin {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

    /** Retention of the input topics: events older than this are warned about (and lost on CreateTime topics). */
    public static final long INPUT_RETENTION_MS = Duration.ofDays(7).toMillis();

    static final long OUTPUT_RETENTION_MS = Duration.ofDays(30).toMillis();
    static final long DLQ_RETENTION_MS = Duration.ofDays(14).toMillis();

    private final Admin admin;
    private final Duration timeout;

    /**
     * @param admin   an admin client (not closed by this class)
     * @param timeout how long each admin call may take
     */
    public TopicAdmin(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /**
     * The topic-level settings of a contract topic.
     *
     * @param topics the contract's names
     * @param name   one of {@code topics.all()}
     */
    public static Map<String, String> topicConfig(TopicNames topics, String name) {
        Map<String, String> c = new LinkedHashMap<>();
        if (name.equals(topics.policies())) {
            c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            c.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        } else if (name.equals(topics.dlq())) {
            c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(DLQ_RETENTION_MS));
        } else if (name.equals(topics.gateResults())
                || name.equals(topics.decisions())
                || name.equals(topics.timeline())) {
            c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(OUTPUT_RETENTION_MS));
        } else {
            c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(INPUT_RETENTION_MS));
            c.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        }
        return c;
    }

    /**
     * Creates every contract topic that does not exist yet; existing topics are left as they are.
     *
     * @return the topics created
     */
    public List<String> createMissing(TopicNames topics, int partitions, short replicationFactor) {
        Set<String> missing = missing(topics);
        List<NewTopic> create = new ArrayList<>();
        for (String name : topics.all()) {
            if (missing.contains(name)) {
                create.add(new NewTopic(name, Optional.of(partitions), Optional.of(replicationFactor))
                        .configs(topicConfig(topics, name)));
            }
        }
        List<String> created = new ArrayList<>();
        if (create.isEmpty()) {
            log.info("All contract topics exist count=[{}]", topics.all().size());
            return created;
        }
        var result = admin.createTopics(create);
        for (NewTopic t : create) {
            try {
                result.values().get(t.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                created.add(t.name());
                log.info(
                        "Created topic topic=[{}] partitions=[{}] replicationFactor=[{}] config=[{}]",
                        t.name(),
                        partitions,
                        replicationFactor,
                        t.configs());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new TopicAdminException(
                            "Creating topic " + t.name() + " failed: "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            } catch (TimeoutException e) {
                throw new TopicAdminException("Creating topic " + t.name() + " timed out after " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicAdminException("Interrupted while creating topics", e);
            }
        }
        return created;
    }

    /**
     * Checks that every contract topic exists.
     *
     * @throws TopicAdminException listing the missing topics
     */
    public void requireAll(TopicNames topics) {
        Set<String> missing = missing(topics);
        if (!missing.isEmpty()) {
            throw new TopicAdminException(
                    "Missing topics " + missing + ": create them (see deploy/k8s) or start with --create-topics", null);
        }
    }

    /** The contract topics that do not exist, in contract order. */
    public Set<String> missing(TopicNames topics) {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new TopicAdminException(
                    "Listing topics failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TopicAdminException(
                    "Listing topics timed out after " + timeout
                            + ": is the broker reachable at the configured bootstrap.servers?",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicAdminException("Interrupted while listing topics", e);
        }
        Set<String> missing = new LinkedHashSet<>(topics.all());
        missing.removeAll(existing);
        return missing;
    }

    /** A topic could not be listed or created, or contract topics are missing. */
    public static final class TopicAdminException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message what failed, naming the topics; @param cause the admin client's error, or null */
        public TopicAdminException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
