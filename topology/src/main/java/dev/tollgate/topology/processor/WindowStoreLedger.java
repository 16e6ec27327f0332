package dev.tollgate.topology.processor;

import dev.tollgate.topology.engine.KeyLedger;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * {@link KeyLedger} on a windowed store: each key is written at its event time, lookups read the
 * policy's retention around it, and the store's own retention drops old segments so state stays bounded.
 */
final class WindowStoreLedger implements KeyLedger {
    private static final char SEP = '\u0000';
    private final WindowStore<String, String> store;
    private final long maxRetentionMs;

    WindowStoreLedger(WindowStore<String, String> store, long maxRetentionMs) {
        this.store = store;
        this.maxRetentionMs = maxRetentionMs;
    }

    @Override
    public long[] delivery(String service, String key, long ts, boolean hit, long retentionMs) {
        String k = service + SEP + 'i' + SEP + key;
        long n = 0;
        long h = 0;
        try (WindowStoreIterator<String> it = fetch(k, ts, retentionMs)) {
            while (it.hasNext()) {
                String v = it.next().value;
                int comma = v.indexOf(',');
                long vn = Long.parseLong(v, 0, comma, 10);
                if (vn > n) {
                    n = vn;
                    h = Long.parseLong(v, comma + 1, v.length(), 10);
                }
            }
        }
        store.put(k, (n + 1) + "," + (h + (hit ? 1 : 0)), ts);
        return new long[] {n, h};
    }

    @Override
    public String sideEffect(String service, String key, long ts, String revision, long retentionMs) {
        String k = service + SEP + 's' + SEP + key;
        String before = null;
        try (WindowStoreIterator<String> it = fetch(k, ts, retentionMs)) {
            if (it.hasNext()) {
                before = it.next().value;
            }
        }
        if (before == null) {
            store.put(k, revision, ts);
        }
        return before;
    }

    @Override
    public String queueOffset(String service, String key, long ts, String revision, long retentionMs) {
        String k = service + SEP + 'q' + SEP + key;
        String other = null;
        try (WindowStoreIterator<String> it = fetch(k, ts, retentionMs)) {
            while (it.hasNext() && other == null) {
                String v = it.next().value;
                if (!v.equals(revision)) {
                    other = v;
                }
            }
        }
        if (other == null) {
            store.put(k, revision, ts);
        }
        return other;
    }

    private WindowStoreIterator<String> fetch(String key, long ts, long retentionMs) {
        long r = Math.min(retentionMs, maxRetentionMs);
        return store.fetch(key, Math.max(0, ts - r), ts + r);
    }
}
