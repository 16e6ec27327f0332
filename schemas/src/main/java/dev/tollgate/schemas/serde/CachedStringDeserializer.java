package dev.tollgate.schemas.serde;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A UTF-8 string deserializer for record keys that repeat (Tollgate's keys are service names): a key seen recently
 * comes back as the same {@code String}, without decoding, allocating or hashing it again. Thread-safe.
 */
public final class CachedStringDeserializer implements Deserializer<String> {
    private final StringTable strings;

    /** A deserializer with 4,096 cache slots. */
    public CachedStringDeserializer() {
        this(4096);
    }

    /** @param slots cache slots, a power of two */
    public CachedStringDeserializer(int slots) {
        this.strings = new StringTable(slots);
    }

    @Override
    public String deserialize(String topic, byte[] data) {
        return data == null ? null : strings.get(data, 0, data.length);
    }

    @Override
    public String deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }
}
