package dev.tollgate.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ReplaceThreadHandlerTest {
    private final AtomicLong now = new AtomicLong(0);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @Test
    void shouldReplaceDyingThreadsUntilTheyDieTooOften() {
        // given
        ReplaceThreadHandler h = new ReplaceThreadHandler(2, Duration.ofMinutes(1), clock);
        RuntimeException boom = new IllegalStateException("boom");

        // when / then
        assertThat(h.handle(boom)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(h.handle(boom)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(h.handle(boom)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldForgetReplacementsOutsideTheWindow() {
        // given
        ReplaceThreadHandler h = new ReplaceThreadHandler(1, Duration.ofMinutes(1), clock);
        h.handle(new IllegalStateException("first"));

        // when
        now.set(Duration.ofMinutes(2).toMillis());

        // then
        assertThat(h.handle(new IllegalStateException("later")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
}
