package dev.tollgate.schemas.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link Serde} of Avro generated records in the Confluent wire format: a {@link SpecificAvroSerializer}
 * and a {@link SpecificAvroDeserializer} on the same registry client.
 *
 * <p>Kafka Streams does not call {@link #configure(Map, boolean)} on serdes passed to {@code Consumed} or
 * {@code Produced}: configure them before, or build them on a client. Example:
 * <pre>{@code
 * SpecificAvroSerde<RequestLog> serde = new SpecificAvroSerde<>(RequestLog.class);
 * serde.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081"), false);
 * }</pre>
 *
 * @param <T> the generated record type
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final SchemaRegistryClient givenClient;
    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;
    private volatile SchemaRegistryClient ownedClient;

    /** Creates a serde that is set up by {@link #configure(Map, boolean)}. */
    public SpecificAvroSerde() {
        this(null, null);
    }

    /**
     * Creates a serde that reads every record as {@code readerClass}, set up by {@link #configure(Map,
     * boolean)}.
     *
     * @param readerClass the generated class whose {@code SCHEMA$} is the reader schema
     */
    public SpecificAvroSerde(Class<T> readerClass) {
        this(null, readerClass);
    }

    /**
     * Creates a value serde on a given registry client with default settings.
     *
     * @param client the registry client
     */
    public SpecificAvroSerde(SchemaRegistryClient client) {
        this(client, null);
    }

    /**
     * Creates a value serde on a given registry client that reads every record as {@code readerClass}.
     *
     * @param client the registry client, or {@code null} to create it in {@link #configure(Map, boolean)}
     * @param readerClass the reader class, or {@code null} for the class named by the writer schema
     */
    public SpecificAvroSerde(SchemaRegistryClient client, Class<T> readerClass) {
        this.givenClient = client;
        this.serializer = client == null ? new SpecificAvroSerializer<>() : new SpecificAvroSerializer<>(client);
        this.deserializer = new SpecificAvroDeserializer<>(client, readerClass);
    }

    /**
     * Configures both sides. Without a client given to the constructor, one client is created from
     * {@code schema.registry.url} and shared by the serializer and the deserializer.
     *
     * @param configs the configuration, see {@link SerdeConfig}
     * @param isKey whether this serde handles record keys (subject {@code <topic>-key})
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig parsed = SerdeConfig.parse(configs);
        deserializer.checkReader(parsed);
        SchemaRegistryClient registry = givenClient != null ? givenClient : SchemaRegistryClients.create(parsed);
        closeOwnedClient();
        serializer.configure(parsed, registry, false, isKey);
        deserializer.configure(parsed, registry, false);
        this.ownedClient = givenClient != null ? null : registry;
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    /** Closes both sides (and any registry client they created). */
    @Override
    public void close() {
        serializer.close();
        deserializer.close();
        closeOwnedClient();
    }

    private void closeOwnedClient() {
        SchemaRegistryClient owned = ownedClient;
        ownedClient = null;
        if (owned != null && !(owned instanceof InMemorySchemaRegistry)) {
            owned.close();
        }
    }
}
