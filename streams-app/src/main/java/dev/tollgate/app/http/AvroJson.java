package dev.tollgate.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * Converts Avro records (specific or generic) to plain JSON with the contract's field names: a nullable
 * field renders as its value or {@code null} (never Avro's {@code {"double": 1.0}} union wrapping), enums as
 * their symbol, maps as objects, bytes and fixed as base64. Non-finite doubles (NaN, ±Infinity), which JSON
 * cannot carry, render as {@code null}.
 */
public final class AvroJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** How NaN and ±Infinity, which JSON numbers cannot carry, are written. */
    public enum NonFinite {
        /** As {@code null} (the HTTP API: a value that is not a number is absent). */
        NULL,
        /** As the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} (lossless, for replay files). */
        STRING
    }

    private AvroJson() {}

    /** The record as a JSON object. */
    public static ObjectNode toJson(IndexedRecord record) {
        return (ObjectNode) toJson(record, record.getSchema());
    }

    /** A list of records as a JSON array. */
    public static ArrayNode toJson(List<? extends IndexedRecord> records) {
        ArrayNode a = NODES.arrayNode();
        records.forEach(r -> a.add(toJson(r)));
        return a;
    }

    /**
     * Converts one Avro datum of the given schema.
     *
     * @param datum  the value (may be null for null or nullable schemas)
     * @param schema its schema
     */
    public static JsonNode toJson(Object datum, Schema schema) {
        return toJson(datum, schema, NonFinite.NULL);
    }

    /**
     * Converts one Avro datum of the given schema, writing non-finite floats and doubles as {@code nonFinite}
     * says.
     */
    public static JsonNode toJson(Object datum, Schema schema, NonFinite nonFinite) {
        if (datum == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case RECORD: {
                IndexedRecord r = (IndexedRecord) datum;
                ObjectNode o = NODES.objectNode();
                for (Schema.Field f : schema.getFields()) {
                    o.set(f.name(), toJson(r.get(f.pos()), f.schema(), nonFinite));
                }
                return o;
            }
            case UNION: {
                int branch = SpecificData.get().resolveUnion(schema, datum);
                return toJson(datum, schema.getTypes().get(branch), nonFinite);
            }
            case ENUM:
            case STRING:
                return NODES.textNode(datum.toString());
            case ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (Object item : (Collection<?>) datum) {
                    a.add(toJson(item, schema.getElementType(), nonFinite));
                }
                return a;
            }
            case MAP: {
                ObjectNode o = NODES.objectNode();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) datum).entrySet()) {
                    o.set(String.valueOf(e.getKey()), toJson(e.getValue(), schema.getValueType(), nonFinite));
                }
                return o;
            }
            case BYTES: {
                ByteBuffer b = ((ByteBuffer) datum).duplicate();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case FIXED:
                return NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) datum).bytes()));
            case INT:
                return NODES.numberNode(((Number) datum).intValue());
            case LONG:
                return NODES.numberNode(((Number) datum).longValue());
            case FLOAT:
            case DOUBLE: {
                double d = ((Number) datum).doubleValue();
                if (Double.isFinite(d)) {
                    return schema.getType() == Schema.Type.FLOAT
                            ? NODES.numberNode(((Number) datum).floatValue())
                            : NODES.numberNode(d);
                }
                if (nonFinite == NonFinite.NULL) {
                    return NODES.nullNode();
                }
                return NODES.textNode(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
            }
            case BOOLEAN:
                return NODES.booleanNode((Boolean) datum);
            case NULL:
            default:
                return NODES.nullNode();
        }
    }
}
