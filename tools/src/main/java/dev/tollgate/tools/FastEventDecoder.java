package dev.tollgate.tools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * A streaming decoder of event lines for replays of large files: the same result as {@link EventCodec#decode(String)}
 * for every line, about several times faster on the common lines (one pass of Jackson's parser straight into the
 * generated record, no JSON tree, no copy of it). It handles lines of evidence types whose fields are strings,
 * numbers, booleans and enums (nullable or not) with {@code "type"} first, which is how {@link EventCodec#toLine}
 * writes them; anything else (a policy, arrays, a non-finite number as a string, a bad line) goes to {@link
 * EventCodec#decode(String)}, so errors and their messages are that decoder's.
 */
public final class FastEventDecoder {
    private static final JsonFactory JSON = new JsonFactory();
    private static final SpecificData DATA = SpecificData.get();
    private static final Map<String, Plan> PLANS = new HashMap<>();

    static {
        for (Class<? extends SpecificRecord> c : EventCodec.INPUT_TYPES) {
            Schema s = EventCodec.schemaOf(c.getSimpleName());
            if (!c.getSimpleName().equals("GatePolicy")) {
                PLANS.put(s.getName(), new Plan(s));
            }
        }
    }

    private FastEventDecoder() {}

    /** Decodes one line exactly as {@link EventCodec#decode(String)} does. */
    public static EventCodec.Event decode(String line) {
        try {
            EventCodec.Event e = tryDecode(line);
            if (e != null) {
                return e;
            }
        } catch (IOException | RuntimeException e) {
            // not on the fast path: the full decoder decides (and explains)
        }
        return EventCodec.decode(line);
    }

    /** The event, or null when the line is not one this decoder handles. */
    private static EventCodec.Event tryDecode(String line) throws IOException {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT
                    || p.nextToken() != JsonToken.FIELD_NAME
                    || !EventCodec.TYPE.equals(p.currentName())
                    || p.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            Plan plan = PLANS.get(p.getText());
            if (plan == null) {
                return null;
            }
            SpecificRecord record = (SpecificRecord) DATA.newRecord(null, plan.schema);
            boolean[] seen = new boolean[plan.fields.length];
            String key = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (EventCodec.KEY.equals(name)) {
                    if (v == JsonToken.VALUE_STRING) {
                        key = p.getText();
                    } else if (v != JsonToken.VALUE_NULL) {
                        return null;
                    }
                    continue;
                }
                Field f = plan.byName.get(name);
                if (f == null || seen[f.pos]) {
                    return null;
                }
                Object value = f.read(p, v);
                if (value == UNHANDLED) {
                    return null;
                }
                record.put(f.pos, value);
                seen[f.pos] = true;
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            for (Field f : plan.fields) {
                if (!seen[f.pos]) {
                    if (!f.field.hasDefaultValue()) {
                        return null;
                    }
                    record.put(f.pos, DATA.deepCopy(f.field.schema(), DATA.getDefaultValue(f.field)));
                }
            }
            long timestamp = (Long) record.get(plan.timestampPos);
            if (key == null) {
                key = String.valueOf(record.get(plan.servicePos));
            }
            return new EventCodec.Event(plan.schema.getName(), key, timestamp, record);
        }
    }

    private static final Object UNHANDLED = new Object();

    private enum Kind {
        STRING,
        INT,
        LONG,
        DOUBLE,
        FLOAT,
        BOOLEAN,
        ENUM,
        OTHER
    }

    /** How to read one field of a record type. */
    private static final class Field {
        final Schema.Field field;
        final int pos;
        final Kind kind;
        final boolean nullable;
        final Map<String, Object> symbols = new HashMap<>();

        Field(Schema.Field field) {
            this.field = field;
            this.pos = field.pos();
            Schema s = field.schema();
            boolean isNullable = false;
            if (s.getType() == Schema.Type.UNION) {
                List<Schema> branches = s.getTypes();
                List<Schema> nonNull = branches.stream()
                        .filter(b -> b.getType() != Schema.Type.NULL)
                        .toList();
                isNullable = nonNull.size() == 1 && branches.size() == 2;
                s = isNullable ? nonNull.get(0) : null;
            }
            this.nullable = isNullable;
            this.kind = s == null ? Kind.OTHER : kindOf(s);
            if (kind == Kind.ENUM) {
                for (String sym : s.getEnumSymbols()) {
                    symbols.put(sym, DATA.createEnum(sym, s));
                }
            }
        }

        private static Kind kindOf(Schema s) {
            return switch (s.getType()) {
                case STRING -> Kind.STRING;
                case INT -> Kind.INT;
                case LONG -> Kind.LONG;
                case DOUBLE -> Kind.DOUBLE;
                case FLOAT -> Kind.FLOAT;
                case BOOLEAN -> Kind.BOOLEAN;
                case ENUM -> Kind.ENUM;
                default -> Kind.OTHER;
            };
        }

        Object read(JsonParser p, JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_NULL) {
                return nullable ? null : UNHANDLED;
            }
            switch (kind) {
                case STRING:
                    return t == JsonToken.VALUE_STRING ? p.getText() : UNHANDLED;
                case INT:
                    return t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                            ? (Object) p.getIntValue()
                            : UNHANDLED;
                case LONG:
                    return t == JsonToken.VALUE_NUMBER_INT
                                    && (p.getNumberType() == JsonParser.NumberType.INT
                                            || p.getNumberType() == JsonParser.NumberType.LONG)
                            ? (Object) p.getLongValue()
                            : UNHANDLED;
                case DOUBLE:
                    return t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT
                            ? (Object) p.getDoubleValue()
                            : UNHANDLED;
                case FLOAT:
                    return t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT
                            ? (Object) (float) p.getDoubleValue()
                            : UNHANDLED;
                case BOOLEAN:
                    return t == JsonToken.VALUE_TRUE
                            ? Boolean.TRUE
                            : t == JsonToken.VALUE_FALSE ? (Object) Boolean.FALSE : UNHANDLED;
                case ENUM: {
                    Object e = t == JsonToken.VALUE_STRING ? symbols.get(p.getText()) : null;
                    return e == null ? UNHANDLED : e;
                }
                default:
                    return UNHANDLED;
            }
        }
    }

    /** How to read one record type. */
    private static final class Plan {
        final Schema schema;
        final Field[] fields;
        final Map<String, Field> byName = new HashMap<>();
        final int timestampPos;
        final int servicePos;

        Plan(Schema schema) {
            this.schema = schema;
            this.fields = schema.getFields().stream().map(Field::new).toArray(Field[]::new);
            for (Field f : fields) {
                byName.put(f.field.name(), f);
            }
            this.timestampPos = schema.getField(EventCodec.TIMESTAMP).pos();
            this.servicePos = schema.getField("service").pos();
        }
    }
}
