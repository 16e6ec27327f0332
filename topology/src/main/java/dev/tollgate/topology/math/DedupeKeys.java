package dev.tollgate.topology.math;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Dedupe keys of side effects, as the playbook defines them:
 * {@code sha256(source_id + event_rev + index_hash)}.
 *
 * <p>The three parts are concatenated without a separator, exactly as the playbook's formula (so
 * {@code "ab" + "c"} and {@code "a" + "bc"} collide, as they do for the services that compute the same
 * key), encoded as UTF-8 and hashed with SHA-256; the key is the lowercase hex digest (64 characters).
 * A null part counts as the empty string. Thread-safe: each thread reuses its own {@link MessageDigest}.
 */
public final class DedupeKeys {

    private static final HexFormat HEX = HexFormat.of();

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });

    private DedupeKeys() {}

    /**
     * The dedupe key of a side effect.
     *
     * @param given the published {@code dedupeKey}, may be null or blank
     * @param sourceId id of the source event
     * @param eventRev revision of the source event
     * @param indexHash index hash the effect ran against
     * @return {@code given} when it is non-null and not blank (unchanged), else the lowercase hex SHA-256
     *     of the UTF-8 bytes of {@code sourceId + eventRev + indexHash}
     */
    public static String sideEffectKey(String given, String sourceId, String eventRev, String indexHash) {
        if (given != null && !given.isBlank()) {
            return given;
        }
        return sha256Hex(nullToEmpty(sourceId) + nullToEmpty(eventRev) + nullToEmpty(indexHash));
    }

    /**
     * Lowercase hex SHA-256 of the UTF-8 bytes of a string.
     *
     * @param text the text, not null
     * @return 64 lowercase hex characters
     */
    public static String sha256Hex(String text) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
