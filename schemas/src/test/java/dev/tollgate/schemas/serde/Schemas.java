package dev.tollgate.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Builds other versions of a schema and writes generic records in the wire format, for tests. */
final class Schemas {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Schemas() {}

    /** Returns the schema without the named top-level fields. */
    static Schema withoutFields(Schema schema, String... names) {
        ObjectNode json = json(schema);
        Set<String> drop = Set.of(names);
        Iterator<JsonNode> fields = json.withArray("fields").elements();
        while (fields.hasNext()) {
            if (drop.contains(fields.next().get("name").asText())) {
                fields.remove();
            }
        }
        return new Schema.Parser().parse(json.toString());
    }

    /** Returns the schema with an extra top-level field given as JSON. */
    static Schema withField(Schema schema, String fieldJson) {
        ObjectNode json = json(schema);
        try {
            ((ArrayNode) json.get("fields")).add(MAPPER.readTree(fieldJson));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Schema.Parser().parse(json.toString());
    }

    /** Returns the schema with one top-level field's type replaced by the given JSON type. */
    static Schema withFieldType(Schema schema, String field, String typeJson) {
        ObjectNode json = json(schema);
        try {
            for (JsonNode node : json.get("fields")) {
                if (node.get("name").asText().equals(field)) {
                    ((ObjectNode) node).set("type", MAPPER.readTree(typeJson));
                    ((ObjectNode) node).remove("default");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Schema.Parser().parse(json.toString());
    }

    /** Writes a generic record as {@code 0x00, id, Avro binary} with Avro's own GenericDatumWriter. */
    static byte[] wire(int id, GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode json(Schema schema) {
        try {
            return (ObjectNode) MAPPER.readTree(schema.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
