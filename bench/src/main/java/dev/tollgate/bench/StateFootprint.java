package dev.tollgate.bench;

import dev.tollgate.bench.BenchOptions.Mode;
import dev.tollgate.bench.Report.Measurement;
import dev.tollgate.bench.ThroughputBench.Dataset;
import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.engine.ServiceState;
import dev.tollgate.topology.engine.ServiceStateSerde;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.store.BufferedKeyValueStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The size of the evaluator's state per service, measured on a finished bench run: the serialized
 * {@link ServiceState} of every service (the latest value per key on the step-state store's changelog, which is
 * what the store holds), broken down by the sections of the state format; the changelog's bytes on the broker
 * before and after compaction; and the heap the state takes, once as the running service holds it (heap used
 * after a full GC with Kafka Streams still running) and once as decoded objects (every state decoded into a
 * list, heap after a full GC with and without the list).
 */
final class StateFootprint {
    /** Key of the tombstone written to each changelog partition after the run, to roll its active segment. */
    static final String ROLL_KEY = "~bench-segment-roll";

    private static final Duration COMPACTION_WAIT = Duration.ofSeconds(180);

    // the breakdown's columns, per service state
    static final String[] COLUMNS = {
        "whole state (value)",
        "clock section",
        "open tick partials section",
        "rollout section",
        "decision memory section",
        "step evidence section",
        "timeline minutes section",
        "evidence-seen section",
        "reference window section",
        "late evidence section",
        "step evidence: baseline",
        "step evidence: canary",
        "step evidence: service level",
        "latency sketches, all (step, ticks, minutes)",
        "latency sketches in the step evidence",
        "format header (version, section count)",
        "open tick windows (count)",
        "timeline minute windows (count)",
        "step requests, baseline (count)",
        "step requests, canary (count)",
        "latency sketches, all, if their buckets were encoded sparse (estimate, not the format)",
    };

    static final int TOTAL = 0;
    static final int STEP_BASELINE = 10;
    static final int STEP_CANARY = 11;
    static final int STEP_SERVICE = 12;
    static final int SKETCH_ALL = 13;
    static final int SKETCH_STEP = 14;
    static final int HEADER = 15;
    static final int OPEN_TICKS = 16;
    static final int MINUTES = 17;
    static final int REQ_BASELINE = 18;
    static final int REQ_CANARY = 19;
    static final int SKETCH_SPARSE = 20;

    private static final int STEP_TAG = 5;
    private static final int OPEN_TICKS_TAG = 2;
    private static final int MINUTES_TAG = 6;
    private static final int MAX_TAG = 9;

    private StateFootprint() {}

    /**
     * What was measured on one dataset.
     *
     * @param dataset            the dataset
     * @param mode               the Tollgate mode of the probed run
     * @param round              its round
     * @param heapAfterGc        heap used after a full GC with the run's Kafka Streams still running
     * @param cacheStats         the state store's object-cache counters, summed over tasks
     * @param changelogRecords   records on the changelog as written (read_committed, tombstones included)
     * @param changelogKeyValueBytes key + value bytes of those records
     * @param logBytesBefore     changelog bytes on the broker's log dir after the run (before compaction)
     * @param logBytesAfter      the same after the active segment was rolled and the cleaner had run; -1 if unknown
     * @param recordsAfter       records left after compaction (read_committed), the roll tombstones excluded
     * @param compactionNote     how compaction went
     * @param perService         per service, the breakdown of its latest state (see {@link #COLUMNS})
     * @param keysPerPartition   services per changelog partition (= per task)
     * @param decodedHeapBytes   heap taken by every state decoded into a list (after a full GC)
     * @param histogram          top of the class histogram with Kafka Streams running (see {@link #classHistogram})
     */
    record Result(
            Dataset dataset,
            Mode mode,
            int round,
            long heapAfterGc,
            Map<String, Double> cacheStats,
            long changelogRecords,
            long changelogKeyValueBytes,
            long logBytesBefore,
            long logBytesAfter,
            long recordsAfter,
            String compactionNote,
            List<long[]> perService,
            int[] keysPerPartition,
            long decodedHeapBytes,
            String histogram) {

        int services() {
            return perService.size();
        }

        /** Live states the store's object cache can hold at most: per task min(services, capacity). */
        long cachedStates() {
            long n = 0;
            for (int k : keysPerPartition) {
                n += Math.min(k, BufferedKeyValueStore.DEFAULT_CLEAN_CAPACITY);
            }
            return n;
        }

        /** Distribution of one column over the services. */
        Report.Stats stats(int column) {
            return Report.Stats.of(
                    perService.stream().mapToDouble(r -> r[column]).toArray());
        }

        double p95(int column) {
            double[] v =
                    perService.stream().mapToDouble(r -> r[column]).sorted().toArray();
            return v.length == 0 ? Double.NaN : v[Math.max(0, (int) Math.ceil(0.95 * v.length) - 1)];
        }

        double mean(int column) {
            return perService.stream().mapToDouble(r -> r[column]).average().orElse(Double.NaN);
        }
    }

