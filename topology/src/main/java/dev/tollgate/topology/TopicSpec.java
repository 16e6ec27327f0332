package dev.tollgate.topology;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * An immutable typed topic descriptor: the topic name with the serdes of its key and value.
 *
 * @param name  full topic name (prefix applied)
 * @param keySerde serde of the record key
 * @param valueSerde serde of the record value
 * @param <K> key type
 * @param <V> value type
 */
public record TopicSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }
}
