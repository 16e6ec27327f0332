package dev.tollgate.topology.gates;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gate registry: one instance of every gate, in report order. It is the one place gates are listed: the
 * engine, the Argo/Flagger step view, the configuration keys, {@code tollgate config} and the README's gate
 * table read it ({@code GateRegistryTest} fails when any of them disagrees).
 */
public final class Gates {
    private Gates() {}

    private static final List<Gate> ALL = List.of(
            new ErrorRateGate(),
            new LatencyP95Gate(),
            new ColdStartGate(),
            new WarmCapacityGate(),
            new DedupeGate(),
            new SideEffectsGate(),
            new SemanticDriftGate(),
            new LambdaGate(),
            new QueueAgeGate(),
            new QueueFenceGate(),
            new SchemaPinsGate(),
            new StickyRoutingGate(),
            new StreamDrainGate());

    private static final Map<String, Gate> BY_ID = index();

    private static Map<String, Gate> index() {
        Map<String, Gate> m = new LinkedHashMap<>();
        for (Gate g : ALL) {
            if (m.put(g.id(), g) != null) {
                throw new IllegalStateException("duplicate gate id " + g.id());
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Every gate (immutable, stateless instances), in report order. */
    public static List<Gate> all() {
        return ALL;
    }

    /** Every gate id, in report order. */
    public static List<String> ids() {
        return List.copyOf(BY_ID.keySet());
    }

    /** The gate of {@code id}, or empty for an id no gate has. */
    public static Optional<Gate> byId(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    /** Whether a FAIL of gate {@code id} holds the rollout (true) or rolls it back (false; also for unknown ids). */
    public static boolean holdsOnFail(String id) {
        return byId(id).map(Gate::holdsOnFail).orElse(false);
    }
}