    /** The Tollgate mode whose last-round run is probed: the first one of the scale modes, or null. */
    static Mode probedMode(List<Mode> modes) {
        for (Mode m : modes) {
            if (m == Mode.EOS
                    || m == Mode.EOS_1THREAD
                    || m == Mode.EOS_COMMIT100
                    || m == Mode.ALOS
                    || m == Mode.EOS_SYNC
                    || m == Mode.EOS_NOIDLE) {
                return m;
            }
        }
        return null;
    }

    /** Heap used after a full collection (System.gc() under G1 is a full, stop-the-world collection). */
    static long heapUsedAfterFullGc() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /**
     * The top of this JVM's class histogram ({@code jcmd PID GC.class_histogram}, itself after a full GC): the
     * {@code top} largest classes and every Tollgate class among the first 300; a note when jcmd fails.
     */
    static String classHistogram(int top) {
        try {
            Process p = new ProcessBuilder(
                            "jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                    .redirectErrorStream(true)
                    .start();
            List<String> lines;
            try (var r = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                lines = r.lines().limit(303).toList();
            }
            p.waitFor(120, TimeUnit.SECONDS);
            StringBuilder sb = new StringBuilder();
            int rows = 0;
            for (String line : lines) {
                boolean entry = line.trim().matches("^\\d+:.*");
                if (!line.isBlank() && (!entry || rows < top || line.contains("dev.tollgate."))) {
                    sb.append(line).append('\n');
                }
                rows += entry ? 1 : 0;
            }
            return sb.toString();
        } catch (IOException e) {
            return "jcmd failed: " + e.getMessage() + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted\n";
        }
    }

    /** The step-state store's object-cache counters ({@code tollgate-state-cache}), summed over tasks. */
    static Map<String, Double> cacheStats(Map<MetricName, ? extends Metric> metrics) {
        Map<String, Double> sums = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName n = e.getKey();
            if (n.group().equals("tollgate-state-cache")
                    && dev.tollgate.topology.Names.STORE_STEP_STATE.equals(
                            n.tags().get("store"))
                    && e.getValue().metricValue() instanceof Number v) {
                sums.merge(n.name(), v.doubleValue(), Double::sum);
            }
        }
        return sums;
    }

    /**
     * Reads the changelog of a finished run, breaks every service's latest state down, measures the heap of the
     * decoded states, then rolls the changelog's active segment and waits for the log cleaner.
     */
    static Result measure(
            Admin admin,
            String bootstrap,
            String changelog,
            Dataset d,
            Mode mode,
            int round,
            long heapAfterGc,
            Map<String, Double> cacheStats,
            String histogram)
            throws Exception {
        Scan scan = scan(bootstrap, changelog);
        List<long[]> perService = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : scan.latest.entrySet()) {
            if (e.getKey().equals(ROLL_KEY)) {
                continue;
            }
            long[] row = breakdown(e.getValue());
            perService.add(row);
        }
        int partitions = scan.keysPerPartition.length;
        // the heap of every state as decoded objects (what a fully warm object cache would hold)
        long before = heapUsedAfterFullGc();
        ServiceStateSerde serde = new ServiceStateSerde();
        List<ServiceState> decoded = new ArrayList<>(scan.latest.size());
        for (byte[] v : scan.latest.values()) {
            decoded.add(serde.deserialize(changelog, v));
        }
        long after = heapUsedAfterFullGc();
        Reference.reachabilityFence(decoded);
        long decodedHeap = after - before;
        decoded = null;
        scan.latest.clear();

