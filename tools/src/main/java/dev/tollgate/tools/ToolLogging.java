package dev.tollgate.tools;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The tools print their results on standard output, where the service's logging also goes: keep Kafka's
 * start-up chatter (state directory in /tmp, exception handler notices, client configs) out of it.
 */
public final class ToolLogging {
    private ToolLogging() {}

    /** Kafka clients, Streams and the broker log errors only; Tollgate warnings and errors. */
    public static void quiet() {
        try {
            Configurator.setLevel("org.apache.kafka", Level.ERROR);
            Configurator.setLevel("kafka", Level.ERROR);
            Configurator.setLevel("dev.tollgate", Level.WARN);
        } catch (RuntimeException | LinkageError e) {
            // another logging backend: leave it alone
        }
    }
}
