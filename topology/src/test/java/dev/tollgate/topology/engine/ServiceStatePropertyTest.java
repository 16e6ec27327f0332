package dev.tollgate.topology.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.RevisionPins;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.topology.evidence.LatencySketch;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.math.LinearTrend;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of the state format: a {@link ServiceState} whose every field, in every part and every
 * evidence concern, is set to a random non-default value comes back from {@link ServiceStateSerde} equal,
 * field by field. The filler walks the classes by reflection and fails on a field type it does not know, so
 * a field added anywhere in the state is either covered or breaks this test; one left out of its part's
 * encoding comes back at its default and fails the comparison.
 */
class ServiceStatePropertyTest {
    private static final int CASES = 200;

    @Test
    void shouldRoundTripRandomStatesWithEveryFieldSet() {
        ServiceStateSerde serde = new ServiceStateSerde();
        for (int i = 0; i < CASES; i++) {
            // given a state with every field set at random
            SplittableRandom random = new SplittableRandom(1_000 + i);
            ServiceState st = new ServiceState();
            new Filler(random).fill(st);

            // when it is encoded and decoded
            byte[] bytes = serde.serialize("t", st);
            ServiceState back = serde.deserialize("t", bytes);

            // then every field is equal, and encoding again gives the same bytes
            assertThat(back)
                    .as("case %d", i)
                    .usingRecursiveComparison()
                    .ignoringFieldsMatchingRegexes(".*cached.*")
                    .withEqualsForType((a, b) -> Double.compare(a, b) == 0, Double.class)
                    .withEqualsForType(
                            dev.tollgate.topology.evidence.LatencySketch::equals,
                            dev.tollgate.topology.evidence.LatencySketch.class)
                    .isEqualTo(st);
            assertThat(serde.serialize("t", back)).as("case %d", i).isEqualTo(bytes);
        }
    }

    /** Sets every instance field of the state's object graph to a random non-default value. */
    private record Filler(SplittableRandom random) {
        void fill(Object target) {
            for (Class<?> c = target.getClass(); c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (Modifier.isStatic(m) || Modifier.isTransient(m)) {
                        continue;
                    }
                    f.setAccessible(true);
                    try {
                        Object current = f.get(target);
                        Object value = value(f.getGenericType(), current, f.toString());
                        if (!Modifier.isFinal(m)) {
                            f.set(target, value);
                        }
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }

        /** A random value of {@code type}; containers and parts that exist already are filled in place. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object value(Type type, Object current, String where) {
            Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
            if (raw == long.class || raw == Long.class) {
                return random.nextLong(-1L << 40, 1L << 40) | 1; // never 0 nor Long.MIN_VALUE
            } else if (raw == int.class || raw == Integer.class) {
                return random.nextInt(1, 1 << 20);
            } else if (raw == double.class || raw == Double.class) {
                return random.nextDouble(-1e6, 1e6);
            } else if (raw == String.class) {
                return "s-" + Long.toHexString(random.nextLong()) + (random.nextBoolean() ? "-ü\u0001" : "");
            } else if (raw == ReleaseState.class) {
                ReleaseState[] all = ReleaseState.values();
                return all[1 + random.nextInt(all.length - 1)];
            } else if (raw == RolloutEvent.class) {
                return rollout();
            } else if (raw == LatencySketch.class) {
                LatencySketch s = new LatencySketch();
                for (int i = 0, n = 1 + random.nextInt(50); i < n; i++) {
                    s.add(random.nextDouble() < 0.1 ? 0 : random.nextDouble(0.01, 5_000));
                }
                return s;
            } else if (raw == LinearTrend.class) {
                LinearTrend t = new LinearTrend();
                for (int i = 0, n = 1 + random.nextInt(20); i < n; i++) {
                    t.add(1_767_000_000 + i, random.nextDouble(0, 1_000));
                }
                return t;
            } else if (raw == long[].class && current instanceof long[] existing) {
                for (int i = 0; i < existing.length; i++) {
                    existing[i] = random.nextLong(-1L << 40, 1L << 40) | 1; // a fixed-size part: filled in place
                }
                return existing;
            } else if (raw == long[].class) {
                return new long[] {random.nextLong(1, 1_000), random.nextLong(0, 1_000)};
            } else if (raw == double[].class) {
                return new double[] {random.nextDouble(), random.nextInt(1, 100)};
            } else if (Map.class.isAssignableFrom(raw)) {
                Type[] kv = ((ParameterizedType) type).getActualTypeArguments();
                Map map = (Map) current;
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                    map.put(value(kv[0], null, where + " key"), value(kv[1], newInstance(kv[1]), where + " value"));
                }
                return map;
            } else if (List.class.isAssignableFrom(raw)) {
                Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
                List list = (List) current;
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                    list.add(value(element, newInstance(element), where + " element"));
                }
                return list;
            } else if (raw.getName().startsWith("dev.tollgate.topology.")) {
                Object part = current != null ? current : newInstance(raw);
                fill(part); // a part of the state, an evidence concern or RevisionEvidence itself
                return part;
            }
            throw new AssertionError("ServiceStatePropertyTest cannot fill " + where + " of type " + type
                    + ": teach the filler this type so the state format's round trip covers the field");
        }

        private RolloutEvent rollout() {
            RevisionPins pins = random.nextBoolean()
                    ? null
                    : RevisionPins.newBuilder()
                            .setSchemaRev("v" + random.nextInt(9))
                            .setIndexHash(null)
                            .setModelTag("m" + random.nextInt(9))
                            .build();
            return RolloutEvent.newBuilder()
                    .setService("svc")
                    .setReleaseId("rel-" + random.nextInt(1_000))
                    .setTimestamp(random.nextLong(1L << 40))
                    .setBaselineRevision("b" + random.nextInt(100))
                    .setCanaryRevision("c" + random.nextInt(100))
                    .setPhase(RolloutPhase.values()[random.nextInt(RolloutPhase.values().length)])
                    .setStepIndex(random.nextInt(5))
                    .setTrafficPercent(random.nextDouble(0, 100))
                    .setCanaryPins(pins)
                    .setBaselinePins(null)
                    .setDrainSeconds(random.nextBoolean() ? null : random.nextInt(100))
                    .build();
        }

        private static Object newInstance(Type type) {
            Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
            if (raw == java.util.TreeMap.class || raw == Map.class) {
                return new java.util.TreeMap<>();
            }
            if (!raw.getName().startsWith("dev.tollgate.topology.") || raw.isEnum()) {
                return null;
            }
            try {
                var ctor = raw.getDeclaredConstructor();
                ctor.setAccessible(true);
                return ctor.newInstance();
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("cannot create " + raw, e);
            }
        }
    }

    @Test
    void shouldFillEveryPartOfTheState() {
        // guards the property test itself: after filling, nothing is at its initial value
        ServiceState st = new ServiceState();
        new Filler(new SplittableRandom(7)).fill(st);
        RevisionEvidence canary = st.step.canary;
        assertThat(canary.isEmpty()).isFalse();
        for (var concern : canary.concerns()) {
            assertThat(concern.isEmpty()).as(concern.getClass().getSimpleName()).isFalse();
        }
        assertThat(st.openTicks.size()).isPositive();
        assertThat(st.minutes.size()).isPositive();
        assertThat(st.rollout.pending).isNotEmpty();
        assertThat(st.decisions.failures).isNotEmpty();
        assertThat(st.clock.nextTick).isNotEqualTo(Long.MIN_VALUE);
    }
}
