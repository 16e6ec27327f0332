package dev.tollgate.topology.store;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Builds a {@link BufferedKeyValueStore} (one per task) around a standard persistent key-value store. */
public final class BufferedStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
    private final KeyValueBytesStoreSupplier supplier;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final int cleanCapacity;
    private boolean logging = true;
    private Map<String, String> logConfig = new HashMap<>();

    public BufferedStoreBuilder(
            KeyValueBytesStoreSupplier supplier, Serde<K> keySerde, Serde<V> valueSerde, int cleanCapacity) {
        this.supplier = supplier;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        this.cleanCapacity = cleanCapacity;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
        throw new UnsupportedOperationException("buffered stores are their own cache");
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
        logging = true;
        logConfig = new HashMap<>(config);
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
        logging = false;
        logConfig = new HashMap<>();
        return this;
    }

    @Override
    public KeyValueStore<K, V> build() {
        // the buffer is the cache: a Streams cache in between would only copy bytes again
        CountingSerde<V> counting = new CountingSerde<>(valueSerde);
        StoreBuilder<KeyValueStore<K, V>> inner =
                Stores.keyValueStoreBuilder(supplier, keySerde, counting).withCachingDisabled();
        inner = logging ? inner.withLoggingEnabled(logConfig) : inner.withLoggingDisabled();
        return new BufferedKeyValueStore<>(inner.build(), counting::bytes, cleanCapacity);
    }

    @Override
    public Map<String, String> logConfig() {
        return logConfig;
    }

    @Override
    public boolean loggingEnabled() {
        return logging;
    }

    @Override
    public String name() {
        return supplier.name();
    }
}
