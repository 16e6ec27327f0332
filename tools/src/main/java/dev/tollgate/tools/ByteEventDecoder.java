package dev.tollgate.tools;

import com.fasterxml.jackson.core.io.NumberInput;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes the common event lines straight from the bytes of the input file into the generated records: no String
 * per line, no JSON parser or tree, field names matched as bytes in the order {@link EventCodec#toLine} writes them,
 * repeated short strings (service, revision, method, route) shared. It takes only what it can decode exactly as
 * {@link EventCodec#decode(String)} does: evidence types whose fields are ASCII strings without escapes, numbers in
 * plain JSON form, booleans, enums and nulls, with {@code "type"} first; for anything else {@link #decode} returns
 * null and the caller hands the line to {@link FastEventDecoder} (which falls back to the codec, so errors and their
 * messages stay the codec's). One instance per thread: it keeps scratch buffers and string caches.
 */
final class ByteEventDecoder {
    private static final SpecificData DATA = SpecificData.get();
    private static final byte[] TYPE = ("\"" + EventCodec.TYPE + "\"").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY = EventCodec.KEY.getBytes(StandardCharsets.US_ASCII);
    private static final Plan[] PLANS;

    static {
        List<Plan> plans = new ArrayList<>();
        for (Class<? extends SpecificRecord> c : EventCodec.INPUT_TYPES) {
            if (!c.getSimpleName().equals("GatePolicy")) {
                plans.add(new Plan(c, EventCodec.schemaOf(c.getSimpleName())));
            }
        }
        PLANS = plans.toArray(Plan[]::new);
    }

    private final char[] number = new char[64];
    /** Per plan and field: a small cache of decoded strings (null where the field is not a string). */
    private final StringCache[][] caches;

    private byte[] b;
    private int pos;
    private int end;

    ByteEventDecoder() {
        caches = new StringCache[PLANS.length][];
        for (int i = 0; i < PLANS.length; i++) {
            caches[i] = new StringCache[PLANS[i].fields.length];
            for (int f = 0; f < PLANS[i].fields.length; f++) {
                if (PLANS[i].fields[f].kind == Kind.STRING) {
                    caches[i][f] = new StringCache();
                }
            }
        }
    }

    /** Marker: the line is not one this decoder takes. */
    private static final Object NO = new Object();

    /**
     * The event of the line {@code bytes[from, to)} (without its terminator), or null when this decoder does not take
     * the line (then the caller decodes its text with {@link FastEventDecoder#decode(String)}).
     */
    EventCodec.Event decode(byte[] bytes, int from, int to) {
        this.b = bytes;
        this.pos = from;
        this.end = to;
        try {
            return decodeLine();
        } catch (RuntimeException | ReflectiveOperationException e) {
            return null; // not on the fast path: the full decoders decide and explain
        } finally {
            this.b = null;
        }
    }

    private EventCodec.Event decodeLine() throws ReflectiveOperationException {
        skipWs();
        if (!take('{')) {
            return null;
        }
        skipWs();
        if (!takeBytes(TYPE)) {
            return null;
        }
        skipWs();
        if (!take(':')) {
            return null;
        }
        skipWs();
        int planIndex = plan();
        if (planIndex < 0) {
            return null;
        }
        Plan plan = PLANS[planIndex];
        StringCache[] cache = caches[planIndex];
        SpecificRecord record = plan.constructor.newInstance();
        Field[] fields = plan.fields;
        long seen = 0;
        String key = null;
        boolean keySeen = false;
        int next = 0;
        skipWs();
        while (take(',')) {
            skipWs();
            if (!take('"')) {
                return null;
            }
            int nameStart = pos;
            int nameEnd = endOfPlainString();
            if (nameEnd < 0) {
                return null;
            }
            skipWs();
            if (!take(':')) {
                return null;
            }
            skipWs();
            if (equal(nameStart, nameEnd, KEY)) {
                if (keySeen) {
                    return null;
                }
                keySeen = true;
                if (b[pos] == '"') {
                    pos++;
                    int s = pos;
                    int e = endOfPlainString();
                    if (e < 0) {
                        return null;
                    }
                    key = ascii(s, e);
                } else if (!takeNull()) {
                    return null;
                }
                skipWs();
                continue;
            }
            int f = next < fields.length && equal(nameStart, nameEnd, fields[next].name)
                    ? next
                    : find(fields, nameStart, nameEnd);
            if (f < 0 || (seen & (1L << f)) != 0) {
                return null;
            }
            Object value = value(fields[f], cache[f]);
            if (value == NO) {
                return null;
            }
            record.put(f, value);
            seen |= 1L << f;
            next = f + 1;
            skipWs();
        }
        if (!take('}')) {
            return null;
        }
        skipWs();
        if (pos != end) {
            return null;
        }
        if (seen != plan.all) {
            for (Field f : fields) {
                if ((seen & (1L << f.pos)) == 0) {
                    if (!f.field.hasDefaultValue()) {
                        return null;
                    }
                    record.put(f.pos, DATA.deepCopy(f.field.schema(), DATA.getDefaultValue(f.field)));
                }
            }
        }
        long timestamp = (Long) record.get(plan.timestampPos);
        if (key == null) {
            key = String.valueOf(record.get(plan.servicePos));
        }
        return new EventCodec.Event(plan.name, key, timestamp, record);
    }

    /** The index of the plan whose type name is the string at pos, or -1. */
    private int plan() {
        if (!take('"')) {
            return -1;
        }
        int s = pos;
        int e = endOfPlainString();
        if (e < 0) {
            return -1;
        }
        for (int i = 0; i < PLANS.length; i++) {
            if (equal(s, e, PLANS[i].nameBytes)) {
                return i;
            }
        }
        return -1;
    }

    private int find(Field[] fields, int s, int e) {
        for (int i = 0; i < fields.length; i++) {
            if (equal(s, e, fields[i].name)) {
                return i;
            }
        }
        return -1;
    }

    private Object value(Field f, StringCache cache) {
        byte c = b[pos];
        if (c == 'n') {
            return takeNull() && f.nullable ? null : NO;
        }
        switch (f.kind) {
            case STRING: {
                if (c != '"') {
                    return NO;
                }
                pos++;
                int s = pos;
                int e = endOfPlainString();
                return e < 0 ? NO : cache.get(b, s, e);
            }
            case ENUM: {
                if (c != '"') {
                    return NO;
                }
                pos++;
                int s = pos;
                int e = endOfPlainString();
                if (e < 0) {
                    return NO;
                }
                for (int i = 0; i < f.symbolBytes.length; i++) {
                    if (equal(s, e, f.symbolBytes[i])) {
                        return f.symbols[i];
                    }
                }
                return NO;
            }
            case BOOLEAN:
                if (takeWord("true")) {
                    return Boolean.TRUE;
                }
                return takeWord("false") ? Boolean.FALSE : NO;
            case INT:
            case LONG:
            case DOUBLE:
            case FLOAT:
                return number(f.kind);
            default:
                return NO;
        }
    }

    /**
     * A JSON number as the codec reads it: int and long only from integral numbers in range; double and float from
     * any number (an integral one converted from its long value, as Jackson does; a fractional one parsed with
     * correct rounding, as {@link Double#parseDouble} does). Anything unusual (long digit runs, non-finite results)
     * is left to the full decoders.
     */
    private Object number(Kind kind) {
        int start = pos;
        boolean negative = take('-');
        int digitsStart = pos;
        long value = 0;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            value = value * 10 + (b[pos] - '0');
            pos++;
        }
        int digits = pos - digitsStart;
        if (digits == 0 || digits > 18 || (digits > 1 && b[digitsStart] == '0')) {
            return NO;
        }
        boolean integral = true;
        if (pos < end && b[pos] == '.') {
            integral = false;
            pos++;
            if (!skipDigits()) {
                return NO;
            }
        }
        if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
            integral = false;
            pos++;
            if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
                pos++;
            }
            if (!skipDigits()) {
                return NO;
            }
        }
        if (pos < end && b[pos] != ',' && b[pos] != '}' && !isWs(b[pos])) {
            return NO;
        }
        long signed = negative ? -value : value;
        switch (kind) {
            case INT:
                return integral && signed >= Integer.MIN_VALUE && signed <= Integer.MAX_VALUE
                        ? (Object) (int) signed
                        : NO;
            case LONG:
                return integral ? (Object) signed : NO;
            default: {
                double d;
                if (integral) {
                    d = (double) signed;
                } else {
                    int len = pos - start;
                    if (len > number.length) {
                        return NO;
                    }
                    for (int i = 0; i < len; i++) {
                        number[i] = (char) b[start + i];
                    }
                    d = NumberInput.parseDouble(number, 0, len, true);
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        return NO;
                    }
                }
                return kind == Kind.FLOAT ? (Object) (float) d : (Object) d;
            }
        }
    }

    private boolean skipDigits() {
        int s = pos;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        return pos > s;
    }

    /**
     * Moves past the closing quote of a string whose opening quote is consumed; returns the end of its content, or
     * -1 when it has an escape, a control character or a non-ASCII byte (those lines take the full path).
     */
    private int endOfPlainString() {
        while (pos < end) {
            byte c = b[pos];
            if (c == '"') {
                return pos++;
            }
            if (c == '\\' || c < 0x20) { // a negative byte is non-ASCII
                return -1;
            }
            pos++;
        }
        return -1;
    }

    private boolean take(char c) {
        if (pos < end && b[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean takeNull() {
        return takeWord("null");
    }

    private boolean takeWord(String w) {
        int n = w.length();
        if (end - pos < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[pos + i] != w.charAt(i)) {
                return false;
            }
        }
        int after = pos + n;
        if (after < end && b[after] != ',' && b[after] != '}' && !isWs(b[after])) {
            return false;
        }
        pos = after;
        return true;
    }

    private boolean takeBytes(byte[] w) {
        if (end - pos < w.length) {
            return false;
        }
        for (int i = 0; i < w.length; i++) {
            if (b[pos + i] != w[i]) {
                return false;
            }
        }
        pos += w.length;
        return true;
    }

    private boolean equal(int s, int e, byte[] w) {
        if (e - s != w.length) {
            return false;
        }
        for (int i = 0; i < w.length; i++) {
            if (b[s + i] != w[i]) {
                return false;
            }
        }
        return true;
    }

    private void skipWs() {
        while (pos < end && isWs(b[pos])) {
            pos++;
        }
    }

    /** JSON whitespace (a line has no line terminators). */
    private static boolean isWs(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private String ascii(int s, int e) {
        return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    }

    /**
     * Recently decoded strings of one field, so that the values every event repeats (service, release, revision,
     * method, route) are one String each instead of one per event. Direct-mapped; a field whose values rarely repeat
     * (request ids) stops being cached after a while.
     */
    private static final class StringCache {
        private static final int SLOTS = 64;
        private static final int MAX_LENGTH = 64;
        private final byte[][] keys = new byte[SLOTS][];
        private final String[] values = new String[SLOTS];
        private int lookups;
        private int hits;
        private boolean off;

        String get(byte[] b, int s, int e) {
            int len = e - s;
            if (off || len > MAX_LENGTH) {
                return new String(b, s, len, StandardCharsets.ISO_8859_1);
            }
            int h = len;
            for (int i = s; i < e; i++) {
                h = 31 * h + b[i];
            }
            int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
            byte[] k = keys[slot];
            if (k != null && k.length == len && Arrays.equals(k, 0, len, b, s, e)) {
                hits++;
                return values[slot];
            }
            String v = new String(b, s, len, StandardCharsets.ISO_8859_1);
            keys[slot] = Arrays.copyOfRange(b, s, e);
            values[slot] = v;
            if (++lookups == 4096) {
                off = hits < lookups / 2; // mostly distinct values: copying them into the cache is wasted work
            }
            return v;
        }
    }

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

    /** How to read one field. */
    private static final class Field {
        final Schema.Field field;
        final int pos;
        final byte[] name;
        final Kind kind;
        final boolean nullable;
        final byte[][] symbolBytes;
        final Object[] symbols;

        Field(Schema.Field field) {
            this.field = field;
            this.pos = field.pos();
            this.name = field.name().getBytes(StandardCharsets.UTF_8);
            Schema s = field.schema();
            boolean isNullable = false;
            if (s.getType() == Schema.Type.UNION) {
                List<Schema> branches = s.getTypes();
                List<Schema> nonNull = branches.stream()
                        .filter(x -> x.getType() != Schema.Type.NULL)
                        .toList();
                isNullable = nonNull.size() == 1 && branches.size() == 2;
                s = isNullable ? nonNull.get(0) : null;
            }
            this.nullable = isNullable;
            this.kind = s == null ? Kind.OTHER : kindOf(s);
            if (kind == Kind.ENUM) {
                List<String> names = s.getEnumSymbols();
                symbolBytes = new byte[names.size()][];
                symbols = new Object[names.size()];
                for (int i = 0; i < names.size(); i++) {
                    symbolBytes[i] = names.get(i).getBytes(StandardCharsets.UTF_8);
                    symbols[i] = DATA.createEnum(names.get(i), s);
                }
            } else {
                symbolBytes = new byte[0][];
                symbols = new Object[0];
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
    }

    /** How to read one record type. */
    private static final class Plan {
        final String name;
        final byte[] nameBytes;
        final Constructor<? extends SpecificRecord> constructor;
        final Field[] fields;
        final long all;
        final int timestampPos;
        final int servicePos;

        Plan(Class<? extends SpecificRecord> type, Schema schema) {
            this.name = schema.getName();
            this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
            try {
                this.constructor = type.getConstructor();
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("generated record without a no-arg constructor: " + type, e);
            }
            this.fields = schema.getFields().stream().map(Field::new).toArray(Field[]::new);
            if (fields.length > 63) {
                throw new IllegalStateException(name + " has more fields than the decoder tracks");
            }
            this.all = (1L << fields.length) - 1;
            this.timestampPos = schema.getField(EventCodec.TIMESTAMP).pos();
            this.servicePos = schema.getField("service").pos();
        }
    }
}
