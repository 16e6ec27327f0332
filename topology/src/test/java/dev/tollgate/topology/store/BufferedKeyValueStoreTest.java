package dev.tollgate.topology.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.junit.jupiter.api.Test;

/**
 * {@link BufferedKeyValueStore}: values stay buffered until Kafka Streams flushes caches, which it does before
 * a commit's transaction commits (so exactly-once covers the buffer).
 */
class BufferedKeyValueStoreTest {
    /** A map standing in for the changelogged store; counts writes. */
    private static final class MapStore implements KeyValueStore<String, String> {
        final TreeMap<String, String> map = new TreeMap<>();
        final List<String> writes = new ArrayList<>();

        @Override
        public void put(String key, String value) {
            writes.add(key + "=" + value);
            map.put(key, value);
        }

        @Override
        public String putIfAbsent(String key, String value) {
            return map.putIfAbsent(key, value);
        }

        @Override
        public void putAll(List<KeyValue<String, String>> entries) {
            entries.forEach(kv -> put(kv.key, kv.value));
        }

        @Override
        public String delete(String key) {
            return map.remove(key);
        }

        @Override
        public String get(String key) {
            return map.get(key);
        }

        @Override
        public KeyValueIterator<String, String> range(String from, String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyValueIterator<String, String> all() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long approximateNumEntries() {
            return map.size();
        }

        @Override
        public String name() {
            return "map";
        }

        @Override
        public void init(StateStoreContext context, StateStore root) {}

        @Override
        public void commit(Map<org.apache.kafka.common.TopicPartition, Long> changelogOffsets) {}

        @Override
        public void close() {}

        @Override
        public boolean persistent() {
            return true;
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    @Test
    void shouldBeACacheThatKafkaStreamsFlushesBeforeTheTransactionCommits() {
        // given a buffered store with two puts of the same key
        MapStore inner = new MapStore();
        BufferedKeyValueStore<String, String> store = new BufferedKeyValueStore<>(inner);
        store.put("checkout", "v1");
        store.put("checkout", "v2");

        // then nothing reached the wrapped store yet, and reads see the buffer
        assertThat(inner.writes).isEmpty();
        assertThat(store.get("checkout")).isEqualTo("v2");
        assertThat(store.dirtyCount()).isEqualTo(1);

        // when Kafka Streams flushes caches in prepareCommit (the only pre-commit hook of 4.x)
        assertThat(store).isInstanceOf(CachedStateStore.class);
        ((CachedStateStore<?, ?>) store).flushCache();

        // then the latest value is written through once
        assertThat(inner.writes).containsExactly("checkout=v2");
        assertThat(store.dirtyCount()).isZero();
        assertThat(store.get("checkout")).isEqualTo("v2");
    }

    @Test
    void shouldDropTheBufferWhenStreamsClearsCachesOfDiscardedWork() {
        // given a flushed value and a newer buffered one
        MapStore inner = new MapStore();
        BufferedKeyValueStore<String, String> store = new BufferedKeyValueStore<>(inner);
        store.put("checkout", "committed");
        store.flushCache();
        store.put("checkout", "uncommitted");

        // when the task's uncommitted work is discarded
        store.clearCache();

        // then the store answers with what was written through
        assertThat(store.get("checkout")).isEqualTo("committed");
        assertThat(inner.writes).containsExactly("checkout=committed");
    }

    @Test
    void shouldDeleteThroughAndForgetTheBufferedValue() {
        // given a buffered value
        MapStore inner = new MapStore();
        BufferedKeyValueStore<String, String> store = new BufferedKeyValueStore<>(inner);
        store.put("a", "1");
        store.flush();
        store.put("a", "2");

        // when it is deleted
        store.delete("a");
        store.flushCache();

        // then neither the buffer nor the wrapped store has it
        assertThat(store.get("a")).isNull();
        assertThat(inner.map).doesNotContainKey("a");
    }

    @Test
    void shouldKeepFlushedValuesAsLiveObjectsAndCountHitsMissesAndBytes() {
        // given a store whose inner store already holds one value, and a serializer that wrote 10 bytes per value
        MapStore inner = new MapStore();
        inner.map.put("search", "stored");
        BufferedKeyValueStore<String, String> store =
                new BufferedKeyValueStore<>(inner, () -> inner.writes.size() * 10L, 2);
        String value = new String("live");

        // when a value is put, flushed, and read twice; and a stored value is read twice
        store.put("checkout", value);
        store.flushCache();
        String first = store.get("checkout");
        store.get("checkout");
        store.get("search");
        store.get("search");

        // then the flushed object itself is returned (no decode), the stored one is read from the inner store once
        assertThat(first).isSameAs(value);
        assertThat(store.stats()).isEqualTo(new CacheMetrics.Stats(3, 1, 1, 1, 10));
    }

    @Test
    void shouldBoundTheCleanObjectsAndForgetThemWhenStreamsClearsCaches() {
        // given a store keeping at most two clean values
        MapStore inner = new MapStore();
        BufferedKeyValueStore<String, String> store = new BufferedKeyValueStore<>(inner, () -> 0L, 2);
        for (String k : java.util.List.of("a", "b", "c")) {
            store.put(k, k + "1");
        }
        store.flushCache();

        // when every key is read after a further change underneath the store (as a restore would)
        inner.map.put("a", "a-restored");
        inner.map.put("c", "c-restored");
        String a = store.get("a");
        store.clearCache();
        String c = store.get("c");

        // then the evicted value is read from the inner store, and after clearCache nothing stale is served
        assertThat(a).isEqualTo("a-restored");
        assertThat(c).isEqualTo("c-restored");
    }
}
