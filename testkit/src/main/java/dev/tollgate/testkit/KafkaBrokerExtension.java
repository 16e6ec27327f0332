package dev.tollgate.testkit;

import dev.tollgate.devbroker.DevBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Provides one real Kafka broker per test JVM, shared by all test classes, and resolves test
 * parameters of type {@link KafkaBroker}.
 *
 * <p>When the env var {@value #BOOTSTRAP_ENV} (or the system property {@value #BOOTSTRAP_PROPERTY})
 * is set, that broker is used as is. Otherwise the first use starts a {@link DevBroker} (a KRaft
 * broker in a child JVM from the Kafka jars on the test classpath) on free loopback ports with a
 * temporary directory; the broker is stopped (and the directory deleted unless {@code
 * -Dtollgate.test.keep.dirs=true}) when the test run ends. Every system property {@value
 * #BROKER_PROPERTY_PREFIX}{@code KEY=VALUE} sets the broker setting {@code KEY}, e.g. {@code
 * -Dtollgate.test.broker.log.retention.check.interval.ms=300000}.
 *
 * <p>The started broker checks retention every {@link #RETENTION_CHECK_INTERVAL} (the broker default is five
 * minutes), as CI's broker does ({@code deploy/kafka/start.sh --retention-check-ms 5000}): a test whose records
 * are stamped older than a topic's retention loses them at once, in every run, instead of now and then when a
 * slow run straddles a check.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

    /** Env var with the bootstrap servers of an already running broker to use instead. */
    public static final String BOOTSTRAP_ENV = "TOLLGATE_TEST_BOOTSTRAP_SERVERS";

    /** System property alternative to {@link #BOOTSTRAP_ENV}. */
    public static final String BOOTSTRAP_PROPERTY = "tollgate.test.bootstrap.servers";

    /** Prefix of system properties passed to a started broker as settings (prefix removed). */
    public static final String BROKER_PROPERTY_PREFIX = "tollgate.test.broker.";

    /** How often the started broker deletes segments by retention. */
    public static final Duration RETENTION_CHECK_INTERVAL = Duration.ofSeconds(5);

    private static final Namespace NAMESPACE = Namespace.create(KafkaBrokerExtension.class);
    private static final String KEY = "kafka-broker";

    /** The shared broker, started on first use. */
    public static KafkaBroker broker(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        SharedService<KafkaBroker> shared =
                context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(KEY, k -> start(), SharedService.class);
        return shared.get();
    }

    private static SharedService<KafkaBroker> start() {
        String external = DeployScripts.external(BOOTSTRAP_ENV, BOOTSTRAP_PROPERTY);
        if (external != null) {
            return SharedService.external(new KafkaBroker(external, true));
        }
        try {
            Path dir = Files.createTempDirectory("tollgate-kafka-");
            DevBroker.Builder builder = DevBroker.builder(dir)
                    .timeout(Duration.ofMinutes(2))
                    .retentionCheckInterval(RETENTION_CHECK_INTERVAL)
                    .deleteDirOnClose(!Boolean.getBoolean(DeployScripts.KEEP_DIRS_PROPERTY));
            for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
                String key = String.valueOf(e.getKey());
                if (key.startsWith(BROKER_PROPERTY_PREFIX)) {
                    builder.property(key.substring(BROKER_PROPERTY_PREFIX.length()), String.valueOf(e.getValue()));
                }
            }
            DevBroker broker = builder.start();
            return SharedService.started(new KafkaBroker(broker.bootstrapServers(), false), broker);
        } catch (IOException e) {
            return SharedService.failed(new UncheckedIOException("could not start the Kafka broker", e));
        } catch (RuntimeException e) {
            return SharedService.failed(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
        return parameterContext.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        return broker(context);
    }
}
