package dev.tollgate.topology.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store that keeps written values as live objects and writes them through to the wrapped
 * (changelogged) store once per commit. The hot path so touches serialized state once per commit interval
 * instead of once per record.
 *
 * <p>Exactly-once needs every buffered value in the changelog <em>inside the transaction</em> that commits
 * the input offsets it reflects. Kafka Streams 4.x calls {@link #commit(Map)} (and {@code flush()}) only after
 * that transaction has committed; the one call it makes before is {@link CachedStateStore#flushCache()}, on
 * stores that are caches (as Kafka's own caching layer is). So this store is one: {@link #flushCache()}
 * drains the buffer. Without it, the last commit interval's state went into the next transaction and was lost
 * when an instance stopped or failed after a commit. {@code CachedStateStore} is an interface of Kafka
 * Streams' internals package: BufferedKeyValueStoreTest pins the contract, and RestartIT (run by hand, see
 * README "Known issues") shows a restart deciding exactly as a replay; rerun it when upgrading Kafka Streams.
 *
 * <p>Values handed to {@link #put} must not be mutated by the caller after the store is flushed unless
 * they are put again; {@link #get} returns the buffered object itself, so the usual get-mutate-put cycle
 * costs no serialization. Range reads go to the wrapped store after draining the buffer.
 */
public final class BufferedKeyValueStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {
    private final KeyValueStore<K, V> inner;
    private final Map<K, V> dirty = new HashMap<>();

    public BufferedKeyValueStore(KeyValueStore<K, V> inner) {
        this.inner = inner;
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            dirty.remove(key);
            inner.delete(key);
        } else {
            dirty.put(key, value);
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> kv : entries) {
            put(kv.key, kv.value);
        }
    }

    @Override
    public V delete(K key) {
        V old = get(key);
        dirty.remove(key);
        inner.delete(key);
        return old;
    }

    @Override
    public V get(K key) {
        V v = dirty.get(key);
        return v != null ? v : inner.get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        drain();
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        drain();
        return inner.all();
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries() + dirty.size();
    }

    /** Number of values waiting to be written through (for tests). */
    public int dirtyCount() {
        return dirty.size();
    }

    private void drain() {
        if (dirty.isEmpty()) {
            return;
        }
        for (Map.Entry<K, V> e : dirty.entrySet()) {
            inner.put(e.getKey(), e.getValue());
        }
        dirty.clear();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        inner.init(context, root);
    }

    /** Called by Kafka Streams before each commit's transaction commits: writes the buffer through. */
    @Override
    public void flushCache() {
        drain();
    }

    /** Called when Streams recycles the task (active to standby): nothing buffered may outlive it. */
    @Override
    public void clearCache() {
        dirty.clear();
    }

    /** Flush listeners are for forwarding caches; this buffer forwards nothing. */
    @Override
    public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void flush() {
        drain();
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        drain();
        inner.commit(changelogOffsets);
    }

    @Override
    public void close() {
        dirty.clear(); // unflushed partials belong to an uncommitted transaction: they are replayed
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }
}
