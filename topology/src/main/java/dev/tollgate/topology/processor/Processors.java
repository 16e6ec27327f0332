package dev.tollgate.topology.processor;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.topology.Names;
import dev.tollgate.topology.TopologySettings;
import dev.tollgate.topology.engine.ServiceStateSerde;
import dev.tollgate.topology.store.AvroStateSerde;
import dev.tollgate.topology.store.BufferedKeyValueStore;
import dev.tollgate.topology.store.BufferedStoreBuilder;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Wiring of the processors and their stores (kept here so the entry point reads as the topology's shape). */
public final class Processors {
    private Processors() {}

    /**
     * The evaluator node's supplier, with its stores: service state (buffered, its own object cache), rollout
     * status (for the API) and the key ledger (idempotency keys, side-effect keys, worked queue offsets).
     */
    public static ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> evaluator(
            TopologySettings settings) {
        Duration ledgerRetention = Duration.ofMillis(settings.ledgerRetentionMs());
        // insertion order: describe() lists stores in it, and the golden description pins it
        Set<StoreBuilder<?>> stores = new LinkedHashSet<>(List.of(
                new BufferedStoreBuilder<>(
                        Stores.persistentKeyValueStore(Names.STORE_STEP_STATE),
                        Serdes.String(),
                        new ServiceStateSerde(),
                        BufferedKeyValueStore.DEFAULT_CLEAN_CAPACITY),
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(Names.STORE_ROLLOUT_STATUS),
                                Serdes.String(),
                                new AvroStateSerde<>(RolloutStatus.class))
                        .withCachingDisabled(),
                Stores.windowStoreBuilder(
                                Stores.persistentWindowStore(
                                        Names.STORE_DEDUPE_KEYS, ledgerRetention, Duration.ofMillis(1), false),
                                Serdes.String(),
                                Serdes.String())
                        .withCachingDisabled()));
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, SpecificRecord, String, SpecificRecord> get() {
                return new EvaluatorProcessor(settings, settings.ledgerRetentionMs());
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return stores;
            }
        };
    }

    /** Adds the global policy store fed by the compacted policies topic. */
    public static void addPolicies(Topology topology, String policiesTopic, Serde<GatePolicy> policySerde) {
        topology.addGlobalStore(
                Stores.timestampedKeyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(Names.STORE_POLICIES), Serdes.String(), policySerde)
                        .withLoggingDisabled(),
                Names.SOURCE_POLICIES,
                Serdes.String().deserializer(),
                policySerde.deserializer(),
                policiesTopic,
                Names.PROCESSOR_POLICIES,
                PolicyLoader::new);
    }
}
