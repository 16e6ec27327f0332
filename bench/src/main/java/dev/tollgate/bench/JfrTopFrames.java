package dev.tollgate.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarizes the {@code jdk.ExecutionSample} events of a JFR recording for the threads whose name contains a
 * filter (default {@code StreamThread}): top frames by self samples, methods by inclusive samples, and the
 * share of samples in a few buckets that matter for Tollgate's hot path.
 *
 * <pre>java -cp ... dev.tollgate.bench.JfrTopFrames recording.jfr [threadFilter] [topN]</pre>
 */
public final class JfrTopFrames {
    /** Buckets: a sample counts in the first bucket whose marker appears anywhere in its stack (top first). */
    static final Map<String, String> BUCKETS = new LinkedHashMap<>();

    static {
        BUCKETS.put("deserialize input (Avro, registry serde)", "SpecificAvroDeserializer.");
        BUCKETS.put("serialize outputs (Avro)", "SpecificAvroSerializer.");
        BUCKETS.put("state serde (ServiceStateSerde / AvroStateSerde)", "ServiceStateSerde.|AvroStateSerde.");
        BUCKETS.put("RocksDB", "org.rocksdb.");
        BUCKETS.put("Evaluator.advance (seal, fold, gates)", "Evaluator.advance");
        BUCKETS.put("Evaluator.ingest", "Evaluator.ingest");
        BUCKETS.put("EvaluatorProcessor.process (rest)", "EvaluatorProcessor.process");
        BUCKETS.put(
                "commit / flush (TaskManager.commit, producer txn)",
                "TaskManager.commit|TaskExecutor.commit|StreamsProducer.commit");
        BUCKETS.put("consumer poll / fetch", "KafkaConsumer.poll|ClassicKafkaConsumer.poll|AsyncKafkaConsumer.poll");
        BUCKETS.put("producer send", "KafkaProducer.send|RecordCollectorImpl.send");
        BUCKETS.put("timestamp extraction", "TimestampExtractor.extract|EventTimeExtractor.extract");
        BUCKETS.put("Streams record loop (other)", "org.apache.kafka.streams.");
    }

    private JfrTopFrames() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTopFrames recording.jfr [threadFilter] [topN]");
            System.exit(2);
        }
        String filter = args.length > 1 ? args[1] : "StreamThread";
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        System.out.print(summarize(Path.of(args[0]), filter, top));
    }

    static String summarize(Path file, String threadFilter, int top) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> selfLines = new HashMap<>();
        Map<String, Integer> buckets = new LinkedHashMap<>();
        BUCKETS.keySet().forEach(b -> buckets.put(b, 0));
        buckets.put("other", 0);
        int samples = 0;
        int allSamples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            allSamples++;
            var thread = e.getThread("sampledThread");
            String name = thread == null ? "" : String.valueOf(thread.getJavaName());
            if (!name.contains(threadFilter)) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = st.getFrames();
            RecordedFrame f0 = frames.get(0);
            self.merge(method(f0), 1, Integer::sum);
            selfLines.merge(method(f0) + ":" + f0.getLineNumber(), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            StringBuilder joined = new StringBuilder();
            for (RecordedFrame f : frames) {
                String m = method(f);
                if (seen.add(m)) {
                    inclusive.merge(m, 1, Integer::sum);
                }
                joined.append(m).append('\n');
            }
            buckets.merge(bucket(joined.toString()), 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%d execution samples in threads matching '%s' (of %d in total)%n%n",
                samples,
                threadFilter,
                allSamples));
        out.append("Buckets (first match from the table, stack searched as a whole):\n");
        for (Map.Entry<String, Integer> b : buckets.entrySet()) {
            out.append(String.format(Locale.ROOT, "  %5.1f %%  %s%n", pct(b.getValue(), samples), b.getKey()));
        }
        out.append("\nTop frames (self):\n");
        appendTop(out, self, samples, top);
        out.append("\nTop frames with line (self):\n");
        appendTop(out, selfLines, samples, top);
        out.append("\nMethods (inclusive):\n");
        appendTop(out, inclusive, samples, top * 2);
        return out.toString();
    }

    static String bucket(String stack) {
        for (Map.Entry<String, String> b : BUCKETS.entrySet()) {
            for (String marker : b.getValue().split("\\|")) {
                if (stack.contains(marker)) {
                    return b.getKey();
                }
            }
        }
        return "other";
    }

    private static void appendTop(StringBuilder out, Map<String, Integer> counts, int total, int top) {
        List<Map.Entry<String, Integer>> list = new ArrayList<>(counts.entrySet());
        list.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
        for (int i = 0; i < Math.min(top, list.size()); i++) {
            out.append(String.format(
                    Locale.ROOT,
                    "  %5.1f %%  %6d  %s%n",
                    pct(list.get(i).getValue(), total),
                    list.get(i).getValue(),
                    list.get(i).getKey()));
        }
    }

    private static double pct(int n, int total) {
        return total == 0 ? 0 : 100.0 * n / total;
    }

    private static String method(RecordedFrame f) {
        var m = f.getMethod();
        if (m == null) {
            return "?";
        }
        String type = m.getType() == null ? "?" : m.getType().getName();
        return type + "." + m.getName();
    }
}
