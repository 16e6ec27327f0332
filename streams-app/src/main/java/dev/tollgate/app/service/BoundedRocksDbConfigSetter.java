package dev.tollgate.app.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the off-heap memory of every RocksDB store in the process (Kafka Streams opens one RocksDB per store
 * and task: about 6 tasks x 5 stores per pod, each with its own 50 MB block cache and 3 x 16 MB memtables by
 * default, so memory grows with the partitions an instance owns). Every store shares one {@link LRUCache} of
 * {@value #CONFIG} bytes; index and filter blocks live in it (high priority, top level pinned), and a
 * {@link WriteBufferManager} charges the memtables to the same cache with half of it as their limit. The cache
 * and manager are made once per size and never closed: they live as long as the process, as the stores that use
 * them come and go with rebalances.
 */
public final class BoundedRocksDbConfigSetter implements RocksDBConfigSetter {
    /** Key (in the Streams properties) of the shared budget in bytes; 0 leaves RocksDB's defaults. */
    public static final String CONFIG = "tollgate.rocksdb.memory.bytes";

    private static final Logger log = LoggerFactory.getLogger(BoundedRocksDbConfigSetter.class);
    private static final double INDEX_FILTER_RATIO = 0.1;
    private static final long BLOCK_SIZE = 16 * 1024L;
    private static final long MEMTABLE_BYTES = 8 * 1024 * 1024L;
    private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

    /** The cache and write-buffer manager of one budget. */
    record Shared(Cache cache, WriteBufferManager writeBuffers) {}

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long bytes = budget(configs);
        if (bytes <= 0) {
            return;
        }
        Shared shared = shared(bytes);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_SIZE);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(shared.writeBuffers());
        options.setWriteBufferSize(Math.min(MEMTABLE_BYTES, Math.max(1, bytes / 8)));
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write-buffer manager are shared by every store: closed never (process lifetime)
    }

    static long budget(Map<String, Object> configs) {
        Object v = configs.get(CONFIG);
        if (v == null) {
            return 0;
        }
        return v instanceof Number n
                ? n.longValue()
                : Long.parseLong(v.toString().trim());
    }

    /** The cache and manager of the given budget, made on first use. */
    static Shared shared(long bytes) {
        return SHARED.computeIfAbsent(bytes, b -> {
            Cache cache = new LRUCache(b, -1, false, INDEX_FILTER_RATIO);
            WriteBufferManager wbm = new WriteBufferManager(b / 2, cache);
            log.info("RocksDB memory bounded bytes=[{}] writeBufferBytes=[{}] shared by every store", b, b / 2);
            return new Shared(cache, wbm);
        });
    }
}