        long logBefore = logDirBytes(admin, changelog);
        ThroughputBench.log(String.format(
                Locale.ROOT,
                "%s: changelog %s: %,d records, %,d key+value bytes, %,d bytes on the broker; %d services",
                d.label(),
                changelog,
                scan.records,
                scan.keyValueBytes,
                logBefore,
                perService.size()));
        long[] afterCompaction = compact(admin, bootstrap, changelog, partitions, logBefore);
        String note;
        long recordsAfter = -1;
        if (afterCompaction[0] >= 0) {
            Scan again = scan(bootstrap, changelog);
            recordsAfter = again.records - partitions; // minus the roll tombstones
            note = String.format(
                    Locale.ROOT, "cleaner done %.0f s after the segment roll", afterCompaction[1] / 1000.0);
        } else {
            note = String.format(
                    Locale.ROOT,
                    "the cleaner had not finished %d s after the segment roll (%,d bytes then)",
                    COMPACTION_WAIT.toSeconds(),
                    afterCompaction[2]);
        }
        return new Result(
                d,
                mode,
                round,
                heapAfterGc,
                cacheStats,
                scan.records,
                scan.keyValueBytes,
                logBefore,
                afterCompaction[0],
                recordsAfter,
                note,
                perService,
                scan.keysPerPartition,
                decodedHeap,
                histogram);
    }

    // ------------------------------------------------------------------ the state's layout

    /** The breakdown of one serialized state (see {@link #COLUMNS}). */
    static long[] breakdown(byte[] value) throws IOException {
        long[] c = new long[COLUMNS.length];
        c[TOTAL] = value.length;
        ByteArrayInputStream bin = new ByteArrayInputStream(value);
        DataInputStream in = new DataInputStream(bin);
        int version = in.readByte();
        if (version < 2) {
            throw new IOException("state format v" + version + " has no sections (not written by this build)");
        }
        int sections = StateIo.readInt(in);
        c[HEADER] = value.length - bin.available();
        for (int i = 0; i < sections; i++) {
            int before = bin.available();
            int tag = StateIo.readInt(in);
            int sectionVersion = StateIo.readInt(in);
            int length = StateIo.readInt(in);
            byte[] body = in.readNBytes(length);
            if (body.length != length) {
                throw new IOException("truncated section " + tag);
            }
            if (tag >= 1 && tag <= MAX_TAG) {
                c[tag] += before - bin.available();
            }
            if (sectionVersion != 1) {
                continue; // a layout this breakdown does not know: counted whole, not split
            }
            if (tag == STEP_TAG) {
                stepEvidence(body, c);
            } else if (tag == OPEN_TICKS_TAG) {
                windows(body, c, OPEN_TICKS);
            } else if (tag == MINUTES_TAG) {
                windows(body, c, MINUTES);
            }
        }
        if (bin.available() != 0) {
            throw new IOException(bin.available() + " trailing bytes");
        }
        return c;
    }

    private static void stepEvidence(byte[] body, long[] c) throws IOException {
        ByteArrayInputStream bin = new ByteArrayInputStream(body);
        DataInputStream in = new DataInputStream(bin);
        int[] columns = {STEP_BASELINE, STEP_CANARY, STEP_SERVICE};
        for (int column : columns) {
            int before = bin.available();
            RevisionEvidence e = RevisionEvidence.readFrom(in);
            c[column] += before - bin.available();
            long[] sketch = sketchBytes(e);
            c[SKETCH_ALL] += sketch[0];
            c[SKETCH_STEP] += sketch[0];
            c[SKETCH_SPARSE] += sketch[1];
            if (column == STEP_BASELINE) {
                c[REQ_BASELINE] = e.traffic.requests;
            } else if (column == STEP_CANARY) {
                c[REQ_CANARY] = e.traffic.requests;
            }
        }
    }

    private static void windows(byte[] body, long[] c, int countColumn) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        int n = StateIo.readInt(in);
        c[countColumn] += n;
        for (int i = 0; i < n; i++) {
            StateIo.readLong(in);
            int revisions = StateIo.readInt(in);
            for (int j = 0; j < revisions; j++) {
                in.readUTF();
                long[] sketch = sketchBytes(RevisionEvidence.readFrom(in));
                c[SKETCH_ALL] += sketch[0];
                c[SKETCH_SPARSE] += sketch[1];
            }
        }
    }

    /**
     * The bytes of the revision's latency sketch as the format writes it (a dense window of var-long bucket
     * counts, zeros included), and what the same sketch would take with only its non-zero buckets written as
     * (index delta, count) var-ints: an estimate of what a sparse layout would save, not a format.
     */
    static long[] sketchBytes(RevisionEvidence e) throws IOException {
        if (e.traffic.latency.count() == 0) {
            return new long[] {0, 0};
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        e.traffic.latency.writeTo(out);
        out.flush();
        byte[] dense = bytes.toByteArray();
        // re-read the layout of LatencySketch.writeTo: count, zeroCount, sum, min, max, first index, length, counts
        ByteArrayInputStream bin = new ByteArrayInputStream(dense);
        DataInputStream in = new DataInputStream(bin);
        StateIo.readLong(in);
        StateIo.readLong(in);
        in.readDouble();
        in.readDouble();
        in.readDouble();
        StateIo.readInt(in);
        int header = dense.length - bin.available();
        int len = StateIo.readInt(in);
        ByteArrayOutputStream sparseBytes = new ByteArrayOutputStream();
        DataOutputStream sparse = new DataOutputStream(sparseBytes);
        int nonZero = 0;
        int last = 0;
        for (int i = 0; i < len; i++) {
            long n = StateIo.readLong(in);
            if (n != 0) {
                nonZero++;
                StateIo.writeInt(sparse, i - last);
                StateIo.writeLong(sparse, n);
                last = i;
            }
        }
        ByteArrayOutputStream countBytes = new ByteArrayOutputStream();
        StateIo.writeInt(new DataOutputStream(countBytes), nonZero);
        return new long[] {dense.length, header + countBytes.size() + sparseBytes.size()};
    }

    // ------------------------------------------------------------------ the changelog on the broker

    private static final class Scan {
        long records;
        long keyValueBytes;
        final Map<String, byte[]> latest = new HashMap<>();
        int[] keysPerPartition;
    }

    /** Reads a topic from the beginning to its end (read_committed): records, bytes, latest value per key. */
    private static Scan scan(String bootstrap, String topic) {
        Map<String, Object> cc = new HashMap<>();
        cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cc.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        Scan s = new Scan();
        Map<String, Integer> partitionOf = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(60))
                    .forEach(p -> tps.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(60));
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!atEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end in 5 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    s.records++;
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    s.keyValueBytes += r.key().length + (r.value() == null ? 0 : r.value().length);
                    if (r.value() == null) {
                        s.latest.remove(key);
                    } else {
                        s.latest.put(key, r.value());
                        partitionOf.put(key, r.partition());
                    }
                }
            }
            s.keysPerPartition = new int[tps.size()];
            for (Map.Entry<String, Integer> e : partitionOf.entrySet()) {
                if (s.latest.containsKey(e.getKey())) {
                    s.keysPerPartition[e.getValue()]++;
                }
            }
        }
        return s;
    }

    private static boolean atEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of the topic's partitions in the brokers' log dirs (describeLogDirs, as kafka-log-dirs.sh). */
    static long logDirBytes(Admin admin, String topic) throws Exception {
        List<Integer> brokers = new ArrayList<>();
        for (Node n : admin.describeCluster().nodes().get(60, TimeUnit.SECONDS)) {
            brokers.add(n.id());
        }
        long bytes = 0;
        Map<Integer, Map<String, LogDirDescription>> all =
                admin.describeLogDirs(brokers).allDescriptions().get(60, TimeUnit.SECONDS);
        for (Map<String, LogDirDescription> dirs : all.values()) {
            for (LogDirDescription dir : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> r :
                        dir.replicaInfos().entrySet()) {
                    if (r.getKey().topic().equals(topic)) {
                        bytes += r.getValue().size();
                    }
                }
            }
        }
        return bytes;
    }

    /**
     * Makes the log cleaner compact the changelog now: a short segment.ms and a low dirty ratio on the topic,
     * then one tombstone per partition (its timestamp is newer than the segment's by more than segment.ms, so the
     * append rolls the active segment, which the cleaner never touches). Waits until the size stops shrinking.
     *
     * @return {bytes after, ms waited, last size seen}; bytes after is -1 when the cleaner had not finished
     */
    private static long[] compact(Admin admin, String bootstrap, String topic, int partitions, long before)
            throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        admin.incrementalAlterConfigs(Map.of(
                        resource,
                        List.of(
                                new AlterConfigOp(new ConfigEntry("segment.ms", "1000"), AlterConfigOp.OpType.SET),
                                new AlterConfigOp(
                                        new ConfigEntry("min.cleanable.dirty.ratio", "0.01"),
                                        AlterConfigOp.OpType.SET))))
                .all()
                .get(60, TimeUnit.SECONDS);
        Thread.sleep(2_000);
        Map<String, Object> pc = new HashMap<>();
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(pc, new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] key = ROLL_KEY.getBytes(StandardCharsets.UTF_8);
            for (int p = 0; p < partitions; p++) {
                producer.send(new ProducerRecord<byte[], byte[]>(
                                topic, p, (Long) System.currentTimeMillis(), key, null))
                        .get(60, TimeUnit.SECONDS);
            }
        }
        long t0 = System.nanoTime();
        long last = logDirBytes(admin, topic);
        long lastChange = System.nanoTime();
        boolean shrank = false;
        while (System.nanoTime() - t0 < COMPACTION_WAIT.toNanos()) {
            Thread.sleep(2_000);
            long now = logDirBytes(admin, topic);
            if (now != last) {
                shrank |= now < last;
                last = now;
                lastChange = System.nanoTime();
            } else if (shrank && System.nanoTime() - lastChange > 10_000_000_000L) {
                return new long[] {now, (lastChange - t0) / 1_000_000, now};
            }
        }
        return new long[] {-1, COMPACTION_WAIT.toMillis(), last};
    }

    // ------------------------------------------------------------------ report

    /** The report's scale section: throughput at both sizes, then the state per service at both sizes. */
    static String markdown(
            Dataset main,
            Dataset scale,
            List<Measurement> scaleMs,
            double scaleProduceRate,
            Mode stateMode,
            Result small,
            Result large) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Scale: ").append(scale.label()).append("\n\n");
        sb.append(String.format(
                Locale.ROOT,
                "Data: %,d RequestLog records of %,d services on `%s` (about %,d per service) + %,d RolloutEvent"
                        + " STARTED, same generator settings as above; produced at %,.0f records/s. Measured in the same"
                        + " rounds as the main dataset, right after it.\n\n",
                scale.records(),
                scale.services(),
                scale.topics().requests(),
                scale.records() / scale.services(),
                scale.services(),
                scaleProduceRate));
        sb.append(Report.table(scaleMs)).append('\n');
        sb.append("### Every run (scale dataset)\n\n")
                .append(Report.runs(scaleMs))
                .append('\n');
        if (large == null) {
            sb.append("No state was probed (no Tollgate mode in --scale-modes).\n");
            return sb.toString();
        }
        sb.append("### State per service\n\n");
        sb.append("Probed run: ")
                .append(stateMode.id())
                .append(", round ")
                .append(large.round())
                .append(". Bytes of the serialized service state (`ServiceStateSerde`, the latest value per service"
                        + " on the step-state store's changelog = what the store holds), median / p95 / max over the"
                        + " services; counts where marked.\n\n");
        sb.append("| | ").append(main.label());
        sb.append(" median | p95 | max | mean | ").append(scale.label()).append(" median | p95 | max | mean |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int c = 0; c < COLUMNS.length; c++) {
            sb.append("| ").append(COLUMNS[c]).append(" | ");
            appendStats(sb, small, c);
            sb.append(" | ");
            appendStats(sb, large, c);
            sb.append(" |\n");
        }
        sb.append('\n');
        sb.append("| | ")
                .append(main.label())
                .append(" | ")
                .append(scale.label())
                .append(" |\n|---|---:|---:|\n");
        row(sb, "services with a state", small, large, r -> Report.thousands(r.services()));
        row(
                sb,
                "changelog records written (read_committed)",
                small,
                large,
                r -> Report.thousands(r.changelogRecords()));
        row(sb, "changelog key+value bytes written", small, large, r -> Report.thousands(r.changelogKeyValueBytes()));
        row(sb, "changelog bytes on the broker after the run", small, large, r -> Report.thousands(r.logBytesBefore()));
        row(sb, "… per service", small, large, r -> Report.thousands((double) r.logBytesBefore() / r.services()));
        row(
                sb,
                "changelog bytes on the broker after segment roll + compaction",
                small,
                large,
                r -> r.logBytesAfter() < 0 ? "not compacted" : Report.thousands(r.logBytesAfter()));
        row(
                sb,
                "… per service",
                small,
                large,
                r -> r.logBytesAfter() < 0 ? "n/a" : Report.thousands((double) r.logBytesAfter() / r.services()));
        row(sb, "changelog records after compaction", small, large, r -> Report.thousands(r.recordsAfter()));
        row(sb, "compaction", small, large, Result::compactionNote);
        row(sb, "heap used after full GC, Kafka Streams running", small, large, r -> Report.thousands(r.heapAfterGc()));
        row(
                sb,
                "live states the object cache can hold (Σ per task min(services, 1000))",
                small,
                large,
                r -> Report.thousands(r.cachedStates()));
        row(
                sb,
                "state cache counters (summed over tasks)",
                small,
                large,
                r -> r.cacheStats().toString());
        row(
                sb,
                "services per task (changelog partition)",
                small,
                large,
                r -> java.util.Arrays.toString(r.keysPerPartition()));
        row(
                sb,
                "heap of every state decoded into a list, per state",
                small,
                large,
                r -> Report.thousands((double) r.decodedHeapBytes() / r.services()));
        sb.append('\n');
        if (small != null) {
            long heapDelta = large.heapAfterGc() - small.heapAfterGc();
            long cachedDelta = large.cachedStates() - small.cachedStates();
            for (Result r : List.of(small, large)) {
                sb.append("Class histogram with the ")
                        .append(r.dataset().label())
                        .append(
                                " run's Kafka Streams running (`jcmd PID GC.class_histogram`, top and Tollgate classes):\n\n```\n")
                        .append(r.histogram())
                        .append("```\n\n");
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "Heap per service, running service: (%,d − %,d) bytes / (%,d − %,d) services = **%,.0f bytes per"
                            + " service**; per state the object cache holds: / (%,d − %,d) = %,.0f bytes.\n\n",
                    large.heapAfterGc(),
                    small.heapAfterGc(),
                    large.services(),
                    small.services(),
                    (double) heapDelta / (large.services() - small.services()),
                    large.cachedStates(),
                    small.cachedStates(),
                    cachedDelta == 0 ? Double.NaN : (double) heapDelta / cachedDelta));
        }
        return sb.toString();
    }

    private static void appendStats(StringBuilder sb, Result r, int column) {
        if (r == null) {
            sb.append("n/a | n/a | n/a | n/a");
            return;
        }
        Report.Stats s = r.stats(column);
        sb.append(Report.thousands(s.median()))
                .append(" | ")
                .append(Report.thousands(r.p95(column)))
                .append(" | ")
                .append(Report.thousands(s.max()))
                .append(" | ")
                .append(Report.thousands(r.mean(column)));
    }

    private static void row(
            StringBuilder sb, String name, Result small, Result large, java.util.function.Function<Result, String> f) {
        sb.append("| ")
                .append(name)
                .append(" | ")
                .append(small == null ? "n/a" : f.apply(small))
                .append(" | ")
                .append(f.apply(large))
                .append(" |\n");
    }

    /** For tests and logs: the columns of one breakdown. */
    static String describe(long[] row) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < COLUMNS.length; c++) {
            if (row[c] != 0) {
                sb.append(COLUMNS[c]).append('=').append(row[c]).append("; ");
            }
        }
        return sb.toString();
    }
}
