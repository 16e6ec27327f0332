package dev.tollgate.testkit;

import java.util.Objects;

/** A running schema registry that tests can use; obtained from {@link SchemaRegistryExtension}. */
public final class SchemaRegistry {

    private final String url;
    private final boolean external;

    SchemaRegistry(String url, boolean external) {
        this.url = Objects.requireNonNull(url);
        this.external = external;
    }

    /**
     * The Confluent-compatible base URL (no trailing slash), e.g. {@code
     * http://127.0.0.1:40123/apis/ccompat/v7}: the value for {@code schema.registry.url}.
     */
    public String url() {
        return url;
    }

    /** True when the registry came from {@code TOLLGATE_TEST_REGISTRY_URL} (not started here). */
    public boolean external() {
        return external;
    }

    @Override
    public String toString() {
        return "SchemaRegistry[" + url + (external ? ", external" : "") + "]";
    }
}
