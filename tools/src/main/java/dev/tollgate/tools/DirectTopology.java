package dev.tollgate.tools;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.RolloutStatus;
import dev.tollgate.topology.Names;
import dev.tollgate.topology.TopicNames;
import dev.tollgate.topology.TopologySettings;
import dev.tollgate.topology.engine.ServiceStateSerde;
import dev.tollgate.topology.processor.Processors;
import dev.tollgate.topology.store.AvroStateSerde;
import dev.tollgate.topology.store.BufferedKeyValueStore;
import dev.tollgate.topology.store.BufferedStoreBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The production evaluator node ({@link Processors#evaluator}, the very processor the topology runs) driven
 * directly, without a {@code TopologyTestDriver}: no serialization of inputs and outputs, no commit (and so no
 * state flush) after every record, in-memory stores without changelogs. It reproduces what the other nodes of
 * {@link dev.tollgate.topology.TollgateTopology} do observably:
 *
 * <ul>
 *   <li>the evidence source: each record carries its record metadata (its contract topic, partition 0, the next
 *       offset of that topic) and its event time as timestamp, as {@code EventTimeExtractor} gives a valid event;
 *       stream time is the highest timestamp processed so far, this record's included;
 *   <li>the global policy store: a GatePolicy is put under its key (a null value deletes it), as {@code
 *       PolicyLoader} does, before the next event is processed;
 *   <li>the sinks: per input event, the forwarded gate results, then decisions, then timeline minutes, which is
 *       the order in which {@link InProcessTopology#drain()} reads its three output topics.
 * </ul>
 *
 * <p>Invalid events fail here as they fail the topology in a test driver: the evaluator's validator throws.
 * Wall-clock punctuations (stall checks) never run, as in the test driver whose clock does not advance.
 * {@code DirectTopologyEqualityTest} proves record-for-record equality with {@link InProcessTopology}.
 */
public final class DirectTopology implements EventBus {
    private final TopologySettings settings;
    private final Path stateDir;
    private final MockProcessorContext<String, SpecificRecord> context;
    private final Processor<String, SpecificRecord, String, SpecificRecord> evaluator;
    private final List<StateStore> stores = new ArrayList<>();
    private final TimestampedKeyValueStore<String, GatePolicy> policies;
    private final Map<String, long[]> offsets = new HashMap<>();
    private final List<SpecificRecord> pending = new ArrayList<>();
    private final Map<String, String> topicByType = new HashMap<>();
    private final Set<String> evidenceTopics;
    private final String policiesTopic;
    private long lastTimestamp = 0;
    private long streamTime = Long.MIN_VALUE;

    /**
     * @param base          settings (topics, grace, tick, refresh, ledger retention, default policy)
     * @param defaultPolicy default policy (null keeps the one of {@code base})
     */
    public DirectTopology(TopologySettings base, GatePolicy defaultPolicy) {
        this.settings = defaultPolicy == null ? base : base.withDefaultPolicy(defaultPolicy);
        this.evidenceTopics = Set.copyOf(settings.topics().evidenceInputs());
        this.policiesTopic = settings.topics().policies();
        try {
            this.stateDir = Files.createTempDirectory("tollgate-direct-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary state directory", e);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tollgate-replay");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "in-process:9092");
        this.context = new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
        // the test driver's wall clock stands still too: validation and staleness use one instant
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> supplier = Processors.evaluator(settings);
        for (StoreBuilder<?> b : supplier.stores()) {
            register(inMemory(b));
        }
        this.policies = register(Stores.timestampedKeyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(Names.STORE_POLICIES),
                        Serdes.String(),
                        new AvroStateSerde<>(GatePolicy.class))
                .withLoggingDisabled()
                .withCachingDisabled());
        this.evaluator = supplier.get();
        evaluator.init(context);
    }

    /**
     * The in-memory twin of one of the evaluator's key-value stores (same name and serdes, no changelog). The key
     * ledger's window store is built as the topology builds it (RocksDB, in a temporary directory), without its
     * changelog: Kafka Streams' in-memory window store scans every timestamp of the fetched range, and the ledger
     * fetches days around each key; so is any store this class does not know.
     */
    private StoreBuilder<?> inMemory(StoreBuilder<?> b) {
        String name = b.name();
        if (name.equals(Names.STORE_STEP_STATE)) {
            return new BufferedStoreBuilder<>(
                            inMemoryKeyValue(name),
                            Serdes.String(),
                            new ServiceStateSerde(),
                            BufferedKeyValueStore.DEFAULT_CLEAN_CAPACITY)
                    .withLoggingDisabled();
        } else if (name.equals(Names.STORE_ROLLOUT_STATUS)) {
            return Stores.keyValueStoreBuilder(
                            inMemoryKeyValue(name), Serdes.String(), new AvroStateSerde<>(RolloutStatus.class))
                    .withCachingDisabled()
                    .withLoggingDisabled();
        }
        return b.withLoggingDisabled();
    }

    private static KeyValueBytesStoreSupplier inMemoryKeyValue(String name) {
        return Stores.inMemoryKeyValueStore(name);
    }

    private <S extends StateStore> S register(StoreBuilder<?> builder) {
        @SuppressWarnings("unchecked")
        S store = (S) builder.build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        stores.add(store);
        return store;
    }

    /** The topic names in use. */
    public TopicNames topics() {
        return settings.topics();
    }

    /** Processes one event now; policies (timestamp {@link Long#MIN_VALUE}) use the latest event time seen. */
    @Override
    public void send(EventCodec.Event e) {
        // topic names are computed once per type: TopicNames builds them on every call
        String topic = topicByType.get(e.type());
        if (topic == null) {
            topic = EventCodec.topicOf(e.type(), settings.topics());
            topicByType.put(e.type(), topic);
        }
        long ts = e.timestamp() == Long.MIN_VALUE ? lastTimestamp : e.timestamp();
        lastTimestamp = Math.max(lastTimestamp, ts);
        if (topic.equals(policiesTopic)) {
            putPolicy(e.key(), (GatePolicy) e.record(), ts);
            return;
        }
        if (!evidenceTopics.contains(topic)) {
            throw new IllegalArgumentException(e.type() + " is not an input of the topology");
        }
        long[] offset = offsets.computeIfAbsent(topic, t -> new long[1]);
        context.setRecordMetadata(topic, 0, offset[0]++);
        streamTime = Math.max(streamTime, ts);
        context.setCurrentStreamTimeMs(streamTime);
        evaluator.process(new Record<>(e.key(), e.record(), ts));
        collect();
    }

    /** What {@code PolicyLoader} does with a record of the policies topic. */
    private void putPolicy(String key, GatePolicy value, long ts) {
        if (key == null) {
            return;
        }
        if (value == null) {
            policies.delete(key);
        } else {
            policies.put(key, ValueAndTimestamp.make(value, ts));
        }
    }

    private void collect() {
        int forwarded = context.forwarded().size();
        if (forwarded == 0) {
            return;
        }
        int before = pending.size();
        for (String sink : List.of(Names.SINK_RESULTS, Names.SINK_DECISIONS, Names.SINK_TIMELINE)) {
            for (MockProcessorContext.CapturedForward<? extends String, ? extends SpecificRecord> f :
                    context.forwarded(sink)) {
                pending.add(f.record().value());
            }
        }
        context.resetForwards();
        if (pending.size() - before != forwarded) {
            // the topology has exactly these three sinks: anything else is a wiring change to reproduce here
            throw new IllegalStateException("the evaluator forwarded to a child other than the three sinks");
        }
    }

    /**
     * Whether the evaluator requested a commit ({@code context.commit()}) since the last call: it does when it
     * publishes a decision, so that the decision is readable without waiting for the commit interval.
     */
    public boolean takeCommitRequest() {
        boolean requested = context.committed();
        context.resetCommit();
        return requested;
    }

    @Override
    public void flush() {
        // synchronous: nothing buffered
    }

    /** Outputs published since the last call, in publication order. */
    @Override
    public List<SpecificRecord> drain() {
        if (pending.isEmpty()) {
            return List.of(); // the common case: most events publish nothing
        }
        List<SpecificRecord> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    @Override
    public void close() {
        try {
            evaluator.close();
            for (StateStore s : stores) {
                s.close();
            }
        } finally {
            InProcessTopology.deleteQuietly(stateDir);
        }
    }
}
