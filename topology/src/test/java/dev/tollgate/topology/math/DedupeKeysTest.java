package dev.tollgate.topology.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DedupeKeysTest {

    // printf 'src-42rev-7idx-abc' | sha256sum
    private static final String SRC42_REV7_IDXABC = "852384a694e1dd45bbcc12af056e500b8322b8f0c00bdb93e44f7028e2318513";

    @Test
    void shouldHashKnownString() {
        // given / when / then (printf 'abc' | sha256sum; printf '' | sha256sum)
        assertThat(DedupeKeys.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(DedupeKeys.sha256Hex(""))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void shouldDeriveKeyFromConcatenationWithoutSeparator() {
        // given no published key
        // when
        String key = DedupeKeys.sideEffectKey(null, "src-42", "rev-7", "idx-abc");

        // then
        assertThat(key).isEqualTo(SRC42_REV7_IDXABC);
        assertThat(DedupeKeys.sideEffectKey(null, "src-4", "2rev-7", "idx-abc")).isEqualTo(SRC42_REV7_IDXABC);
    }

    @Test
    void shouldUseGivenKeyUnlessBlank() {
        // given / when / then
        assertThat(DedupeKeys.sideEffectKey("my-key", "src-42", "rev-7", "idx-abc"))
                .isEqualTo("my-key");
        assertThat(DedupeKeys.sideEffectKey("  ", "src-42", "rev-7", "idx-abc")).isEqualTo(SRC42_REV7_IDXABC);
        assertThat(DedupeKeys.sideEffectKey("", "src-42", "rev-7", "idx-abc")).isEqualTo(SRC42_REV7_IDXABC);
    }

    @Test
    void shouldTreatNullPartsAsEmpty() {
        // given / when / then
        assertThat(DedupeKeys.sideEffectKey(null, "abc", null, null))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void shouldHashConsistentlyAcrossThreads() throws Exception {
        // given two threads hashing concurrently
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                results.add(pool.submit(() -> {
                    boolean ok = true;
                    for (int i = 0; i < 2_000; i++) {
                        ok &= DedupeKeys.sideEffectKey(null, "src-42", "rev-7", "idx-abc")
                                .equals(SRC42_REV7_IDXABC);
                    }
                    return ok;
                }));
            }
            // when / then
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
