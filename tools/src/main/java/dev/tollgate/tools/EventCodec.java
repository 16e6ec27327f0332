package dev.tollgate.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.app.http.AvroJson;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.MetricSample;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.QueueWork;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.SideEffect;
import dev.tollgate.topology.TopicNames;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * JSON ↔ Avro for contract events, driven by the Avro schemas (no per-type code): one JSON object per event
 * with {@code "type"} set to the record name (RequestLog, RolloutEvent, ...) and the contract's field names.
 *
 * <p>Decoding is strict and explains itself: a field of the wrong JSON type, an unknown field, a missing
 * field without a default, an unknown enum symbol → {@link EventFormatException} naming the type and the
 * field path ({@code RequestLog.status: expected int, got "abc"}, {@code ProbeResult.trajectory[2]: ...}).
 * Fields with a default (every nullable field) may be omitted. Unions with null take {@code null} or the
 * plain value (not Avro's {@code {"double": 1.0}} wrapping). Numbers: int and long need integral JSON numbers
 * in range; float and double take any number, and the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}. Bytes and fixed are base64 strings.
 *
 * <p>Besides the schema fields a line may carry {@code "key"} (the record key; default: the {@code service}
 * field, or {@code *} for a GatePolicy) and, for GatePolicy only, {@code "timestamp"} (epoch ms, used to
 * order the policy among the events; without it the policy applies from the start).
 *
 * <p>Encoding renders a record as the same JSON (nullable fields as their value or {@code null}).
 */
public final class EventCodec {
    /** Record types that are Tollgate's inputs, in topic order. */
    public static final List<Class<? extends SpecificRecord>> INPUT_TYPES = List.of(
            RequestLog.class,
            SideEffect.class,
            QueueWork.class,
            MetricSample.class,
            ProbeResult.class,
            RolloutEvent.class,
            GatePolicy.class);
    /** Record types that Tollgate publishes. */
    public static final List<Class<? extends SpecificRecord>> OUTPUT_TYPES =
            List.of(GateResult.class, GateDecision.class, RevisionMinuteStats.class);

    public static final String TYPE = "type";
    public static final String KEY = "key";
    public static final String TIMESTAMP = "timestamp";
    /** Key of the default policy. */
    public static final String DEFAULT_POLICY_KEY = "*";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final SpecificData DATA = SpecificData.get();
    private static final Map<String, Schema> SCHEMAS = new LinkedHashMap<>();

    static {
        for (Class<? extends SpecificRecord> c : INPUT_TYPES) {
            SCHEMAS.put(c.getSimpleName(), SpecificData.get().getSchema(c));
        }
        for (Class<? extends SpecificRecord> c : OUTPUT_TYPES) {
            SCHEMAS.put(c.getSimpleName(), SpecificData.get().getSchema(c));
        }
    }

    private EventCodec() {}

    /**
     * One decoded event.
     *
     * @param type      the record name, e.g. RequestLog
     * @param key       the record key (service, or {@code *} for the default policy)
     * @param timestamp event time in epoch ms; {@link Long#MIN_VALUE} for a policy without one
     * @param record    the Avro record
     */
    public record Event(String type, String key, long timestamp, SpecificRecord record) {
        /** Whether this is one of Tollgate's input types. */
        public boolean isInput() {
            return INPUT_TYPES.stream().anyMatch(c -> c.isInstance(record));
        }
    }

    /** Every known type name (inputs, then outputs). */
    public static Set<String> typeNames() {
        return SCHEMAS.keySet();
    }

    /** The schema of a known type name, or null. */
    public static Schema schemaOf(String type) {
        return SCHEMAS.get(type);
    }

    private static final Map<String, Function<TopicNames, String>> TOPICS = Map.of(
            "RequestLog", TopicNames::requests,
            "SideEffect", TopicNames::sideEffects,
            "QueueWork", TopicNames::queueWork,
            "MetricSample", TopicNames::metrics,
            "ProbeResult", TopicNames::probes,
            "RolloutEvent", TopicNames::rollouts,
            "GatePolicy", TopicNames::policies,
            "GateResult", TopicNames::gateResults,
            "GateDecision", TopicNames::decisions,
            "RevisionMinuteStats", TopicNames::timeline);

