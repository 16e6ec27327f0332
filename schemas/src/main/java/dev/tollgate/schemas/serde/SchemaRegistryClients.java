package dev.tollgate.schemas.serde;

import java.util.Map;

/** Creates the schema registry client a configuration asks for. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {}

    /**
     * Creates a client: the shared {@link InMemorySchemaRegistry} of the scope for {@code mock://SCOPE},
     * an {@link HttpSchemaRegistryClient} for http(s) URLs.
     *
     * @param config the configuration, see {@link SerdeConfig}; {@code schema.registry.url} is required
     * @return the client
     * @throws org.apache.kafka.common.config.ConfigException naming the key of an invalid or missing value
     */
    public static SchemaRegistryClient create(Map<String, ?> config) {
        return create(SerdeConfig.parse(config));
    }

    /**
     * Creates a client from a parsed configuration.
     *
     * @param config the configuration; {@code schema.registry.url} is required
     * @return the client
     * @throws org.apache.kafka.common.config.ConfigException if {@code schema.registry.url} is missing
     */
    public static SchemaRegistryClient create(SerdeConfig config) {
        config.requireRegistryUrls();
        if (config.isMock()) {
            return InMemorySchemaRegistry.forScope(config.mockScope());
        }
        return new HttpSchemaRegistryClient(config);
    }
}
