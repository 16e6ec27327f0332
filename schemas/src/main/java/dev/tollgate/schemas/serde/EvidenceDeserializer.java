package dev.tollgate.schemas.serde;

import dev.tollgate.schemas.avro.RequestLog;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The deserializer of Tollgate's evidence topics: a {@link SpecificAvroDeserializer} reading each payload into the
 * generated class its writer schema names, with a fast path for request logs, which are most of the input.
 *
 * <p>A payload whose schema id the registry maps to a {@code RequestLog} schema with exactly the compiled field
 * layout is read by {@link RequestLogReader} (straight from the bytes, repeated strings from a cache). Everything
 * else, and every payload the fast path finds anything wrong with, goes through the generic deserializer, so the
 * records and the errors (with their messages) are the same as {@link SpecificAvroDeserializer}'s. Thread-safe.
 */
public final class EvidenceDeserializer implements Deserializer<SpecificRecord> {
    private final SpecificAvroDeserializer<SpecificRecord> generic;
    private final StringTable strings = new StringTable(1024);
    /** Schema id to whether the fast path reads it. */
    private final Map<Integer, Boolean> fast = new ConcurrentHashMap<>();

    private volatile int lastFastId = -1;

    /** Creates a deserializer that is set up by {@link #configure(Map, boolean)}. */
    public EvidenceDeserializer() {
        this(new SpecificAvroDeserializer<>());
    }

    /**
     * Creates a deserializer over a generic one (tests: a given registry client).
     *
     * @param generic reads what the fast path does not, into the class its writer schema names; configured by {@link
     *     #configure(Map, boolean)}
     */
    EvidenceDeserializer(SpecificAvroDeserializer<SpecificRecord> generic) {
        this.generic = generic;
    }

    /** Configures the generic deserializer (see {@link SerdeConfig}). */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        generic.configure(configs, isKey);
        fast.clear();
        lastFastId = -1;
    }

    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > WireFormat.HEADER_SIZE && data[0] == WireFormat.MAGIC_BYTE) {
            int id = WireFormat.readId(data, 0);
            if (id == lastFastId || isFast(topic, id)) {
                RequestLog r = RequestLogReader.read(data, WireFormat.HEADER_SIZE, data.length, strings);
                if (r != null) {
                    return r;
                }
            }
        }
        return generic.deserialize(topic, data);
    }

    @Override
    public SpecificRecord deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }

    @Override
    public void close() {
        generic.close();
    }

    private boolean isFast(String topic, int id) {
        Boolean known = fast.get(id);
        if (known == null) {
            Schema writer;
            try {
                writer = generic.writerSchemaReadAsNamed(topic, id);
            } catch (RuntimeException e) {
                // the generic path reports it, with the message it always gives
                return false;
            }
            // a schema the generic path cannot read (or reads into a given class) stays with the generic path
            known = writer != null && fastReadable(writer);
            fast.put(id, known);
        }
        if (known) {
            lastFastId = id;
        }
        return known;
    }

    /** Whether {@link RequestLogReader} reads payloads of this writer schema into what the generic path would. */
    static boolean fastReadable(Schema writer) {
        return RequestLogReader.ENABLED
                && writer.getType() == Schema.Type.RECORD
                && writer.getFullName().equals(RequestLog.getClassSchema().getFullName())
                && RequestLogReader.layoutOf(writer).equals(RequestLogReader.LAYOUT);
    }
}
