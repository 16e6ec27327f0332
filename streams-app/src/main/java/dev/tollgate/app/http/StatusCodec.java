package dev.tollgate.app.http;

import dev.tollgate.schemas.avro.RolloutStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Wire format of rollout status between Tollgate instances (interactive-query forwarding): Avro single-object
 * encoding (magic, schema fingerprint, binary), so an instance running another schema version fails loudly
 * instead of misreading. A list is a sequence of {@code [int length][single-object bytes]}.
 */
public final class StatusCodec {
    /** Content type of the encoding. */
    public static final String CONTENT_TYPE = "application/vnd.tollgate.rollout-status+avro";

    private StatusCodec() {}

    /** One status in the single-object encoding. */
    public static byte[] encode(RolloutStatus status) {
        try {
            ByteBuffer b = RolloutStatus.getEncoder().encode(status);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One status; fails when the bytes were written with another schema. */
    public static RolloutStatus decode(byte[] bytes) throws IOException {
        return RolloutStatus.getDecoder().decode(bytes);
    }

    /** A list of statuses, each length-prefixed. */
    public static byte[] encodeList(List<RolloutStatus> statuses) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (RolloutStatus s : statuses) {
                byte[] one = encode(s);
                out.writeInt(one.length);
                out.write(one);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A list written by {@link #encodeList(List)}. */
    public static List<RolloutStatus> decodeList(byte[] bytes) throws IOException {
        List<RolloutStatus> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            while (true) {
                int n;
                try {
                    n = in.readInt();
                } catch (EOFException end) {
                    return out;
                }
                if (n < 0 || n > bytes.length) {
                    throw new IOException("corrupt status list: record length " + n);
                }
                byte[] one = new byte[n];
                in.readFully(one);
                out.add(decode(one));
            }
        }
    }
}
