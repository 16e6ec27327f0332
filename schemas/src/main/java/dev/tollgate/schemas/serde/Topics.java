package dev.tollgate.schemas.serde;

/** Small helpers shared by the serde classes. */
final class Topics {

    private Topics() {}

    /** Returns {@code " on topic X"}, or an empty string when the topic is unknown. */
    static String onTopic(String topic) {
        return topic == null ? "" : " on topic " + topic;
    }

    /** Returns the TopicNameStrategy subject of a topic. */
    static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
