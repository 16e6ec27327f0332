package dev.tollgate.testkit;

import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Provides one real schema registry (Apicurio Registry, Confluent-compatible API) per test JVM,
 * shared by all test classes, and resolves test parameters of type {@link SchemaRegistry}.
 *
 * <p>When the env var {@value #URL_ENV} (or the system property {@value #URL_PROPERTY}) is set, that
 * registry is used as is (the Confluent-compatible base URL, e.g. {@code
 * http://127.0.0.1:8081/apis/ccompat/v7}). Otherwise the first use runs {@code
 * deploy/registry/fetch.sh} and {@code deploy/registry/start.sh} on a free loopback port; it is
 * stopped when the test run ends. Storage is in memory: it starts empty.
 */
public final class SchemaRegistryExtension implements BeforeAllCallback, ParameterResolver {

    /** Env var with the Confluent-compatible base URL of an already running registry to use. */
    public static final String URL_ENV = "TOLLGATE_TEST_REGISTRY_URL";

    /** System property alternative to {@link #URL_ENV}. */
    public static final String URL_PROPERTY = "tollgate.test.registry.url";

    private static final Namespace NAMESPACE = Namespace.create(SchemaRegistryExtension.class);
    private static final String KEY = "schema-registry";

    /** The shared registry, started on first use. */
    public static SchemaRegistry registry(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        SharedService<SchemaRegistry> shared =
                context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(KEY, k -> start(), SharedService.class);
        return shared.get();
    }

    private static SharedService<SchemaRegistry> start() {
        String external = DeployScripts.external(URL_ENV, URL_PROPERTY);
        if (external != null) {
            while (external.endsWith("/")) {
                external = external.substring(0, external.length() - 1);
            }
            return SharedService.external(new SchemaRegistry(external, true));
        }
        return SharedService.start(
                "schema registry",
                "registry",
                "--state-dir",
                1,
                ports -> List.of("--port", Integer.toString(ports[0])),
                ports -> new SchemaRegistry("http://127.0.0.1:" + ports[0] + "/apis/ccompat/v7", false));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        registry(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
        return parameterContext.getParameter().getType() == SchemaRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        return registry(context);
    }
}
