package dev.tollgate.testkit;

import java.util.List;
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
 * is set, that broker is used as is. Otherwise the first use runs {@code deploy/kafka/fetch.sh} and
 * {@code deploy/kafka/start.sh} on free loopback ports with a temporary data dir; the broker is
 * stopped (and the dir deleted) when the test run ends. The repository root comes from the system
 * property {@code tollgate.repo.root} (set by failsafe) or is found above the working directory.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

  /** Env var with the bootstrap servers of an already running broker to use instead. */
  public static final String BOOTSTRAP_ENV = "TOLLGATE_TEST_BOOTSTRAP_SERVERS";

  /** System property alternative to {@link #BOOTSTRAP_ENV}. */
  public static final String BOOTSTRAP_PROPERTY = "tollgate.test.bootstrap.servers";

  private static final Namespace NAMESPACE = Namespace.create(KafkaBrokerExtension.class);
  private static final String KEY = "kafka-broker";

  /** The shared broker, started on first use. */
  public static KafkaBroker broker(ExtensionContext context) {
    @SuppressWarnings("unchecked")
    SharedService<KafkaBroker> shared =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(KEY, k -> start(), SharedService.class);
    return shared.get();
  }

  private static SharedService<KafkaBroker> start() {
    String external = DeployScripts.external(BOOTSTRAP_ENV, BOOTSTRAP_PROPERTY);
    if (external != null) {
      return SharedService.external(new KafkaBroker(external, true));
    }
    return SharedService.start(
        "Kafka broker",
        "kafka",
        "--data-dir",
        2,
        ports ->
            List.of(
                "--port",
                Integer.toString(ports[0]),
                "--controller-port",
                Integer.toString(ports[1])),
        ports -> new KafkaBroker("127.0.0.1:" + ports[0], false));
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
