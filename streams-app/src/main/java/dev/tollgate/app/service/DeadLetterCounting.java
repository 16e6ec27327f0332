package dev.tollgate.app.service;

import dev.tollgate.app.metrics.DlqListener;
import java.util.Map;

/** Where the counting exception handlers find their {@link DlqListener} in the Streams configuration. */
final class DeadLetterCounting {
    /**
     * Config key under which {@link TollgateService} puts the {@link DlqListener} object. Kafka Streams
     * passes its original settings, objects included, to the handlers' {@code configure}.
     */
    static final String LISTENER_CONFIG = "tollgate.dlq.listener";

    private DeadLetterCounting() {}

    static DlqListener listener(Map<String, ?> configs) {
        Object o = configs.get(LISTENER_CONFIG);
        return o instanceof DlqListener l ? l : DlqListener.NOOP;
    }
}
