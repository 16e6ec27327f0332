package dev.tollgate.topology.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LambdaRuleTest {

    private static LambdaState classify(double... trajectory) {
        return LambdaRule.classify(trajectory);
    }

    @Test
    void shouldBeChaoticWhenLastStepRisesMoreThanChaosStep() {
        // given a last step of +0.05
        double[] trajectory = {0.10, 0.12, 0.17};

        // when / then
        assertThat(classify(trajectory)).isEqualTo(LambdaState.CHAOTIC);
    }

    @Test
    void shouldNotBeChaoticWhenLastStepIsExactlyChaosStep() {
        // given a last step of exactly 0.04 (0.04000000000000004 in doubles)
        double[] trajectory = {0.50, 0.54};

        // when
        LambdaState state = classify(trajectory);

        // then it is above the divergence step only
        assertThat(state).isEqualTo(LambdaState.DIVERGENT);
        assertThat(classify(0.50, 0.5400001)).isEqualTo(LambdaState.CHAOTIC);
    }

    @Test
    void shouldBeDivergentWhenLastStepRisesMoreThanDivergenceStep() {
        // given a last step of +0.021
        double[] trajectory = {0.30, 0.30, 0.321};

        // when / then
        assertThat(classify(trajectory)).isEqualTo(LambdaState.DIVERGENT);
    }

    @Test
    void shouldNotBeDivergentNorRecursiveWhenLastStepIsExactlyDivergenceStep() {
        // given a last step of exactly 0.02: not above 0.02, and |Δ| is not below 0.02
        double[] twoSteps = {0.50, 0.52};
        double[] longer = {0.40, 0.41, 0.42, 0.43, 0.44, 0.46};

        // when / then
        assertThat(classify(twoSteps)).isEqualTo(LambdaState.CONVERGENT);
        assertThat(classify(longer)).isEqualTo(LambdaState.CONVERGENT);
    }

    @Test
    void shouldBeDivergentWhenSignsFlipTwiceInLastFourDifferences() {
        // given differences +0.01, -0.01, +0.01 (two flips, small step)
        double[] trajectory = {0.30, 0.31, 0.30, 0.31};

        // when
        LambdaRule.Evaluation evaluation = LambdaRule.evaluate(trajectory);

        // then
        assertThat(evaluation.signFlips()).isEqualTo(2);
        assertThat(evaluation.state()).isEqualTo(LambdaState.DIVERGENT);
    }

    @Test
    void shouldNotBeDivergentWithOneSignFlip() {
        // given differences +0.01, +0.01, -0.01 (one flip)
        double[] trajectory = {0.30, 0.31, 0.32, 0.31};

        // when
        LambdaRule.Evaluation evaluation = LambdaRule.evaluate(trajectory);

        // then
        assertThat(evaluation.signFlips()).isEqualTo(1);
        assertThat(evaluation.state()).isEqualTo(LambdaState.CONVERGENT);
    }

    @Test
    void shouldCountOnlyTheLastFourDifferences() {
        // given two flips early (+, -, +) followed by four differences +, 0, 0, 0
        double[] trajectory = {0.30, 0.31, 0.30, 0.31, 0.31, 0.31, 0.31};

        // when
        LambdaRule.Evaluation evaluation = LambdaRule.evaluate(trajectory);

        // then
        assertThat(evaluation.signFlips()).isZero();
        assertThat(evaluation.state()).isEqualTo(LambdaState.CONVERGENT);
    }

    @Test
    void shouldSkipZeroDifferencesWhenCountingFlips() {
        // given +, 0, -, + (the zero neither flips nor breaks the run) and +, 0, - (one flip)
        double[] twoFlips = {0.30, 0.31, 0.31, 0.30, 0.31};
        double[] oneFlip = {0.30, 0.31, 0.31, 0.30};

        // when / then
        assertThat(LambdaRule.evaluate(twoFlips).signFlips()).isEqualTo(2);
        assertThat(classify(twoFlips)).isEqualTo(LambdaState.DIVERGENT);
        assertThat(LambdaRule.evaluate(oneFlip).signFlips()).isEqualTo(1);
        assertThat(classify(oneFlip)).isEqualTo(LambdaState.CONVERGENT);
    }

    @Test
    void shouldTreatRoundingNoiseDifferencesAsZero() {
        // given differences of +1e-12, -1e-12, +1e-12
        double[] trajectory = {0.31, 0.31 + 1e-12, 0.31, 0.31 + 1e-12};

        // when / then
        assertThat(LambdaRule.evaluate(trajectory).signFlips()).isZero();
        assertThat(classify(trajectory)).isEqualTo(LambdaState.CONVERGENT);
    }

    @Test
    void shouldBeRecursiveWhenMeanCreepsUpWithSmallSteps() {
        // given steps of +0.015: E = 0.13, E' = 0.1225
        double[] trajectory = {0.10, 0.115, 0.13, 0.145, 0.16};

        // when
        LambdaRule.Evaluation evaluation = LambdaRule.evaluate(trajectory);

        // then
        assertThat(evaluation.mean()).isCloseTo(0.13, within(1e-12));
        assertThat(evaluation.previousMean()).isCloseTo(0.1225, within(1e-12));
        assertThat(evaluation.state()).isEqualTo(LambdaState.RECURSIVE);
    }

    @Test
    void shouldNotBeRecursiveWhenMeanRiseIsExactlyTheThreshold() {
        // given n = 6, so E - E' = (s6 - s1) / 5 = 0.025 / 5 = 0.005 exactly; and n = 2, E - E' = Δ / 2
        double[] atThreshold = {0.20, 0.20, 0.205, 0.21, 0.215, 0.225};
        double[] above = {0.20, 0.20, 0.205, 0.21, 0.215, 0.226};

        // when / then
        assertThat(classify(atThreshold)).isEqualTo(LambdaState.CONVERGENT);
        assertThat(classify(above)).isEqualTo(LambdaState.RECURSIVE);
        assertThat(classify(0.50, 0.51)).isEqualTo(LambdaState.CONVERGENT);
        assertThat(classify(0.50, 0.512)).isEqualTo(LambdaState.RECURSIVE);
    }

    @Test
    void shouldBeConvergentWhenTrajectorySettlesOrDrops() {
        // given a settling trajectory and a sharp drop
        double[] settling = {0.40, 0.30, 0.25, 0.24, 0.24};
        double[] drop = {0.50, 0.45};

        // when / then
        assertThat(classify(settling)).isEqualTo(LambdaState.CONVERGENT);
        assertThat(classify(drop)).isEqualTo(LambdaState.CONVERGENT);
    }

    @Test
    void shouldApplyPrecedenceChaoticOverDivergentOverRecursive() {
        // given two flips with a chaotic last step, and two flips with a rising mean and a small step
        double[] flipsAndChaotic = {0.30, 0.31, 0.30, 0.35};
        double[] flipsAndRecursive = {0.10, 0.20, 0.19, 0.20};

        // when / then
        assertThat(classify(flipsAndChaotic)).isEqualTo(LambdaState.CHAOTIC);
        LambdaRule.Evaluation evaluation = LambdaRule.evaluate(flipsAndRecursive);
        assertThat(evaluation.mean() - evaluation.previousMean()).isGreaterThan(0.005);
        assertThat(evaluation.state()).isEqualTo(LambdaState.DIVERGENT);
    }

    @Test
    void shouldTreatShortTrajectoriesAsConvergentWithoutTrajectory() {
        // given null, empty and single-value trajectories
        double[][] shortOnes = {null, {}, {0.9}};

        for (double[] trajectory : shortOnes) {
            // when / then
            assertThat(LambdaRule.classify(trajectory)).isEqualTo(LambdaState.CONVERGENT);
            assertThat(LambdaRule.hasTrajectory(trajectory)).isFalse();
            assertThat(LambdaRule.evaluate(trajectory).usable()).isFalse();
        }
        assertThat(LambdaRule.hasTrajectory(new double[] {0.1, 0.1})).isTrue();
        assertThat(LambdaRule.classify((List<Double>) null)).isEqualTo(LambdaState.CONVERGENT);
        assertThat(LambdaRule.hasTrajectory(List.of(0.5))).isFalse();
    }

    @Test
    void shouldTreatNonFiniteOrNullValuesAsCorruptAndNeverConvergent() {
        // given a NaN value and a null list element
        double[] withNaN = {0.1, Double.NaN, 0.1};
        List<Double> withNull = Arrays.asList(0.1, null, 0.1);

        // when / then
        assertThat(LambdaRule.classify(withNaN)).isEqualTo(LambdaState.CHAOTIC);
        assertThat(LambdaRule.hasTrajectory(withNaN)).isFalse();
        assertThat(LambdaRule.classify(withNull)).isEqualTo(LambdaState.CHAOTIC);
        assertThat(LambdaRule.hasTrajectory(withNull)).isFalse();
    }

    @Test
    void shouldClassifyListsLikeArrays() {
        // given the same trajectories as lists and arrays
        List<List<Double>> lists = List.of(
                List.of(0.10, 0.15),
                List.of(0.30, 0.31, 0.30, 0.31),
                List.of(0.10, 0.115, 0.13, 0.145, 0.16),
                List.of(0.5, 0.45),
                List.of());

        for (List<Double> list : lists) {
            double[] array = list.stream().mapToDouble(Double::doubleValue).toArray();
            // when / then
            assertThat(LambdaRule.classify(list)).isEqualTo(LambdaRule.classify(array));
            assertThat(LambdaRule.evaluate(list)).isEqualTo(LambdaRule.evaluate(array));
        }
    }

    @Test
    void shouldExplainDeltaAndMeans() {
        // given n = 7: E over the last 5, E' over the 5 before the last value
        double[] trajectory = {0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.51};

        // when
        LambdaRule.Evaluation evaluation = LambdaRule.evaluate(trajectory);

        // then
        assertThat(evaluation.steps()).isEqualTo(7);
        assertThat(evaluation.delta()).isCloseTo(0.01, within(1e-12));
        assertThat(evaluation.mean()).isCloseTo((0.2 + 0.3 + 0.4 + 0.5 + 0.51) / 5, within(1e-12));
        assertThat(evaluation.previousMean()).isCloseTo((0.1 + 0.2 + 0.3 + 0.4 + 0.5) / 5, within(1e-12));
        assertThat(evaluation.state()).isEqualTo(LambdaState.RECURSIVE);
        assertThat(evaluation.usable()).isTrue();
    }

    @Test
    void shouldFoldStatesBySeverity() {
        // given / when / then
        assertThat(LambdaState.CONVERGENT.worse(LambdaState.RECURSIVE)).isEqualTo(LambdaState.RECURSIVE);
        assertThat(LambdaState.CHAOTIC.worse(LambdaState.DIVERGENT)).isEqualTo(LambdaState.CHAOTIC);
        assertThat(LambdaState.CONVERGENT.isConvergent()).isTrue();
        assertThat(LambdaState.RECURSIVE.isConvergent()).isFalse();
    }
}
