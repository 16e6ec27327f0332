package dev.tollgate.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Command-line options of {@link ThroughputBench}; see {@link #usage()}.
 *
 * @param records          RequestLog records to produce and to measure over
 * @param rounds           measured rounds; the order of the modes alternates between rounds
 * @param warmupRecords    records each mode processes in each of two passes before the measured rounds (JIT warm-up); 0 for none
 * @param modes            what to measure, in round-1 order
 * @param bootstrapServers an existing broker to use instead of starting one; null to start one
 * @param topicPrefix      prefix of the Tollgate topics
 * @param partitions       partitions of every evidence/output topic (policies: 1, compacted)
 * @param services         number of services (record keys)
 * @param canaryShare      share of requests served by the canary revision
 * @param errorShare       share of 5xx responses
 * @param eventsPerSecond  event-time rate of the generated requests
 * @param postWithKeyShare share of requests that are POSTs with an Idempotency-Key (exercises the key ledger)
 * @param compression      producer compression.type of the generated data
 * @param alosCommitMs     commit.interval.ms for at_least_once; null keeps the Kafka Streams default (30000)
 * @param defaultPolicy    publish a default GatePolicy (all defaults) under key {@code *} on the policies topic
 * @param report           where the Markdown report is written
 * @param seed             random seed of the generator
 * @param scaleServices    services of the scale dataset (measured beside the main one); 0: no scale part
 * @param scaleRecords     RequestLog records of the scale dataset
 * @param scaleModes       what is measured on the scale dataset (the state is measured on its first Tollgate mode)
 */
public record BenchOptions(
        long records,
        int rounds,
        long warmupRecords,
        List<Mode> modes,
        String bootstrapServers,
        String topicPrefix,
        int partitions,
        int services,
        double canaryShare,
        double errorShare,
        int eventsPerSecond,
        double postWithKeyShare,
        String compression,
        Long alosCommitMs,
        boolean defaultPolicy,
        Path report,
        long seed,
        int scaleServices,
        long scaleRecords,
        List<Mode> scaleModes) {

    /** What one measurement runs. */
    public enum Mode {
        /** A plain KafkaConsumer decoding every RequestLog with the Tollgate deserializer. */
        CONSUMER("consumer", "raw decoding consumer (KafkaConsumer + SpecificAvroDeserializer)"),
        /**
         * Diagnostic: the same consumer decoding with the deserializer Tollgate's source uses ({@code
         * EvidenceDeserializer}, a fast path for request logs), to tell the decoder's share of a ratio apart.
         */
        CONSUMER_FAST(
                "consumer-fast",
                "decoding consumer with Tollgate's own deserializer (KafkaConsumer + EvidenceDeserializer)"),
        /**
         * The service's defaults: TollgateTopology with per-source watermarks (source.idle.ms 1000, the live settings,
         * the lag from the stream thread's consumer and the broker's end offsets as the service asks them) and
         * max.task.idle.ms=-1, exactly_once_v2, the service's commit interval (1000 ms; a decision commits at once),
         * one stream thread per available processor.
         */
        EOS(
                "eos",
                "Tollgate defaults: per-source watermarks, exactly_once_v2, commit.interval.ms=1000 and a commit"
                        + " per decision, max.task.idle.ms=-1, a stream thread per processor"),
        /** As {@link #EOS} with one stream thread (the default before it followed the processors): per-thread cost. */
        EOS_1THREAD("eos-1thread", "Tollgate defaults but num.stream.threads=1"),
        /**
         * As {@link #EOS} with Kafka Streams' own exactly-once commit interval (100 ms) instead of Tollgate's default:
         * the cost of committing ten times a second.
         */
        EOS_COMMIT100(
                "eos-commit100",
                "Tollgate defaults but commit.interval.ms=100 (Kafka Streams' exactly_once_v2 default)"),
        /** As {@link #EOS} under at_least_once. */
        ALOS("alos", "Tollgate with per-source watermarks under at_least_once"),
        /**
         * source.idle.ms=0: no per-source watermarks, Kafka Streams' own cross-topic synchronization
         * (max.task.idle.ms=0, its per-record readiness check).
         */
        EOS_SYNC(
                "eos-sync",
                "Tollgate with source.idle.ms=0: Kafka Streams' own synchronization (max.task.idle.ms=0),"
                        + " exactly_once_v2"),
        /**
         * Diagnostic: neither per-source watermarks nor Streams' synchronization (max.task.idle.ms=-1): the cost of
         * the watermarks themselves, unsafe (a partition fetched late is counted late).
         */
        EOS_NOIDLE(
                "eos-noidle",
                "Tollgate without per-source watermarks, max.task.idle.ms=-1, exactly_once_v2 (diagnostic, unsafe)"),
        /**
         * Diagnostic floor: Tollgate's source (same topics, deserializers, timestamp extractor) into a processor that
         * does nothing, exactly_once_v2, max.task.idle.ms=-1: what Kafka Streams itself costs per record.
         */
        FLOOR("floor", "Kafka Streams floor: Tollgate's source into a no-op processor, exactly_once_v2 (diagnostic)"),
        /** Diagnostic floor without decoding: byte-array values, the record's own timestamp. */
        FLOOR_BYTES(
                "floor-bytes",
                "Kafka Streams floor without decoding: byte-array source into a no-op processor (diagnostic)"),
        /** groupByKey().aggregate() into an Avro-encoded sketch value, exactly_once_v2. */
        NAIVE("naive", "naive DSL groupByKey().aggregate(), Avro-encoded sketch value, exactly_once_v2");

        private final String id;
        private final String description;

        Mode(String id, String description) {
            this.id = id;
            this.description = description;
        }

        public String id() {
            return id;
        }

        public String description() {
            return description;
        }

        static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.id.equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException(
                    "unknown mode '" + s
                            + "' (consumer, consumer-fast, eos, eos-1thread, eos-commit100, alos, eos-sync, eos-noidle, floor, floor-bytes, naive)");
        }
    }

    public BenchOptions {
        if (records <= 0) {
            throw new IllegalArgumentException("--records must be > 0");
        }
        if (rounds <= 0) {
            throw new IllegalArgumentException("--rounds must be > 0");
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("--modes must name at least one mode");
        }
        if (partitions <= 0 || services <= 0 || eventsPerSecond <= 0) {
            throw new IllegalArgumentException("--partitions, --services and --events-per-second must be > 0");
        }
        if (!(canaryShare > 0 && canaryShare < 1)
                || !(errorShare >= 0 && errorShare < 1)
                || !(postWithKeyShare >= 0 && postWithKeyShare <= 1)) {
            throw new IllegalArgumentException("shares must be within [0, 1)");
        }
        if (scaleServices < 0 || (scaleServices > 0 && scaleRecords < scaleServices)) {
            throw new IllegalArgumentException("--scale-services must be >= 0 and --scale-records >= --scale-services");
        }
        if (scaleServices > 0 && scaleModes.isEmpty()) {
            throw new IllegalArgumentException("--scale-modes must name at least one mode");
        }
        modes = List.copyOf(modes);
        scaleModes = List.copyOf(scaleModes);
    }

    /** Whether a scale dataset is measured beside the main one. */
    public boolean scale() {
        return scaleServices > 0;
    }

    /** The defaults (see {@link #usage()}). */
    public static BenchOptions defaults() {
        return parse(new String[0]);
    }

    /** Parses {@code --name value} options. */
    public static BenchOptions parse(String[] args) {
        // long enough that start-up (JIT of the evaluator, the first commit's coordinator lookup, the first seal once
        // the empty sources are idle) is a small part of a Streams run: at 2m records a run lasts about 2 s
        long records = 6_000_000;
        int rounds = 5;
        Long warmup = null;
        List<Mode> modes = List.of(Mode.CONSUMER, Mode.EOS, Mode.EOS_SYNC, Mode.ALOS, Mode.NAIVE);
        String bootstrap = null;
        String prefix = "tollgate.";
        int partitions = 6;
        int services = 20;
        double canary = 0.05;
        double errors = 0.002;
        int eps = 20_000;
        double post = 0.0;
        String compression = "none";
        Long alosCommit = null;
        boolean defaultPolicy = false;
        Path report = Path.of("bench", "target", "performance-report.md");
        long seed = 42;
        int scaleServices = 0;
        Long scaleRecords = null;
        List<Mode> scaleModes = List.of(Mode.CONSUMER, Mode.EOS);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                throw new UsageException(usage());
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value\n" + usage());
            }
            String v = args[++i];
            switch (a) {
                case "--records" -> records = parseCount(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--warmup-records" -> warmup = parseCount(v);
                case "--modes" -> modes = parseModes(v);
                case "--scale-services" -> scaleServices = Integer.parseInt(v);
                case "--scale-records" -> scaleRecords = parseCount(v);
                case "--scale-modes" -> scaleModes = parseModes(v);
                case "--bootstrap-servers" -> bootstrap = v;
                case "--topic-prefix" -> prefix = v;
                case "--partitions" -> partitions = Integer.parseInt(v);
                case "--services" -> services = Integer.parseInt(v);
                case "--canary-share" -> canary = Double.parseDouble(v);
                case "--error-share" -> errors = Double.parseDouble(v);
                case "--events-per-second" -> eps = Integer.parseInt(v);
                case "--post-with-key-share" -> post = Double.parseDouble(v);
                case "--compression" -> compression = v;
                case "--alos-commit-ms" -> alosCommit = Long.parseLong(v);
                case "--default-policy" -> defaultPolicy = Boolean.parseBoolean(v);
                case "--report" -> report = Path.of(v);
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
            }
        }
        long w = warmup != null ? warmup : records;
        return new BenchOptions(
                records,
                rounds,
                Math.min(w, records),
                modes,
                bootstrap,
                prefix,
                partitions,
                services,
                canary,
                errors,
                eps,
                post,
                compression,
                alosCommit,
                defaultPolicy,
                report,
                seed,
                scaleServices,
                scaleRecords != null ? scaleRecords : 400L * scaleServices,
                scaleModes);
    }

    private static List<Mode> parseModes(String v) {
        Set<Mode> set = new LinkedHashSet<>();
        for (String m : v.split(",")) {
            if (!m.isBlank()) {
                set.add(Mode.parse(m));
            }
        }
        return new ArrayList<>(set);
    }

    /** Accepts 2000000, 2_000_000, 2m, 500k. */
    static long parseCount(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT).replace("_", "");
        long mult = 1;
        if (s.endsWith("k")) {
            mult = 1_000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            mult = 1_000_000;
            s = s.substring(0, s.length() - 1);
        }
        return Long.parseLong(s) * mult;
    }

    /** The help text. */
    public static String usage() {
        return String.join(
                "\n",
                "ThroughputBench: the Tollgate topology side by side with a raw decoding consumer, same data, same run.",
                "",
                "  --records N             RequestLog records to produce (default 6000000; 6m, 500k accepted)",
                "  --rounds N              measured rounds, order alternating (default 5)",
                "  --warmup-records N      records per mode in each of the two unmeasured warm-up passes (default N; 0: none)",
                "  --modes a,b,...         consumer, eos, eos-sync, alos, naive (the default); diagnostic: consumer-fast,"
                        + " eos-1thread, eos-commit100, eos-noidle, floor, floor-bytes",
                "  --bootstrap-servers S   use this broker instead of starting a dev broker on free ports",
                "  --topic-prefix P        topic prefix (default tollgate.)",
                "  --partitions N          partitions of the topics (default 6)",
                "  --services N            services = record keys (default 20)",
                "  --canary-share X        canary share of requests (default 0.05)",
                "  --error-share X         5xx share (default 0.002)",
                "  --events-per-second N   event-time rate (default 20000)",
                "  --post-with-key-share X POSTs carrying an Idempotency-Key (default 0: no key-ledger lookups)",
                "  --compression C         producer compression.type (default none)",
                "  --alos-commit-ms N      commit.interval.ms under at_least_once (default: Kafka Streams' 30000)",
                "  --default-policy B      true: publish a default GatePolicy under key * first (default false)",
                "  --report FILE           Markdown report (default bench/target/performance-report.md)",
                "  --seed N                generator seed (default 42)",
                "  --scale-services N      also measure a second dataset of N services (e.g. 10000), each with a",
                "                          STARTED rollout, in the same rounds; and the state per service (store,",
                "                          changelog, heap) against the main dataset (default 0: off)",
                "  --scale-records N       request logs of the scale dataset (default 400 per service)",
                "  --scale-modes a,b,...   modes measured on the scale dataset (default consumer,eos)");
    }

    /** Thrown for --help: not an error. */
    public static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
