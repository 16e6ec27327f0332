package dev.tollgate.tools;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.serde.InMemorySchemaRegistry;
import dev.tollgate.schemas.serde.SpecificAvroDeserializer;
import dev.tollgate.schemas.serde.SpecificAvroSerializer;
import dev.tollgate.topology.TollgateTopology;
import dev.tollgate.topology.TopicNames;
import dev.tollgate.topology.TopologySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production topology ({@link TollgateTopology#build}) in a {@link TopologyTestDriver}: no broker, an
 * in-memory schema registry of its own scope, a temporary state directory. Events are processed synchronously
 * as they are sent; {@link #drain()} returns what the topology published since the last call, in the order it
 * published it (per input event: gate results, then decisions, then timeline minutes).
 *
 * <p>Used by {@code replay} and by {@code simulate} without a cluster.
 */
public final class InProcessTopology implements EventBus {
    private final String scope = "inproc-" + UUID.randomUUID();
    private final Path stateDir;
    private final TopologySettings settings;
    private final TopologyTestDriver driver;
    private final Map<String, TestInputTopic<String, SpecificRecord>> inputs = new HashMap<>();
    private final TestOutputTopic<String, SpecificRecord> results;
    private final TestOutputTopic<String, SpecificRecord> decisions;
    private final TestOutputTopic<String, SpecificRecord> timeline;
    private final List<SpecificRecord> pending = new ArrayList<>();
    private long lastTimestamp = 0;

    /** A topology with every default setting and the given default policy (null: the contract's defaults). */
    public InProcessTopology(GatePolicy defaultPolicy) {
        this(TopologySettings.defaults("mock://unused"), defaultPolicy);
    }

    /**
     * @param base          settings whose serde config is replaced by this instance's in-memory registry
     * @param defaultPolicy default policy (null keeps the one of {@code base})
     */
    public InProcessTopology(TopologySettings base, GatePolicy defaultPolicy) {
        Map<String, Object> serde = Map.of("schema.registry.url", "mock://" + scope);
        TopologySettings s = base.withSerdeConfig(serde);
        if (defaultPolicy != null) {
            s = s.withDefaultPolicy(defaultPolicy);
        }
        this.settings = s;
        try {
            this.stateDir = Files.createTempDirectory("tollgate-replay-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary state directory", e);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tollgate-replay");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "in-process:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put("processing.exception.handler.global.enabled", true); // constant deprecated in 4.4
        this.driver = new TopologyTestDriver(TollgateTopology.build(settings), props);
        SpecificAvroSerializer<SpecificRecord> ser = new SpecificAvroSerializer<>();
        ser.configure(serde, false);
        TopicNames t = settings.topics();
        for (String topic : List.of(
                t.requests(), t.sideEffects(), t.queueWork(), t.metrics(), t.probes(), t.rollouts(), t.policies())) {
            inputs.put(topic, driver.createInputTopic(topic, Serdes.String().serializer(), ser));
        }
        SpecificAvroDeserializer<SpecificRecord> de = new SpecificAvroDeserializer<>();
        de.configure(serde, false);
        results = driver.createOutputTopic(t.gateResults(), Serdes.String().deserializer(), de);
        decisions = driver.createOutputTopic(t.decisions(), Serdes.String().deserializer(), de);
        timeline = driver.createOutputTopic(t.timeline(), Serdes.String().deserializer(), de);
    }

    /** The topic names in use. */
    public TopicNames topics() {
        return settings.topics();
    }

    /** Processes one event now; policies (timestamp {@link Long#MIN_VALUE}) use the latest event time seen. */
    @Override
    public void send(EventCodec.Event e) {
        String topic = EventCodec.topicOf(e.type(), settings.topics());
        TestInputTopic<String, SpecificRecord> in = inputs.get(topic);
        if (in == null) {
            throw new IllegalArgumentException(e.type() + " is not an input of the topology");
        }
        long ts = e.timestamp() == Long.MIN_VALUE ? lastTimestamp : e.timestamp();
        in.pipeInput(e.key(), e.record(), ts);
        lastTimestamp = Math.max(lastTimestamp, ts);
        collect();
    }

    private void collect() {
        while (!results.isEmpty()) {
            pending.add(results.readValue());
        }
        while (!decisions.isEmpty()) {
            pending.add(decisions.readValue());
        }
        while (!timeline.isEmpty()) {
            pending.add(timeline.readValue());
        }
    }

    @Override
    public void flush() {
        // synchronous: nothing buffered
    }

    /** Outputs published since the last call, in publication order. */
    @Override
    public List<SpecificRecord> drain() {
        collect();
        List<SpecificRecord> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
            deleteQuietly(stateDir);
        }
    }

    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
