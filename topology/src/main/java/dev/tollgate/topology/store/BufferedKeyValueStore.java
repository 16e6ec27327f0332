package dev.tollgate.topology.store;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
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
 * <p>It is the one object cache of the evaluator's state: values written since the last flush ({@code dirty})
 * and, after a flush, the most recently used values as the live objects they were ({@code clean}, bounded
 * LRU), so a get-mutate-put cycle costs no serialization, and reading a state back after a commit does not
 * decode it again. Both are dropped whenever the wrapped store may change underneath (init, close, recycle).
 * Values handed to {@link #put} must not be mutated by the caller unless they are put again. Range reads go to
 * the wrapped store after draining the buffer.
 *
 * <p>Metrics (group {@code tollgate-state-cache}, tags {@code task-id} and {@code store}): {@code hit-total},
 * {@code miss-total}, {@code flush-total}, {@code flushed-entries-total} and {@code flushed-bytes-total}
 * (bytes of the encoded values written to the changelogged store), also readable through {@link #stats()}.
 */
public final class BufferedKeyValueStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {
    /** Decoded values kept after a flush, per store (task). */
    public static final int DEFAULT_CLEAN_CAPACITY = 1_000;

    private final KeyValueStore<K, V> inner;
    private final LongSupplier bytesWritten;
    private final Map<K, V> dirty = new HashMap<>();
    private final LinkedHashMap<K, V> clean;
    private final CacheMetrics metrics = new CacheMetrics();

    /**
     * @param inner         the changelogged store, without a cache of its own
     * @param bytesWritten  total bytes the inner store's value serializer produced so far (for the metrics)
     * @param cleanCapacity decoded values kept after a flush
     */
    public BufferedKeyValueStore(KeyValueStore<K, V> inner, LongSupplier bytesWritten, int cleanCapacity) {
        this.inner = inner;
        this.bytesWritten = bytesWritten;
        this.clean = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > cleanCapacity;
            }
        };
    }

    /** A store without byte accounting and with the default clean capacity. */
    public BufferedKeyValueStore(KeyValueStore<K, V> inner) {
        this(inner, () -> 0L, DEFAULT_CLEAN_CAPACITY);
    }

    /** Cache counters since the store was created. */

    /** The cache counters. */
    public CacheMetrics.Stats stats() {
        return metrics.stats();
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            delete(key);
        } else {
            clean.remove(key);
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
        clean.remove(key);
        inner.delete(key);
        return old;
    }

    @Override
    public V get(K key) {
        V v = dirty.get(key);
        if (v == null) {
            v = clean.get(key);
        }
        if (v != null) {
            metrics.hit();
            return v;
        }
        metrics.miss();
        v = inner.get(key);
        if (v != null) {
            clean.put(key, v);
        }
        return v;
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
        metrics.publish();
        if (dirty.isEmpty()) {
            return;
        }
        long before = bytesWritten.getAsLong();
        int n = dirty.size();
        for (Map.Entry<K, V> e : dirty.entrySet()) {
            inner.put(e.getKey(), e.getValue());
            clean.put(e.getKey(), e.getValue());
        }
        dirty.clear();
        long bytes = bytesWritten.getAsLong() - before;
        metrics.flushed(n, bytes);
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        dirty.clear();
        clean.clear();
        inner.init(context, root);
        metrics.register(context, name());
    }

    /** Called by Kafka Streams before each commit's transaction commits: writes the buffer through. */
    @Override
    public void flushCache() {
        drain();
    }

    /** Called when Streams recycles the task (active to standby): nothing cached may outlive it. */
    @Override
    public void clearCache() {
        dirty.clear();
        clean.clear();
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
        clean.clear();
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
