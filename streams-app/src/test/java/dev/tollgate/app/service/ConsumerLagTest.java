package dev.tollgate.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.topology.SourceLag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The lag the per-source watermarks see: the consumer's position against the broker's end of the partition, only
 * from a broker answer asked for after the given time, and only on the stream thread that owns the consumer.
 */
class ConsumerLagTest {
    private static final TopicPartition REQUESTS_3 = new TopicPartition("t.requests", 3);

    private final AtomicLong wallClock = new AtomicLong(10_000);
    private final Map<TopicPartition, Long> brokerEnds = new HashMap<>();
    private final List<List<TopicPartition>> asked = new ArrayList<>();
    private final List<IsolationLevel> isolations = new ArrayList<>();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

    private ConsumerLag lag() {
        ConsumerLag lag = new ConsumerLag(
                (partitions, isolation) -> {
                    asked.add(List.copyOf(partitions));
                    isolations.add(isolation);
                    Map<TopicPartition, Long> out = new HashMap<>();
                    partitions.forEach(tp -> out.put(tp, brokerEnds.get(tp)));
                    return out;
                },
                wallClock::get);
        lag.register(
                Map.of(
                        "client.id",
                        Thread.currentThread().getName() + "-consumer",
                        "isolation.level",
                        "read_committed"),
                consumer);
        consumer.assign(List.of(REQUESTS_3));
        consumer.updateBeginningOffsets(Map.of(REQUESTS_3, 0L));
        consumer.seek(REQUESTS_3, 40);
        return lag;
    }

    @Test
    void shouldAnswerFromTheBrokersEndAskedForAfterTheGivenTime() {
        // given a stream thread's consumer at offset 40 of a partition whose end the broker reports as 40
        ConsumerLag lag = lag();
        brokerEnds.put(REQUESTS_3, 40L);

        // when nothing was asked yet, then the lag is unknown, and the partition is asked about at the next refresh
        assertThat(lag.lagSince("t.requests", 3, 9_000)).isEqualTo(SourceLag.UNKNOWN);
        lag.refresh();
        assertThat(asked).containsExactly(List.of(REQUESTS_3));
        assertThat(isolations).containsExactly(IsolationLevel.READ_COMMITTED);

        // then the answer (asked at 10,000) counts for a silence that began before it, not for a later one
        assertThat(lag.lagSince("t.requests", 3, 9_000)).isZero();
        assertThat(lag.lagSince("t.requests", 3, 10_000)).isZero();
        assertThat(lag.lagSince("t.requests", 3, 10_001)).isEqualTo(SourceLag.UNKNOWN);

        // and a producer appending 25 records shows once the broker is asked again
        brokerEnds.put(REQUESTS_3, 65L);
        wallClock.set(10_500);
        lag.refresh();
        assertThat(lag.lagSince("t.requests", 3, 10_001)).isEqualTo(25);
    }

    @Test
    void shouldNotAnswerOnAThreadWithoutAConsumer() throws Exception {
        // given a lag source whose consumer belongs to this thread, with a fresh broker answer
        ConsumerLag lag = lag();
        brokerEnds.put(REQUESTS_3, 40L);
        lag.lagSince("t.requests", 3, 0);
        lag.refresh();

        // when another thread asks
        long[] answer = new long[1];
        Thread other = new Thread(() -> answer[0] = lag.lagSince("t.requests", 3, 0), "not-a-stream-thread");
        other.start();
        other.join();

        // then it gets no answer
        assertThat(answer[0]).isEqualTo(SourceLag.UNKNOWN);
        assertThat(lag.lagSince("t.requests", 3, 0)).isZero();
    }

    @Test
    void shouldLetTheAnswersAgeWhenTheBrokerCannotBeAsked() {
        // given a lag source with an answer at 10,000
        ConsumerLag lag = new ConsumerLag(
                (partitions, isolation) -> {
                    if (wallClock.get() > 10_000) {
                        throw new org.apache.kafka.common.errors.TimeoutException("broker away");
                    }
                    return Map.of(REQUESTS_3, 40L);
                },
                wallClock::get);
        lag.register(Map.of("client.id", Thread.currentThread().getName() + "-consumer"), consumer);
        consumer.assign(List.of(REQUESTS_3));
        consumer.seek(REQUESTS_3, 40);
        lag.lagSince("t.requests", 3, 0);
        lag.refresh();

        // when the broker goes away and a partition falls silent after the last answer
        wallClock.set(20_000);
        lag.refresh();

        // then that silence gets no answer (it keeps holding ticks back), earlier ones keep theirs
        assertThat(lag.lagSince("t.requests", 3, 15_000)).isEqualTo(SourceLag.UNKNOWN);
        assertThat(lag.lagSince("t.requests", 3, 5_000)).isZero();
    }
}
