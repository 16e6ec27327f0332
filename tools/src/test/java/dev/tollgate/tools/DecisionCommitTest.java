package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.topology.TopologySettings;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The evaluator requests a commit exactly when it publishes a decision: under exactly-once the service commits only
 * every second otherwise, and routers act on decisions (read_committed) as soon as they are committed.
 */
class DecisionCommitTest {

    @Test
    void shouldRequestACommitWhenItPublishesADecisionAndOnlyThen() throws Exception {
        // given the demo rollout played through the production evaluator node, the commit requests watched per event
        ScenarioSpec spec = ScenarioSpec.load("demo");
        List<Boolean> decisionPublished = new ArrayList<>();
        List<Boolean> commitRequested = new ArrayList<>();
        try (DirectTopology direct = new DirectTopology(TopologySettings.defaults("mock://unused"), null)) {
            EventBus watched = new EventBus() {
                private boolean requested;

                @Override
                public void send(EventCodec.Event event) {
                    direct.send(event);
                    requested |= direct.takeCommitRequest();
                }

                @Override
                public void flush() {
                    direct.flush();
                }

                @Override
                public List<SpecificRecord> drain() {
                    List<SpecificRecord> out = direct.drain();
                    // when: what was published since the last drain, and whether a commit was requested meanwhile
                    decisionPublished.add(out.stream().anyMatch(r -> r instanceof GateDecision));
                    commitRequested.add(requested);
                    requested = false;
                    return out;
                }

                @Override
                public void close() {}
            };
            new Simulator(spec, Simulator.Options.inProcess(spec), watched, e -> {}, null).run();
        }

        // then there were decisions, and a commit was requested in exactly the intervals that published one
        assertThat(decisionPublished).contains(true);
        assertThat(commitRequested).containsExactlyElementsOf(decisionPublished);
    }
}
