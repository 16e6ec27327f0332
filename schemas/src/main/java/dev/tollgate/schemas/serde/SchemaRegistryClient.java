package dev.tollgate.schemas.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serde needs. Implementations are thread-safe and cache
 * what the registry answers, so the serde may call them per record.
 *
 * <p>Every failure is a {@link TollgateSerializationException}: {@link IncompatibleSchemaException} when a
 * registration breaks the subject's compatibility rule, {@link UnknownSchemaIdException} for an unknown id,
 * {@link SchemaRegistryUnavailableException} when the registry cannot be reached and
 * {@link SchemaRegistryException} for any other error answer.
 *
 * @see SchemaRegistryClients#create(java.util.Map)
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers a schema under a subject, or returns its id if the subject already has it.
     *
     * @param subject the subject, e.g. {@code tollgate.requests-value}
     * @param schema the schema
     * @return the registry-wide id of the schema
     * @throws IncompatibleSchemaException if the schema breaks the subject's compatibility rule
     */
    int register(String subject, Schema schema);

    /**
     * Looks up the id of a schema already registered under a subject, without registering it.
     *
     * @param subject the subject
     * @param schema the schema
     * @return the registry-wide id of the schema
     * @throws SchemaRegistryException if the subject does not exist or does not hold the schema
     */
    int getId(String subject, Schema schema);

    /**
     * Returns the schema with a registry-wide id.
     *
     * @param id the schema id, as written in the wire format
     * @return the schema
     * @throws UnknownSchemaIdException if the registry has no schema with that id
     */
    Schema getById(int id);

    /**
     * Returns the latest version of a subject.
     *
     * @param subject the subject
     * @return the id, version and schema of the latest version
     * @throws SchemaRegistryException if the subject does not exist
     */
    RegisteredSchema getLatest(String subject);

    /**
     * Lists the subjects of the registry.
     *
     * @return the subject names
     */
    List<String> subjects();

    /** Releases resources held by the client; the default does nothing. */
    @Override
    default void close() {}
}
