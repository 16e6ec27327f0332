package dev.tollgate.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The events of a JSON-lines input, decoded on worker threads and handed out in file order: a reader thread reads
 * the bytes in large chunks of whole lines, each chunk is decoded on a worker ({@link ByteEventDecoder}, else {@link
 * FastEventDecoder}), and {@link #next()} returns the chunks in order, at most a few ahead of the consumer (bounded
 * hand-off, so memory stays flat while the consumer, e.g. the replay engine, works on the previous chunk).
 *
 * <p>Lines are split as {@link java.io.BufferedReader#readLine()} splits them ({@code \n}, {@code \r} or {@code
 * \r\n}); blank lines are skipped but counted for line numbers; the text is UTF-8 and malformed bytes fail the read
 * ({@link UncheckedIOException}) as a strict reader does.
 */
public final class EventStream implements AutoCloseable {
    /** Bytes per chunk (grown for a longer line). */
    static final int CHUNK_BYTES = 1 << 20;

    private static final Future<Chunk> END = CompletableFuture.completedFuture(null);
    private static final ThreadLocal<ByteEventDecoder> DECODERS = ThreadLocal.withInitial(ByteEventDecoder::new);

    /**
     * The decoded non-blank lines of one chunk.
     *
     * @param decoded per non-blank line its input {@link EventCodec.Event} or the {@link EventFormatException} saying
     *                why it is none (without a line number)
     * @param lineNos per non-blank line its 1-based line number within the chunk
     * @param count   non-blank lines
     * @param lines   lines of the chunk, blank ones included
     */
    public record Chunk(Object[] decoded, int[] lineNos, int count, int lines) {}

    private final InputStream in;
    private final BlockingQueue<Future<Chunk>> queue;
    private final ExecutorService workers;
    private final Thread reader;
    private volatile boolean closed;

    /**
     * Starts reading.
     *
     * @param in      the input (not closed here)
     * @param threads decoding threads
     */
    public EventStream(InputStream in, int threads) {
        this.in = in;
        this.queue = new ArrayBlockingQueue<>(2 * threads + 2);
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tollgate-decode");
            t.setDaemon(true);
            return t;
        });
        this.reader = new Thread(this::readAll, "tollgate-read");
        reader.setDaemon(true);
        reader.start();
    }

    /** A stream with one decoding thread per processor. */
    public EventStream(InputStream in) {
        this(in, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * The next chunk in file order, or null at the end.
     *
     * @throws IOException          the input could not be read
     * @throws UncheckedIOException the input is not valid UTF-8
     */
    public Chunk next() throws IOException {
        Future<Chunk> f;
        try {
            f = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading", e);
        }
        if (f == END) {
            queue.add(END); // stays at the end for further calls
            return null;
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    private void readAll() {
        try {
            byte[] buf = new byte[CHUNK_BYTES];
            int len = 0;
            while (!closed) {
                int n = fill(buf, len);
                boolean eof = n < buf.length;
                if (eof) {
                    if (n > 0) {
                        submit(buf, n);
                    }
                    break;
                }
                int split = lastLineEnd(buf, n);
                if (split <= 0) {
                    buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
                    len = n;
                    continue;
                }
                byte[] nextBuf = new byte[Math.max(CHUNK_BYTES, 2 * (n - split))];
                System.arraycopy(buf, split, nextBuf, 0, n - split);
                submit(buf, split);
                buf = nextBuf;
                len = n - split;
            }
            queue.put(END);
        } catch (InterruptedException e) {
            // closed
        } catch (IOException | RuntimeException e) {
            try {
                queue.put(CompletableFuture.failedFuture(e));
            } catch (InterruptedException closing) {
                // closed: nobody reads the error
            }
        }
    }

    private void submit(byte[] buf, int len) throws InterruptedException {
        queue.put(workers.submit(() -> decode(buf, len)));
    }

    /** Reads until the buffer is full or the input ends; returns the bytes in the buffer. */
    private int fill(byte[] buf, int len) throws IOException {
        while (len < buf.length) {
            int r = in.read(buf, len, buf.length - len);
            if (r < 0) {
                break;
            }
            len += r;
        }
        return len;
    }

    /**
     * The offset after the last complete line terminator of {@code buf[0, n)}; a {@code \r} in the last byte does not
     * count (a {@code \n} may follow it in the next read), so {@code \r\n} never straddles two chunks.
     */
    static int lastLineEnd(byte[] buf, int n) {
        for (int i = n - 1; i >= 0; i--) {
            if (buf[i] == '\n' || (buf[i] == '\r' && i < n - 1)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Decodes the lines of one chunk. */
    static Chunk decode(byte[] b, int len) {
        ByteEventDecoder fast = DECODERS.get();
        Object[] decoded = new Object[Math.max(16, len / 256)];
        int[] lineNos = new int[decoded.length];
        int count = 0;
        int lineNo = 0;
        int i = 0;
        while (i < len) {
            int s = i;
            while (i < len && b[i] != '\n' && b[i] != '\r') {
                i++;
            }
            int e = i;
            if (i < len) {
                i += b[i] == '\r' && i + 1 < len && b[i + 1] == '\n' ? 2 : 1;
            }
            lineNo++;
            Object event = null;
            if (s < e && b[s] == '{') {
                event = fast.decode(b, s, e);
            }
            if (event == null) {
                String line = text(b, s, e);
                if (line.isBlank()) {
                    continue;
                }
                event = Replayer.decodeInput(line);
            }
            if (count == decoded.length) {
                decoded = Arrays.copyOf(decoded, count * 2);
                lineNos = Arrays.copyOf(lineNos, count * 2);
            }
            decoded[count] = event;
            lineNos[count++] = lineNo;
        }
        return new Chunk(decoded, lineNos, count, lineNo);
    }

    /** The text of a line: ASCII directly, anything else strictly as UTF-8. */
    private static String text(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            if (b[i] < 0) {
                try {
                    return StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(b, s, e - s))
                            .toString();
                } catch (CharacterCodingException x) {
                    throw new UncheckedIOException(x);
                }
            }
        }
        return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    }

    /** Stops reading and decoding (the input itself is the caller's to close). */
    @Override
    public void close() {
        closed = true;
        reader.interrupt();
        workers.shutdownNow();
        queue.clear();
    }
}
