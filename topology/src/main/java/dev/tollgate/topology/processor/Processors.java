package dev.tollgate.topology.processor;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.topology.Names;
import dev.tollgate.topology.TopologySettings;
import dev.tollgate.topology.engine.ServiceStateSerde;
import dev.tollgate.topology.store.AvroStateSerde;
import dev.tollgate.topology.store.BufferedStoreBuilder;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.Stores;

/** Wiring of the processors and their stores (kept here so the entry point reads as the topology's shape). */
public final class Processors {
    private Processors() {
    }

    /** The evaluator node's supplier. */
    public static ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> evaluator(TopologySettings settings,
                                                                                                long ledgerRetentionMs) {
        return () -> new EvaluatorProcessor(settings, ledgerRetentionMs);
    }

    /** Adds the evaluator's stores: service state (buffered), rollout status (for the API), the key ledger. */
    public static void addEvaluatorStores(Topology topology, Duration ledgerRetention) {
        topology.addStateStore(new BufferedStoreBuilder<>(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(Names.STORE_STEP_STATE), Serdes.String(), new ServiceStateSerde())),
                Names.PROCESSOR_EVALUATOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(Names.STORE_ROLLOUT_STATUS), Serdes.String(),
                        new AvroStateSerde<>(RolloutStatus.class))
                .withCachingDisabled(), Names.PROCESSOR_EVALUATOR);
        topology.addStateStore(Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(Names.STORE_DEDUPE_KEYS, ledgerRetention, Duration.ofMillis(1), false),
                        Serdes.String(), Serdes.String())
                .withCachingDisabled(), Names.PROCESSOR_EVALUATOR);
    }

    /** Adds the global policy store fed by the compacted policies topic. */
    public static void addPolicies(Topology topology, String policiesTopic, Serde<GatePolicy> policySerde) {
        topology.addGlobalStore(Stores.timestampedKeyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(Names.STORE_POLICIES), Serdes.String(), policySerde)
                        .withLoggingDisabled(),
                Names.SOURCE_POLICIES, Serdes.String().deserializer(), policySerde.deserializer(), policiesTopic,
                Names.PROCESSOR_POLICIES, PolicyLoader::new);
    }
}
