package dev.tollgate.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.metrics.DlqListener;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbConfigSetterTest {

    @Test
    void shouldWireTheSetterAndTheBudgetIntoTheStreamsProperties() {
        // given
        TollgateConfig bounded = TollgateConfig.fromMap(
                Map.of("bootstrap.servers", "k:9092", "rocksdb.memory.bytes", "134217728"), "test", Map.of());
        TollgateConfig off = TollgateConfig.fromMap(
                Map.of("bootstrap.servers", "k:9092", "rocksdb.memory.bytes", "0"), "test", Map.of());

        // when
        Properties p = TollgateService.streamsProperties(bounded, DlqListener.NOOP);
        Properties q = TollgateService.streamsProperties(off, DlqListener.NOOP);

        // then
        assertThat(p)
                .containsEntry(
                        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfigSetter.class.getName())
                .containsEntry(BoundedRocksDbConfigSetter.CONFIG, 134_217_728L);
        assertThat(q).doesNotContainKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
        assertThat(TollgateConfig.fromMap(Map.of("bootstrap.servers", "k:9092"), "test", Map.of())
                        .rocksDbMemoryBytes())
                .isEqualTo(256L * 1024 * 1024);
    }

    @Test
    void shouldGiveEveryStoreTheSameCacheAndWriteBufferManager() {
        // given
        RocksDB.loadLibrary();
        Map<String, Object> configs = new HashMap<>(Map.of(BoundedRocksDbConfigSetter.CONFIG, 64L * 1024 * 1024));
        BoundedRocksDbConfigSetter setter = new BoundedRocksDbConfigSetter();

        // when
        try (Options a = new Options();
                Options b = new Options()) {
            a.setTableFormatConfig(new BlockBasedTableConfig());
            b.setTableFormatConfig(new BlockBasedTableConfig());
            setter.setConfig("store-a", a, configs);
            setter.setConfig("store-b", b, configs);

            // then: one shared budget, memtables capped and counted in it
            BoundedRocksDbConfigSetter.Shared shared = BoundedRocksDbConfigSetter.shared(64L * 1024 * 1024);
            assertThat(BoundedRocksDbConfigSetter.shared(64L * 1024 * 1024)).isSameAs(shared);
            assertThat(a.writeBufferSize()).isEqualTo(8L * 1024 * 1024);
            assertThat(a.maxWriteBufferNumber()).isEqualTo(2);
            assertThat(((BlockBasedTableConfig) a.tableFormatConfig()).cacheIndexAndFilterBlocks())
                    .isTrue();
            assertThat(((BlockBasedTableConfig) b.tableFormatConfig()).blockSize())
                    .isEqualTo(16 * 1024L);
            setter.close("store-a", a);
            setter.close("store-b", b);
        }
    }
}