    /** The topic a type goes to (inputs) or comes from (outputs). */
    public static String topicOf(String type, TopicNames t) {
        Function<TopicNames, String> f = TOPICS.get(type);
        if (f == null) {
            throw new IllegalArgumentException("no topic for type " + type);
        }
        return f.apply(t);
    }

    // ------------------------------------------------------------------ decode

    /** Decodes one JSON line. */
    public static Event decode(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new EventFormatException("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new EventFormatException("empty line");
        }
        return decode(node);
    }

    /** Decodes one JSON object. */
    public static Event decode(JsonNode node) {
        if (!node.isObject()) {
            throw new EventFormatException("expected a JSON object, got " + describe(node));
        }
        JsonNode typeNode = node.get(TYPE);
        if (typeNode == null || typeNode.isNull()) {
            throw new EventFormatException("missing \"type\" (one of " + String.join(", ", SCHEMAS.keySet()) + ")");
        }
        if (!typeNode.isTextual()) {
            throw new EventFormatException("\"type\": expected a string, got " + describe(typeNode));
        }
        String type = typeNode.asText();
        Schema schema = SCHEMAS.get(type);
        if (schema == null) {
            throw new EventFormatException(
                    "unknown type " + quote(type) + " (expected one of " + String.join(", ", SCHEMAS.keySet()) + ")");
        }
        boolean policy = type.equals("GatePolicy");
        ObjectNode fields = ((ObjectNode) node).deepCopy();
        fields.remove(TYPE);
        String key = null;
        JsonNode keyNode = fields.remove(KEY);
        if (keyNode != null && !keyNode.isNull()) {
            if (!keyNode.isTextual()) {
                throw new EventFormatException(type + ".key: expected string, got " + describe(keyNode));
            }
            key = keyNode.asText();
        }
        long policyTs = Long.MIN_VALUE;
        if (policy) {
            JsonNode ts = fields.remove(TIMESTAMP);
            if (ts != null && !ts.isNull()) {
                if (!ts.isIntegralNumber() || !ts.canConvertToLong()) {
                    throw new EventFormatException(type + ".timestamp: expected long, got " + describe(ts));
                }
                policyTs = ts.longValue();
            }
        }
        SpecificRecord record = (SpecificRecord) fromJson(fields, schema, type);
        long timestamp = policyTs;
        Schema.Field tsField = schema.getField(TIMESTAMP);
        if (tsField != null) {
            timestamp = (Long) record.get(tsField.pos());
        }
        if (key == null) {
            Schema.Field svc = schema.getField("service");
            key = svc != null ? String.valueOf(record.get(svc.pos())) : DEFAULT_POLICY_KEY;
        }
        return new Event(type, key, timestamp, record);
    }

