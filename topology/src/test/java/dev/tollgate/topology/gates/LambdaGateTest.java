package dev.tollgate.topology.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.RevisionEvidence;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link LambdaGate}: every configured seed (at least 2) convergent on the whole probe set. */
class LambdaGateTest {
    private final LambdaGate gate = new LambdaGate();

    /** Canary evidence with {@code probes[i]} probes on seed i, of which {@code bad[i]} not convergent. */
    private static RevisionEvidence seeds(long[] probes, long[] bad) {
        RevisionEvidence e = new RevisionEvidence();
        for (int i = 0; i < probes.length; i++) {
            e.probes.seeds.put((long) i + 1, new long[] {probes[i], bad[i]});
        }
        return e;
    }

    private static GateInput input(GatePolicy policy, RevisionEvidence canary) {
        return new GateInput(
                policy, 0, 1, 5.0, false, 0, 60_000, new RevisionEvidence(), canary, new RevisionEvidence());
    }

    private static GateInput input(RevisionEvidence canary) {
        return input(GatePolicy.newBuilder().build(), canary);
    }

    @Test
    void shouldHaveTheContractId() {
        assertThat(gate.id()).isEqualTo("lambda");
        assertThat(gate.holdsOnFail()).isFalse();
    }

    @Test
    void shouldBeNoDataWithoutCanaryTrajectories() {
        assertThat(gate.evaluate(input(new RevisionEvidence()), 0).verdict()).isEqualTo(Verdict.NODATA);
    }

    @Test
    void shouldPassWhenBothSeedsAreConvergentOnTheWholeSet() {
        // given two seeds, each 10 of 10 probes convergent
        GateOutcome o = gate.evaluate(input(seeds(new long[] {10, 10}, new long[] {0, 0})), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.PASS);
        assertThat(o.canaryValue()).isEqualTo(0.0);
        assertThat(o.canarySamples()).isEqualTo(20);
        assertThat(o.detail()).isEqualTo("lambda PASS: convergent on all 2 seeds (20 probes)");
    }

    @Test
    void shouldFailWhenOneSeedHasADivergentProbe() {
        // given seed 2 has one non-convergent probe
        RevisionEvidence canary = seeds(new long[] {10, 10}, new long[] {0, 1});
        canary.probes.lambdaExample = "seed 2 question q4 DIVERGENT";

        // when
        GateOutcome o = gate.evaluate(input(canary), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.canaryValue()).isEqualTo(1.0);
        assertThat(o.detail())
                .startsWith("lambda FAIL: 1 of 20 canary probes not convergent on seed(s) 2")
                .contains("seed 2 question q4 DIVERGENT");
    }

    @Test
    void shouldFailAsSoonAsOneProbeDivergesBeforeTheSetIsComplete() {
        // given one probe answered so far, not convergent
        GateOutcome o = gate.evaluate(input(seeds(new long[] {1}, new long[] {1})), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void shouldBeInconclusiveOneProbeShortOfTheSecondSeed() {
        // given seed 1 complete (10 of 10) and seed 2 at 9 of 10, all convergent
        GateOutcome o = gate.evaluate(input(seeds(new long[] {10, 9}, new long[] {0, 0})), 0);

        // then
        assertThat(o.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(o.detail()).contains("1 of 2 seeds");
    }

    @Test
    void shouldBeInconclusiveWithASingleSeed() {
        // given one complete, convergent seed
        assertThat(gate.evaluate(input(seeds(new long[] {10}, new long[] {0})), 0)
                        .verdict())
                .isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void shouldRequireAtLeastTwoSeedsWhateverThePolicySays() {
        // given a policy asking for one seed only
        GatePolicy oneSeed = GatePolicy.newBuilder().setProbeSeeds(1).build();

        // when / then one seed is still not enough
        assertThat(gate.evaluate(input(oneSeed, seeds(new long[] {10}, new long[] {0})), 0)
                        .verdict())
                .isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(gate.evaluate(input(oneSeed, seeds(new long[] {10, 10}, new long[] {0, 0})), 0)
                        .verdict())
                .isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldRequireEveryConfiguredSeed() {
        // given a policy of 3 seeds
        GatePolicy threeSeeds = GatePolicy.newBuilder().setProbeSeeds(3).build();

        // when / then
        assertThat(gate.evaluate(input(threeSeeds, seeds(new long[] {10, 10}, new long[] {0, 0})), 0)
                        .verdict())
                .isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(gate.evaluate(input(threeSeeds, seeds(new long[] {10, 10, 10}, new long[] {0, 0, 0})), 0)
                        .verdict())
                .isEqualTo(Verdict.PASS);
    }
}
