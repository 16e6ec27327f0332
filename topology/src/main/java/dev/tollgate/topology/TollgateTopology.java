package dev.tollgate.topology;

import org.apache.kafka.streams.Topology;

/** The one entry point that builds Tollgate's Kafka Streams {@link Topology}. */
public final class TollgateTopology {
    private TollgateTopology() {
    }

    /**
     * Builds the topology: evidence topics in, gate results, decisions and the per-minute timeline out.
     *
     * @param settings topic names, serde config, timing and default policy
     * @return a topology ready for {@code new KafkaStreams(topology, props)}
     */
    public static Topology build(TopologySettings settings) {
        throw new UnsupportedOperationException("not yet built");
    }
}
