package dev.tollgate.schemas.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject in a schema registry.
 *
 * @param id the registry-wide schema id (the one written in the wire format)
 * @param version the version of the schema within its subject, from 1
 * @param schema the Avro schema
 */
public record RegisteredSchema(int id, int version, Schema schema) {

    /**
     * Validates the components.
     *
     * @param id the registry-wide schema id
     * @param version the version within the subject
     * @param schema the Avro schema, not {@code null}
     */
    public RegisteredSchema {
        Objects.requireNonNull(schema, "schema");
    }
}
