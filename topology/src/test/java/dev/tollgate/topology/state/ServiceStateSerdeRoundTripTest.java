package dev.tollgate.topology.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.topology.engine.ReleaseState;
import dev.tollgate.topology.engine.ServiceState;
import dev.tollgate.topology.engine.ServiceStateSerde;
import org.junit.jupiter.api.Test;

/**
 * Round trips of the state format this build writes: serialize → deserialize → serialize gives identical
 * bytes, for the golden fixture states (of every released format, re-encoded) and for an empty state.
 */
class ServiceStateSerdeRoundTripTest {
    private final ServiceStateSerde serde = new ServiceStateSerde();

    private byte[] roundTrip(byte[] bytes) {
        return serde.serialize(GoldenStateFixtures.CHANGELOG, serde.deserialize(GoldenStateFixtures.CHANGELOG, bytes));
    }

    @Test
    void shouldRoundTripEveryFixtureStateToIdenticalBytes() {
        for (String service : GoldenStateFixtures.SERVICES) {
            // given a fixture state, decoded and encoded again by today's serde
            byte[] once = serde.serialize(
                    GoldenStateFixtures.CHANGELOG,
                    GoldenStateFixtures.decode(GoldenStateFixtures.resource(service + ".bin")));
            // when it goes through another deserialize / serialize
            byte[] twice = roundTrip(once);
            // then the bytes are identical
            assertThat(twice).as(service).isEqualTo(once);
        }
    }

    @Test
    void shouldRoundTripAnEmptyStateToIdenticalBytes() {
        // given
        byte[] once = serde.serialize(GoldenStateFixtures.CHANGELOG, new ServiceState());
        // when
        ServiceState decoded = serde.deserialize(GoldenStateFixtures.CHANGELOG, once);
        byte[] twice = serde.serialize(GoldenStateFixtures.CHANGELOG, decoded);
        // then
        assertThat(twice).isEqualTo(once);
        assertThat(once[0]).isEqualTo(ServiceStateSerde.VERSION);
        assertThat(decoded.state()).isEqualTo(ReleaseState.NONE);
        assertThat(decoded.rollout()).isNull();
        assertThat(decoded.maxEventTime()).isEqualTo(Long.MIN_VALUE);
        assertThat(decoded.openTicks().size()).isZero();
    }

    @Test
    void shouldMapNullToNullBothWays() {
        assertThat(serde.serialize(GoldenStateFixtures.CHANGELOG, null)).isNull();
        assertThat(serde.deserialize(GoldenStateFixtures.CHANGELOG, null)).isNull();
    }
}
