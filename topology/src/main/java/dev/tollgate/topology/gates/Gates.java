package dev.tollgate.topology.gates;

import java.util.List;

/** The gate registry: one instance of every gate, in report order. */
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

    /** Every gate (immutable, stateless instances). */
    public static List<Gate> all() {
        return ALL;
    }
}