    /**
     * Converts JSON to an Avro datum of the schema (records become generated classes).
     *
     * @param node   the JSON value
     * @param schema the Avro schema
     * @param path   the path for error messages, e.g. {@code RequestLog.status}
     */
    public static Object fromJson(JsonNode node, Schema schema, String path) {
        if (node == null || node.isMissingNode()) {
            node = NODES.nullNode();
        }
        switch (schema.getType()) {
            case NULL:
                if (!node.isNull()) {
                    throw mismatch(path, "null", node);
                }
                return null;
            case BOOLEAN:
                if (!node.isBoolean()) {
                    throw mismatch(path, "boolean", node);
                }
                return node.booleanValue();
            case INT:
                if (!node.isIntegralNumber()) {
                    throw mismatch(path, "int", node);
                }
                if (!node.canConvertToInt()) {
                    throw new EventFormatException(path + ": expected int, got " + describe(node) + " (out of range)");
                }
                return node.intValue();
            case LONG:
                if (!node.isIntegralNumber()) {
                    throw mismatch(path, "long", node);
                }
                if (!node.canConvertToLong()) {
                    throw new EventFormatException(path + ": expected long, got " + describe(node) + " (out of range)");
                }
                return node.longValue();
            case FLOAT:
                return (float) number(node, path, "float");
            case DOUBLE:
                return number(node, path, "double");
            case STRING:
                if (!node.isTextual()) {
                    throw mismatch(path, "string", node);
                }
                return node.textValue();
            case BYTES:
                return ByteBuffer.wrap(base64(node, path, "bytes"));
            case FIXED: {
                byte[] b = base64(node, path, "fixed");
                if (b.length != schema.getFixedSize()) {
                    throw new EventFormatException(
                            path + ": expected " + schema.getFixedSize() + " bytes, got " + b.length);
                }
                return DATA.createFixed(null, b, schema);
            }
            case ENUM: {
                if (!node.isTextual() || !schema.getEnumSymbols().contains(node.textValue())) {
                    throw new EventFormatException(
                            path + ": expected one of " + schema.getEnumSymbols() + ", got " + describe(node));
                }
                return DATA.createEnum(node.textValue(), schema);
            }
            case ARRAY: {
                if (!node.isArray()) {
                    throw mismatch(path, "array", node);
                }
                List<Object> list = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    list.add(fromJson(node.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return list;
            }
            case MAP: {
                if (!node.isObject()) {
                    throw mismatch(path, "object (map)", node);
                }
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    map.put(e.getKey(), fromJson(e.getValue(), schema.getValueType(), path + "." + e.getKey()));
                }
                return map;
            }
            case UNION:
                return union(node, schema, path);
            case RECORD:
                return record(node, schema, path);
            default:
                throw new EventFormatException(path + ": unsupported Avro type " + schema.getType());
        }
    }

    private static Object union(JsonNode node, Schema schema, String path) {
        List<Schema> branches = schema.getTypes();
        if (node.isNull()) {
            for (Schema b : branches) {
                if (b.getType() == Schema.Type.NULL) {
                    return null;
                }
            }
            throw mismatch(path, unionName(schema), node);
        }
        List<Schema> nonNull =
                branches.stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
        if (nonNull.size() == 1) {
            Schema only = nonNull.get(0);
            boolean primitive = switch (only.getType()) {
                case RECORD, ENUM, ARRAY, MAP, FIXED -> false;
                default -> true;
            };
            try {
                return fromJson(node, only, path);
            } catch (EventFormatException e) {
                if (primitive
                        && e.detail().startsWith(path + ": expected ")
                        && !e.detail().endsWith("(out of range)")) {
                    throw mismatch(path, unionName(schema), node);
                }
                throw e;
            }
        }
        for (Schema b : nonNull) {
            try {
                return fromJson(node, b, path);
            } catch (EventFormatException e) {
                // try the next branch
            }
        }
        throw mismatch(path, unionName(schema), node);
    }

    private static IndexedRecord record(JsonNode node, Schema schema, String path) {
        if (!node.isObject()) {
            throw mismatch(path, schema.getName() + " object", node);
        }
        Object created = DATA.newRecord(null, schema);
        IndexedRecord record = created instanceof IndexedRecord r ? r : new GenericData.Record(schema);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (schema.getField(name) == null) {
                throw new EventFormatException(path + ": unknown field " + quote(name) + " (fields: "
                        + String.join(
                                ", ",
                                schema.getFields().stream()
                                        .map(Schema.Field::name)
                                        .toList()) + ")");
            }
        }
        for (Schema.Field f : schema.getFields()) {
            JsonNode v = node.get(f.name());
            if (v == null) {
                if (!f.hasDefaultValue()) {
                    throw new EventFormatException(path + ": missing required field " + f.name());
                }
                record.put(f.pos(), DATA.deepCopy(f.schema(), DATA.getDefaultValue(f)));
            } else {
                record.put(f.pos(), fromJson(v, f.schema(), path + "." + f.name()));
            }
        }
        return record;
    }

    private static double number(JsonNode node, String path, String expected) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            switch (node.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw mismatch(path, expected, node);
    }

