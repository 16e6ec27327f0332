package dev.tollgate.topology.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.topology.engine.ServiceState;
import dev.tollgate.topology.engine.ServiceStateSerde;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every released state format stays readable: the golden states of each format version ({@code state/v<N>/},
 * written once when that version was introduced) decode to the same service states, and a topology restored
 * from them continues exactly as the uninterrupted run did. A layout change without a new version and a
 * reader makes the committed bytes of the current version unreadable or re-encode differently, and fails here.
 */
class GoldenStateTest {
    /** Every format version ever released; add the new one (and its fixture directory) when the format moves. */
    private static final int[] RELEASED = {1, 2, 3};

    @Test
    void shouldHaveAFixtureForTheFormatThisBuildWrites() {
        assertThat(Arrays.stream(RELEASED).max().orElseThrow()).isEqualTo(ServiceStateSerde.VERSION);
    }

    @ParameterizedTest(name = "format v{0}")
    @ValueSource(ints = {1, 2, 3})
    void shouldDecodeEveryReleasedFormatToTheSameState(int version) {
        // given the states of one released format and of the current one
        Map<String, ServiceState> old = GoldenStateFixtures.committedStates(version);
        Map<String, ServiceState> current = GoldenStateFixtures.committedStates(ServiceStateSerde.VERSION);

        // then they hold the same state, field by field
        for (String service : GoldenStateFixtures.SERVICES) {
            assertThat(GoldenStateFixtures.resource(version, service + ".bin")[0])
                    .isEqualTo((byte) version);
            assertThat(old.get(service))
                    .as("%s from v%d", service, version)
                    .usingRecursiveComparison()
                    .withEqualsForType((a, b) -> Double.compare(a, b) == 0, Double.class)
                    .withEqualsForType(
                            dev.tollgate.topology.evidence.LatencySketch::equals,
                            dev.tollgate.topology.evidence.LatencySketch.class)
                    .ignoringFieldsMatchingRegexes(".*cached.*")
                    // v1 and v2 have no evidence-seen section: it is inferred, from other times (checked below)
                    .ignoringFields("seen")
                    .isEqualTo(current.get(service));
        }
    }

    @ParameterizedTest(name = "format v{0}")
    @ValueSource(ints = {1, 2, 3})
    void shouldContinueFromEveryReleasedFormatAsTheUninterruptedRunDid(int version) {
        // given a topology restored from the golden states of this format
        Map<String, ServiceState> states = GoldenStateFixtures.committedStates(version);

        // when part B is replayed
        List<String> actual = GoldenStateFixtures.continuation(states);

        // then every output record equals the recorded one
        List<String> expected = new String(
                        GoldenStateFixtures.resource(ServiceStateSerde.VERSION, GoldenStateFixtures.EXPECTED),
                        StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldReencodeTheCurrentFormatsFixturesToTheCommittedBytes() {
        ServiceStateSerde serde = new ServiceStateSerde();
        for (String service : GoldenStateFixtures.SERVICES) {
            // given
            byte[] committed = GoldenStateFixtures.resource(ServiceStateSerde.VERSION, service + ".bin");
            // when
            byte[] again = serde.serialize(
                    GoldenStateFixtures.CHANGELOG, serde.deserialize(GoldenStateFixtures.CHANGELOG, committed));
            // then a writer whose layout changed without a new version fails here
            assertThat(again).as(service).isEqualTo(committed);
        }
    }

    @Test
    void shouldRejectAFormatVersionItHasNoReaderForNamingIt() {
        // given a state claiming a format from the future
        byte[] bytes = GoldenStateFixtures.resource(ServiceStateSerde.VERSION, GoldenStateFixtures.CHECKOUT + ".bin")
                .clone();
        bytes[0] = 9;

        // when / then
        assertThatThrownBy(() -> GoldenStateFixtures.decode(bytes))
                .isInstanceOf(ServiceStateSerde.StateFormatException.class)
                .hasMessageContaining("format version 9")
                .hasMessageContaining("reads 1 to 3");
    }

    @Test
    void shouldRejectATruncatedState() {
        byte[] committed = GoldenStateFixtures.resource(ServiceStateSerde.VERSION, GoldenStateFixtures.SEARCH + ".bin");
        byte[] truncated = Arrays.copyOf(committed, committed.length - 7);

        assertThatThrownBy(() -> GoldenStateFixtures.decode(truncated))
                .isInstanceOf(ServiceStateSerde.StateFormatException.class)
                .hasMessageContaining("Corrupt service state");
    }
}
