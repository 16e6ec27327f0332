package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every built-in scenario, played in process with its fixed seed and exported as JSON lines, then replayed from
 * the export: the replay's decisions equal the ones the router followed, record for record, and every rollout ends
 * as the scenario file says (healthy: COMPLETE via 5, 25, 50, 100 %; error-spike: ROLLBACK naming error-rate; ...).
 */
class ScenarioReplayTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "healthy",
                "error-spike",
                "latency-regression",
                "cold-start-storm",
                "webhook-storm",
                "schema-skew",
                "aa-noise",
                "demo"
            })
    void replayOfTheExportGivesTheExpectedDecisions(String name) throws Exception {
        ScenarioSpec spec = ScenarioSpec.load(name);
        // given the scenario played against the topology in process, exported as JSON lines
        StringBuilder export = new StringBuilder();
        RolloutBoard board;
        try (InProcessTopology bus = new InProcessTopology(null)) {
            Simulator sim = new Simulator(
                    spec,
                    Simulator.Options.inProcess(spec),
                    bus,
                    e -> export.append(EventCodec.toLine(e)).append('\n'),
                    null);
            board = sim.run();
        }
        List<GateDecision> live =
                board.rollouts().stream().flatMap(r -> r.decisions.stream()).toList();
        // when the export is replayed
        List<SpecificRecord> replayed = replay(export.toString());
        List<GateDecision> decisions = replayed.stream()
                .filter(GateDecision.class::isInstance)
                .map(GateDecision.class::cast)
                .toList();
        // then the decisions are the same, record for record
        assertThat(decisions).as(describe(decisions)).isEqualTo(live);
        // and every rollout ends as the scenario file expects
        for (int i = 0; i < spec.rollouts.size(); i++) {
            ScenarioSpec.Expect expect = spec.rollouts.get(i).expect();
            RolloutBoard.Rollout r = board.rollouts().get(i);
            assertThat(expect.matches(r))
                    .as(
                            "%s rollout %d expected %s, got %s:%n%s",
                            name, i, expect.describe(), r.outcome, describe(r.decisions))
                    .isTrue();
            if (expect.outcome().equals("COMPLETE")) {
                assertThat(r.decisions)
                        .extracting(GateDecision::getAction)
                        .doesNotContain(Action.ROLLBACK, Action.FREEZE, Action.HOLD);
                assertThat(r.decisions.stream()
                                .filter(d -> d.getAction() == Action.PROMOTE)
                                .map(GateDecision::getNextTrafficPercent))
                        .containsExactly(5.0, 25.0, 50.0, 100.0);
            } else {
                assertThat(r.decisions).extracting(GateDecision::getAction).doesNotContain(Action.COMPLETE);
            }
            if (expect.noFailVerdicts()) {
                String release = spec.rollouts.get(i).releaseId();
                assertThat(replayed.stream()
                                .filter(GateResult.class::isInstance)
                                .map(GateResult.class::cast)
                                .filter(g -> g.getReleaseId().equals(release) && g.getVerdict() == Verdict.FAIL)
                                .map(GateResult::getDetail))
                        .as("FAIL verdicts in an A/A test")
                        .isEmpty();
                assertThat(r.decisions)
                        .extracting(GateDecision::getAction)
                        .doesNotContain(Action.ROLLBACK, Action.FREEZE);
            }
        }
    }

    static List<SpecificRecord> replay(String jsonl) throws IOException {
        Replayer.Input in = Replayer.read(new BufferedReader(new StringReader(jsonl)), false);
        List<SpecificRecord> out = new ArrayList<>();
        Replayer.run(in.events(), null, null, out::add);
        return out;
    }

    static String describe(List<GateDecision> ds) {
        return ds.stream()
                .map(d -> d.getReleaseId() + " step " + d.getStepIndex() + " " + d.getTrafficPercent() + "% "
                        + d.getAction() + " " + d.getFailingGates() + " " + Lines.failingReasons(d))
                .collect(Collectors.joining("\n"));
    }
}