    private static byte[] base64(JsonNode node, String path, String expected) {
        if (!node.isTextual()) {
            throw mismatch(path, expected + " (base64 string)", node);
        }
        try {
            return Base64.getDecoder().decode(node.textValue());
        } catch (IllegalArgumentException e) {
            throw new EventFormatException(path + ": expected " + expected + " (base64 string), got " + describe(node));
        }
    }

    private static String unionName(Schema union) {
        List<String> names = new ArrayList<>();
        for (Schema b : union.getTypes()) {
            names.add(
                    b.getType() == Schema.Type.RECORD || b.getType() == Schema.Type.ENUM
                            ? b.getName()
                            : b.getType().getName());
        }
        return names.size() == 2 && names.contains("null")
                ? names.stream().filter(n -> !n.equals("null")).findFirst().orElseThrow() + " or null"
                : "one of " + names;
    }

    private static EventFormatException mismatch(String path, String expected, JsonNode got) {
        return new EventFormatException(path + ": expected " + expected + ", got " + describe(got));
    }

    private static String describe(JsonNode n) {
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String quote(String s) {
        return NODES.textNode(s).toString();
    }

    // ------------------------------------------------------------------ encode

    /**
     * The record as a JSON object: {@code "type"} first, then every field by its contract name. Nullable fields are
     * their value or {@code null}, enums their symbol, maps objects, bytes base64; non-finite floats and doubles are
     * the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} so that decoding gives the same record back.
     */
    public static ObjectNode toJson(SpecificRecord record) {
        ObjectNode o = NODES.objectNode();
        o.put(TYPE, record.getSchema().getName());
        o.setAll((ObjectNode) toJson(record, record.getSchema()));
        return o;
    }

    /** One Avro datum of the schema as JSON, lossless (non-finite numbers as strings the decoder reads back). */
    public static JsonNode toJson(Object datum, Schema schema) {
        return AvroJson.toJson(datum, schema, AvroJson.NonFinite.STRING);
    }

    /** An event as a JSON object; a policy also carries its key (and timestamp when it has one). */
    public static ObjectNode toJson(Event e) {
        ObjectNode o = toJson(e.record());
        if (e.record() instanceof GatePolicy) {
            ObjectNode p = NODES.objectNode();
            p.put(TYPE, e.type());
            p.put(KEY, e.key());
            if (e.timestamp() != Long.MIN_VALUE) {
                p.put(TIMESTAMP, e.timestamp());
            }
            o.remove(TYPE);
            p.setAll(o);
            return p;
        }
        return o;
    }

    /** One line of JSON (no trailing newline). */
    public static String toLine(SpecificRecord record) {
        return toJson(record).toString();
    }

    /** One line of JSON for an event (no trailing newline). */
    public static String toLine(Event e) {
        return toJson(e).toString();
    }

    /** An event for a record, keyed by its service (or {@code *} for a policy). */
    public static Event event(SpecificRecord record) {
        Schema schema = record.getSchema();
        Schema.Field ts = schema.getField(TIMESTAMP);
        Schema.Field svc = schema.getField("service");
        return new Event(
                schema.getName(),
                svc == null ? DEFAULT_POLICY_KEY : String.valueOf(record.get(svc.pos())),
                ts == null ? Long.MIN_VALUE : (Long) record.get(ts.pos()),
                record);
    }

    /** Parses a GatePolicy from a JSON document (with or without {@code "type"}). */
    public static GatePolicy policyFromJson(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new EventFormatException("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new EventFormatException("GatePolicy: expected a JSON object");
        }
        ObjectNode fields = ((ObjectNode) node).deepCopy();
        JsonNode type = fields.remove(TYPE);
        if (type != null && !"GatePolicy".equals(type.asText())) {
            throw new EventFormatException("expected a GatePolicy, got type " + type);
        }
        fields.remove(KEY);
        fields.remove(TIMESTAMP);
        return (GatePolicy) fromJson(fields, GatePolicy.getClassSchema(), "GatePolicy");
    }
}
