package dev.tollgate.app.service;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs why a stream thread died and replaces it. A thread that keeps dying on the same cause (e.g. a record
 * that crashes it after every restart) would otherwise spin forever; after {@code maxReplacements} within
 * {@code window} the handler shuts the client down instead, so the process exits non-zero and the
 * orchestrator's restart policy and alerts take over.
 */
public final class ReplaceThreadHandler implements StreamsUncaughtExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ReplaceThreadHandler.class);

    private final int maxReplacements;
    private final Duration window;
    private final Clock clock;
    private final Deque<Long> replacements = new ArrayDeque<>();

    /**
     * @param maxReplacements replacements allowed within the window before shutting down
     * @param window          the sliding window
     * @param clock           wall clock
     */
    public ReplaceThreadHandler(int maxReplacements, Duration window, Clock clock) {
        this.maxReplacements = maxReplacements;
        this.window = window;
        this.clock = clock;
    }

    /** Ten replacements within ten minutes. */
    public ReplaceThreadHandler() {
        this(10, Duration.ofMinutes(10), Clock.systemUTC());
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        long now = clock.millis();
        while (!replacements.isEmpty() && replacements.peekFirst() < now - window.toMillis()) {
            replacements.removeFirst();
        }
        if (replacements.size() >= maxReplacements) {
            log.error(
                    "Stream thread died again, {} replacements within window=[{}]: shutting the client down "
                            + "exception=[{}]",
                    replacements.size(),
                    window,
                    String.valueOf(exception),
                    exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacements.addLast(now);
        log.error(
                "Stream thread died, replacing it thread=[{}] exception=[{}]",
                Thread.currentThread().getName(),
                String.valueOf(exception),
                exception);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
