package dev.tollgate.tools;

import dev.tollgate.app.cli.CommandFailedException;
import dev.tollgate.app.cli.ExitCodes;
import dev.tollgate.app.cli.UsageException;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.topology.TopicNames;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tollgate tail decisions|results}: follows Tollgate's output topics as readable lines. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {
            "Follow Tollgate's decisions or gate results as readable lines (committed records only).",
            "With an in-memory registry (mock://, e.g. the demo's) records are read with this build's schemas."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok (interrupted, or --max/--timeout reached)", "1:runtime error", "2:usage error"})
public final class TailCommand implements Callable<Integer> {
    /** What to follow. */
    public enum What {
        decisions,
        results
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "decisions|results", description = "The topic to follow.")
    What what;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description = "Kafka cluster (default ${DEFAULT-VALUE}).")
    String bootstrapServers = "localhost:9092";

    @Option(
            names = "--schema-registry-url",
            paramLabel = "URL",
            description = "Schema registry (default ${DEFAULT-VALUE}).")
    String schemaRegistryUrl = "mock://tollgate";

    @Option(names = "--topic-prefix", description = "Prefix of the contract topics (default ${DEFAULT-VALUE}).")
    String topicPrefix = TopicNames.DEFAULT_PREFIX;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of new ones only.")
    boolean fromBeginning;

    @Option(names = "--service", description = "Only records of this service.")
    String service;

    @Option(names = "--json", description = "Print each record as one JSON object (contract field names) instead.")
    boolean json;

    @Option(
            names = "--reasons",
            description = "Print every reason line under a decision (default: those of its failing " + "gates).")
    boolean allReasons;

    @Option(names = "--max", description = "Stop after this many records (0: follow until interrupted).")
    long max;

    @Option(
            names = "--timeout",
            paramLabel = "D",
            description =
                    "Stop after this long without a new record, e.g. 10s " + "(default: follow until interrupted).")
    String timeout;

    private final AtomicBoolean stop = new AtomicBoolean();

    /** Stops a running tail (from another thread). */
    public void stop() {
        stop.set(true);
    }

    @Override
    public Integer call() {
        ToolLogging.quiet();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long idleLimitMs;
        try {
            idleLimitMs = timeout == null ? Long.MAX_VALUE : Durations.parseMs(timeout);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--timeout: " + e.getMessage(), e);
        }
        TopicNames topics = new TopicNames(topicPrefix);
        String topic = what == What.decisions ? topics.decisions() : topics.gateResults();
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "tollgate-tail");
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (KafkaConsumer<String, byte[]> consumer =
                        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
                OutputDecoder decoder = new OutputDecoder(schemaRegistryUrl, topics)) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(
                    () -> {
                        stop.set(true);
                        consumer.wakeup();
                        try {
                            main.join(3_000);
                        } catch (InterruptedException ignored) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "tollgate-tail-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
                if (infos == null || infos.isEmpty()) {
                    throw new CommandFailedException("topic " + topic + " does not exist on " + bootstrapServers);
                }
                List<TopicPartition> parts = new ArrayList<>();
                infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
                consumer.assign(parts);
                if (fromBeginning) {
                    consumer.seekToBeginning(parts);
                } else {
                    consumer.seekToEnd(parts);
                }
                err.println("tail: following " + topic + " on " + bootstrapServers
                        + (fromBeginning ? " from the beginning" : " (new records)") + "; Ctrl-C stops");
                err.flush();
                long seen = 0;
                long lastRecord = System.currentTimeMillis();
                while (!stop.get() && (max <= 0 || seen < max)) {
                    boolean any = false;
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        SpecificRecord v = decoder.decode(r.topic(), r.value());
                        if (v == null || (service != null && !service.equals(r.key()))) {
                            continue;
                        }
                        any = true;
                        print(out, v);
                        seen++;
                        if (max > 0 && seen >= max) {
                            break;
                        }
                    }
                    out.flush();
                    if (any) {
                        lastRecord = System.currentTimeMillis();
                    } else if (System.currentTimeMillis() - lastRecord >= idleLimitMs) {
                        break;
                    }
                }
            } catch (WakeupException e) {
                // Ctrl-C
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down
                }
            }
            if (decoder.usedFallback()) {
                err.println("tail: schema ids unknown to " + schemaRegistryUrl
                        + "; records were read with this build's " + "schemas");
            }
            err.flush();
            return ExitCodes.OK;
        }
    }

    private void print(PrintWriter out, SpecificRecord v) {
        if (json) {
            out.println(EventCodec.toLine(v));
        } else if (v instanceof GateDecision d) {
            out.println(Lines.decision(d));
            for (String reason : allReasons ? d.getReasons() : Lines.failingReasons(d)) {
                if (allReasons || !d.getFailingGates().isEmpty()) {
                    out.println("    " + reason);
                }
            }
        } else if (v instanceof GateResult g) {
            out.println(Lines.result(g));
        }
    }
}
