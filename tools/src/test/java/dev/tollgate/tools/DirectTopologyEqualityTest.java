package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.topology.TopologySettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast replay ({@link DirectTopology}: the evaluator node driven directly) publishes exactly what the
 * production topology publishes in a TopologyTestDriver ({@link InProcessTopology}): the same gate results,
 * decisions and timeline minutes, in the same order, on every built-in scenario and on randomized input.
 */
class DirectTopologyEqualityTest {

    static List<String> scenarios() {
        return ScenarioSpec.BUILT_IN;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldPublishWhatTheTopologyPublishesOnEveryBuiltInScenario(String name) throws Exception {
        // given the scenario played with its fixed seed and exported as JSON lines
        ScenarioSpec spec = ScenarioSpec.load(name);
        String export = play(spec, Simulator.Options.inProcess(spec));

        // when the export is replayed through both engines
        List<String> driver = replay(export, Replayer.Engine.DRIVER);
        List<String> fast = replay(export, Replayer.Engine.FAST);

        // then the outputs are identical, record for record (and there are decisions to compare)
        assertThat(driver).anyMatch(l -> l.contains("\"GateDecision\""));
        assertThat(fast).containsExactlyElementsOf(driver);
    }

    @Test
    void shouldPublishWhatTheTopologyPublishesOnRandomizedInput() throws Exception {
        long seed = System.nanoTime();
        // given a demo rollout played with a random seed and rate, interleaved with random fleet traffic (some of it
        // late, some duplicated) and a stricter policy arriving midway
        String export = randomized(ScenarioSpec.load("demo"), seed);

        // when it is replayed through both engines
        List<String> driver = replay(export, Replayer.Engine.DRIVER);
        List<String> fast = replay(export, Replayer.Engine.FAST);

        // then the outputs are identical, record for record
        assertThat(driver).as("seed %d", seed).hasSizeGreaterThan(100);
        assertThat(fast).as("seed %d", seed).containsExactlyElementsOf(driver);
    }

    /**
     * A rollout of the scenario played with a random seed and rate, interleaved with random fleet traffic (some of it
     * late, some duplicated) and a stricter policy arriving midway, as JSON lines.
     */
    static String randomized(ScenarioSpec spec, long seed) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        Simulator.Options base = Simulator.Options.inProcess(spec);
        Simulator.Options opts = new Simulator.Options(
                random.nextLong(),
                spec.rate * (0.5 + random.nextDouble()),
                120_000,
                0,
                base.startMs(),
                base.sliceMs(),
                base.policyKey(),
                true,
                0);
        StringBuilder export = new StringBuilder(play(spec, opts));
        FleetTraffic fleet = new FleetTraffic(
                new FleetTraffic.Settings(
                        1 + random.nextInt(4),
                        0.05 + random.nextDouble() * 0.3,
                        random.nextDouble() * 0.05,
                        200 + random.nextInt(400),
                        random.nextDouble() * 0.2,
                        random.nextLong()),
                base.startMs() + 1_000);
        for (RolloutEvent r : fleet.rollouts()) {
            export.append(EventCodec.toLine(r)).append('\n');
        }
        int n = 5_000 + random.nextInt(5_000);
        long midway = 0;
        for (int i = 0; i < n; i++) {
            RequestLog r = fleet.next();
            if (random.nextInt(50) == 0) {
                r.setTimestamp(r.getTimestamp() - random.nextInt(10_000)); // late: beyond the 2 s grace at times
            }
            String line = EventCodec.toLine(r);
            export.append(line).append('\n');
            if (random.nextInt(200) == 0) {
                export.append(line).append('\n');
            }
            if (i == n / 2) {
                midway = r.getTimestamp();
            }
        }
        GatePolicy policy = spec.policy != null
                ? spec.policy
                : TopologySettings.defaults("mock://unused").defaultPolicy();
        GatePolicy strict = GatePolicy.newBuilder(policy)
                .setMinSamples(Math.max(1, policy.getMinSamples() / 2))
                .build();
        export.append(EventCodec.toLine(new EventCodec.Event("GatePolicy", "svc-00", midway, strict)))
                .append('\n');

        return export.toString();
    }

    /** The scenario played in process (its router following the decisions), exported as JSON lines. */
    static String play(ScenarioSpec spec, Simulator.Options opts) throws InterruptedException {
        StringBuilder export = new StringBuilder();
        // played on the fast engine: the export is only the input here, and both engines replay it
        try (DirectTopology bus = new DirectTopology(TopologySettings.defaults("mock://unused"), null)) {
            new Simulator(
                            spec,
                            opts,
                            bus,
                            e -> export.append(EventCodec.toLine(e)).append('\n'),
                            null)
                    .run();
        }
        return export.toString();
    }

    /** Every output of a replay of the JSON lines, as JSON lines. */
    static List<String> replay(String jsonl, Replayer.Engine engine) throws IOException {
        // decoded per engine: neither run can see objects the other one touched
        Replayer.Input in = Replayer.read(new BufferedReader(new StringReader(jsonl)), false);
        List<String> out = new ArrayList<>();
        Replayer.run(in.events(), null, null, engine, (SpecificRecord r) -> out.add(EventCodec.toLine(r)));
        return out;
    }
}
