package dev.tollgate.topology.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.topology.study.StatisticsStudy.Config;
import dev.tollgate.topology.study.StatisticsStudy.Kind;
import dev.tollgate.topology.study.StatisticsStudy.Report;
import dev.tollgate.topology.study.StatisticsStudy.Rollout;
import dev.tollgate.topology.study.StatisticsStudy.Summary;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A small version of the statistics study (docs/statistics.md) for CI: 20 rollouts per scenario through the real
 * Evaluator. The full study runs outside CI with the command in docs/statistics.md.
 */
class StatisticsStudySmokeTest {
    private static final int N = 20;

    @Test
    void shouldRarelyRollBackAaCanariesAndCatchEveryRegression() {
        // when 20 rollouts per scenario run
        Report report = StatisticsStudy.run(new Config(N, 1, 7L, 0.01), false);

        // then Tollgate rolls back no A/A canary (alpha 1 %: 20 rollouts would show 0, rarely 1)
        Rollout[] aa = report.rollouts.get(Kind.AA);
        assertThat(Summary.of(aa, r -> r.tollgate).detected()).isLessThanOrEqualTo(1);
        // and the A/A rollouts promote through the steps to COMPLETE
        assertThat(Arrays.stream(aa)
                        .filter(r -> r.end == StatisticsStudy.End.COMPLETE)
                        .count())
                .isGreaterThanOrEqualTo(N - 1);
        // while a raw threshold checked on every event rolls back most of them
        assertThat(Summary.of(aa, r -> r.raw).detected()).isGreaterThan(N / 2);
        // and every regression is detected by Tollgate, naming the regressed gate
        for (Kind kind : Kind.values()) {
            if (kind == Kind.AA) {
                continue;
            }
            Rollout[] rs = report.rollouts.get(kind);
            assertThat(Summary.of(rs, r -> r.tollgate).detected())
                    .as(kind.label)
                    .isGreaterThanOrEqualTo(N - 1);
            assertThat(Arrays.stream(rs)
                            .filter(r -> r.tollgate.detected())
                            .allMatch(r ->
                                    Arrays.asList(r.tollgate.what.split(",")).contains(kind.gate)))
                    .as(kind.label)
                    .isTrue();
        }
        // and the report renders
        String doc = StatisticsStudy.document(report, StatisticsStudy.command(report.config));
        assertThat(doc)
                .contains("| **Tollgate** (sequential")
                .contains("Flagger-style")
                .contains("error-rate FAIL: canary 2.200%");
    }

    @Test
    void shouldComputeExactBinomialIntervals() {
        // zero of 1000: the upper bound is 1 − 0.025^(1/1000)
        double[] zero = StatisticsStudy.clopperPearson(0, 1_000, 0.05);
        assertThat(zero[0]).isEqualTo(0.0);
        assertThat(zero[1]).isCloseTo(1 - Math.pow(0.025, 1.0 / 1_000), org.assertj.core.api.Assertions.within(1e-9));
        // 5 of 10: symmetric around one half, the textbook [0.187, 0.813]
        double[] half = StatisticsStudy.clopperPearson(5, 10, 0.05);
        assertThat(half[0]).isCloseTo(0.1871, org.assertj.core.api.Assertions.within(1e-4));
        assertThat(half[1]).isCloseTo(0.8129, org.assertj.core.api.Assertions.within(1e-4));
    }

    @Test
    void shouldTrackTheRunningP95LikeASortedSample() {
        StatisticsStudy.Histogram h = new StatisticsStudy.Histogram();
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        double[] values = new double[2_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 80 * Math.exp(0.5 * r.nextGaussian());
            h.add(StatisticsStudy.Histogram.bucket(values[i]));
            double[] sorted = Arrays.copyOf(values, i + 1);
            Arrays.sort(sorted);
            double exact = sorted[(int) Math.floor(0.95 * i)];
            assertThat(Math.abs(h.p95() / exact - 1)).as("n = %d", i + 1).isLessThanOrEqualTo(0.0051);
        }
    }
}
