package dev.tollgate.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.topology.TopicNames;
import org.junit.jupiter.api.Test;

class TopicAdminTest {
    private final TopicNames t = TopicNames.defaults();

    @Test
    void shouldCompactPoliciesAndKeepOtherTopicsForTheirRetention() {
        assertThat(TopicAdmin.topicConfig(t, t.policies()))
                .containsEntry("cleanup.policy", "compact")
                .containsEntry("retention.ms", "-1");
        assertThat(TopicAdmin.topicConfig(t, t.requests()))
                .containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", Long.toString(7L * 24 * 3600 * 1000));
        assertThat(TopicAdmin.topicConfig(t, t.rollouts()))
                .containsEntry("retention.ms", Long.toString(7L * 24 * 3600 * 1000));
        assertThat(TopicAdmin.topicConfig(t, t.requests())).containsEntry("message.timestamp.type", "LogAppendTime");
        assertThat(TopicAdmin.topicConfig(t, t.decisions()))
                .containsEntry("retention.ms", Long.toString(30L * 24 * 3600 * 1000));
        assertThat(TopicAdmin.topicConfig(t, t.gateResults()))
                .containsEntry("retention.ms", Long.toString(30L * 24 * 3600 * 1000));
        assertThat(TopicAdmin.topicConfig(t, t.dlq()))
                .containsEntry("retention.ms", Long.toString(14L * 24 * 3600 * 1000));
    }
}
