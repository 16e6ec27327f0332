package dev.tollgate.topology.store;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A serde that counts the bytes its serializer produced (for one store's metrics; single-threaded). */
final class CountingSerde<V> implements Serde<V> {
    private final Serde<V> inner;
    private long bytes;

    CountingSerde(Serde<V> inner) {
        this.inner = inner;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        inner.configure(configs, isKey);
    }

    @Override
    public Serializer<V> serializer() {
        Serializer<V> s = inner.serializer();
        return (topic, value) -> {
            byte[] b = s.serialize(topic, value);
            bytes += b == null ? 0 : b.length;
            return b;
        };
    }

    @Override
    public Deserializer<V> deserializer() {
        return inner.deserializer();
    }
}
