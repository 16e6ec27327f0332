package dev.tollgate.topology.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.topology.SourceLag;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceWatermarksTest {
    private static final long IDLE = 1_000;
    private static final long T = 1_767_000_000_000L;
    private static final long WALL = 5_000_000L;

    private final SourceWatermarks w = new SourceWatermarks(IDLE, 1_000, List.of("requests", "side-effects"), WALL);

    @Test
    void shouldHoldEverythingUntilEverySourceDeliveredOrWentIdle() {
        // given requests delivered but side effects not yet
        w.observe("requests", T + 10_000, WALL + 10);

        // then the unseen side-effects source holds the source time back
        assertThat(w.sourceTime(WALL + 10)).isEqualTo(Long.MIN_VALUE);
        // and once it has been quiet for idle.ms after the task's first record it no longer does
        w.observe("requests", T + 10_500, WALL + 500);
        assertThat(w.sourceTime(WALL + 10 + IDLE - 1)).isEqualTo(Long.MIN_VALUE);
        assertThat(w.sourceTime(WALL + 10 + IDLE)).isEqualTo(T + 10_500);
    }

    @Test
    void shouldNotJudgeIdlenessBeforeTheTasksFirstRecord() {
        // given a task whose first record comes long after it was initialized (a slow restore, a loaded machine)
        long first = WALL + 30_000;

        // when requests deliver first
        w.observe("requests", T + 10_000, first);

        // then side effects, not fetched yet, still hold the source time back
        assertThat(w.sourceTime(first)).isEqualTo(Long.MIN_VALUE);
        w.observe("side-effects", T + 9_000, first + 300);
        assertThat(w.sourceTime(first + 300)).isEqualTo(T + 9_000);
    }

    @Test
    void shouldBeTheSlowestActiveSource() {
        // given both sources delivering, side effects behind
        w.observe("requests", T + 10_000, WALL + 10);
        w.observe("side-effects", T + 4_000, WALL + 20);
        w.observe("requests", T + 12_000, WALL + 30);

        // then the source time is the slower source's
        assertThat(w.sourceTime(WALL + 30)).isEqualTo(T + 4_000);
        // and a record of the slow source moves it
        w.observe("side-effects", T + 11_000, WALL + 40);
        assertThat(w.sourceTime(WALL + 40)).isEqualTo(T + 11_000);
    }

    @Test
    void shouldNotLetARecordOlderThanTheSourcesLatestMoveItBack() {
        w.observe("requests", T + 10_000, WALL);
        w.observe("side-effects", T + 10_000, WALL);
        w.observe("side-effects", T + 8_000, WALL + 1);
        assertThat(w.sourceTime(WALL + 1)).isEqualTo(T + 10_000);
    }

    @Test
    void shouldReactivateAnIdleSourceWithItsNextRecord() {
        // given side effects idle while requests go on
        w.observe("side-effects", T, WALL);
        w.observe("requests", T + 1_000, WALL + 500);
        w.observe("requests", T + 3_000, WALL + 1_000);
        w.observe("requests", T + 5_000, WALL + 1_500);
        assertThat(w.sourceTime(WALL + 1_500)).isEqualTo(T + 5_000);

        // when side effects deliver again
        w.observe("side-effects", T + 4_500, WALL + 1_600);

        // then they hold the source time again
        assertThat(w.sourceTime(WALL + 1_600)).isEqualTo(T + 4_500);
    }

    @Test
    void shouldGiveEverySourceAFreshIdlePeriodAfterTheWholeTaskPaused() {
        // given both sources active
        w.observe("requests", T + 1_000, WALL);
        w.observe("side-effects", T + 1_000, WALL);

        // when the task receives nothing for a minute (SIGSTOP, broker away) and requests come back first
        long resumed = WALL + 60_000;
        w.observe("requests", T + 30_000, resumed);

        // then side effects, silent only because the task was, still hold the source time
        assertThat(w.sourceTime(resumed)).isEqualTo(T + 1_000);
        assertThat(w.sourceTime(resumed + IDLE - 1)).isEqualTo(T + 1_000);
        // and only a real silence of idle.ms while the task receives records makes them idle
        w.observe("requests", T + 30_600, resumed + 600);
        assertThat(w.sourceTime(resumed + IDLE)).isEqualTo(T + 30_600);
    }

    @Test
    void shouldBeNoneWhenEverySourceIsIdle() {
        w.observe("requests", T, WALL);
        w.observe("side-effects", T, WALL);
        assertThat(w.sourceTime(WALL + IDLE)).isEqualTo(SourceWatermarks.NONE);
    }

    @Test
    void shouldSweepWaitingServicesOncePerTickOfSourceTime() {
        // given two services ahead of the source time
        w.ahead("a");
        w.ahead("b");

        // when the source time enters a tick, then both are due, once
        assertThat(w.sweep(T + 1_500)).containsExactly("a", "b");
        assertThat(w.sweep(T + 1_700)).isEmpty();

        // and a service still ahead after its sweep is due again at the next tick
        w.ahead("b");
        assertThat(w.sweep(T + 1_900)).isEmpty();
        assertThat(w.sweep(T + 2_000)).containsExactly("b");
    }

    @Test
    void shouldRejectANonPositiveIdlePeriod() {
        assertThatThrownBy(() -> new SourceWatermarks(0, 1_000, List.of("x"), WALL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idleMs");
    }

    @Test
    void shouldNotTakeASilentSourceAsIdleWhileRecordsWaitForItOnTheBroker() {
        // given a consumer that has side-effect records still to fetch (a catch-up), then none
        long[] sideEffectLag = {500};
        SourceWatermarks lagging = new SourceWatermarks(
                IDLE,
                1_000,
                List.of("requests", "side-effects"),
                WALL,
                3,
                (topic, partition) -> topic.equals("side-effects") && partition == 3 ? sideEffectLag[0] : 0);
        lagging.observe("side-effects", T + 1_000, WALL);
        lagging.observe("requests", T + 30_000, WALL + 500);
        lagging.observe("requests", T + 50_000, WALL + 1_000);
        lagging.observe("requests", T + 70_000, WALL + 1_500);
        lagging.observe("requests", T + 90_000, WALL + 2_000);

        // then side effects, silent for 2 s while requests raced a minute ahead, still hold the source time
        assertThat(lagging.sourceTime(WALL + 2_000)).isEqualTo(T + 1_000);
        // and once the consumer has nothing more of them, they are idle (the lag is asked again after 100 ms)
        sideEffectLag[0] = 0;
        assertThat(lagging.sourceTime(WALL + 2_050)).isEqualTo(T + 1_000);
        assertThat(lagging.sourceTime(WALL + 2_100)).isEqualTo(T + 90_000);
    }

    @Test
    void shouldTakeOnlyABrokerAnswerFromAfterTheSilenceBeganAsCaughtUp() {
        // given a lag source whose last broker answer (lag 0) was asked for at WALL + 200
        long[] answeredAt = {WALL + 200};
        SourceLag lag = new SourceLag() {
            @Override
            public long lag(String topic, int partition) {
                return 0;
            }

            @Override
            public long lagSince(String topic, int partition, long since) {
                return answeredAt[0] >= since ? 0 : SourceLag.UNKNOWN;
            }
        };
        SourceWatermarks w = new SourceWatermarks(IDLE, 1_000, List.of("requests", "side-effects"), WALL, 0, lag);
        w.observe("side-effects", T + 1_000, WALL + 500);
        w.observe("requests", T + 30_000, WALL + 1_000);
        w.observe("requests", T + 60_000, WALL + 2_000);

        // when side effects fell silent at WALL + 500, after that answer
        // then they hold the source time however long they have been silent (short of the safety valve)
        assertThat(w.sourceTime(WALL + 2_000)).isEqualTo(T + 1_000);
        // and an answer asked for after they fell silent makes them idle
        answeredAt[0] = WALL + 1_700;
        assertThat(w.sourceTime(WALL + 2_200)).isEqualTo(T + 60_000);
        assertThat(w.caughtUp("side-effects", WALL + 1_700)).isTrue();
        assertThat(w.caughtUp("side-effects", WALL + 1_701)).isFalse();
    }

    @Test
    void shouldTakeASourceWhoseLagStaysUnknownAsIdleAfterALongSilence() {
        SourceWatermarks unknown =
                new SourceWatermarks(IDLE, 1_000, List.of("requests", "probes"), WALL, 0, (topic, partition) -> -1);
        unknown.observe("probes", T, WALL);
        for (long ms = 0; ms <= SourceWatermarks.MAX_HOLD_FACTOR * IDLE; ms += 500) {
            unknown.observe("requests", T + ms, WALL + ms);
        }
        long end = WALL + SourceWatermarks.MAX_HOLD_FACTOR * IDLE;
        assertThat(unknown.sourceTime(end - 1)).isEqualTo(T);
        assertThat(unknown.sourceTime(end)).isEqualTo(T + SourceWatermarks.MAX_HOLD_FACTOR * IDLE);
    }
}
