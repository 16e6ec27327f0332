package dev.tollgate.tools;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.topology.TopologySettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;

/**
 * Replays recorded events through the production topology without a broker: reads JSON lines, orders the events
 * by event time (stable: ties keep file order; policies without a timestamp come first), pipes them into the
 * evaluator ({@link Engine#FAST}: {@link DirectTopology}; {@link Engine#DRIVER}: the whole topology in an {@link
 * InProcessTopology}) and hands every output to a sink in publication order.
 */
public final class Replayer {
    private Replayer() {}

    /**
     * The events of an input file.
     *
     * @param events  decoded events, in file order
     * @param lines   non-blank lines read
     * @param skipped bad lines skipped (only with skipBad)
     * @param errors  the messages of the skipped lines (at most {@link #MAX_ERRORS_KEPT})
     */
    public record Input(List<EventCodec.Event> events, int lines, int skipped, List<String> errors) {}

    /** Messages of skipped lines kept for the report. */
    public static final int MAX_ERRORS_KEPT = 20;

    /**
     * Reads JSON lines (blank lines are ignored).
     *
     * @param in      the reader
     * @param skipBad skip bad lines (counted) instead of failing on the first
     * @throws EventFormatException naming the line and the field of the first bad line (without skipBad)
     */
    public static Input read(BufferedReader in, boolean skipBad) throws IOException {
        List<EventCodec.Event> events = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int lineNo = 0;
        int lines = 0;
        int skipped = 0;
        String[] chunk = new String[DECODE_CHUNK];
        int[] numbers = new int[DECODE_CHUNK];
        Object[] decoded = new Object[DECODE_CHUNK];
        boolean eof = false;
        while (!eof) {
            int n = 0;
            String line;
            while (n < DECODE_CHUNK && (line = in.readLine()) != null) {
                lineNo++;
                if (!line.isBlank()) {
                    chunk[n] = line;
                    numbers[n++] = lineNo;
                }
            }
            eof = n < DECODE_CHUNK;
            // decoding dominates a large replay: lines are decoded in parallel, then taken in file order
            IntStream.range(0, n).parallel().forEach(i -> decoded[i] = decodeInput(chunk[i]));
            for (int i = 0; i < n; i++) {
                lines++;
                if (decoded[i] instanceof EventCodec.Event e) {
                    events.add(e);
                    continue;
                }
                EventFormatException at = ((EventFormatException) decoded[i]).atLine(numbers[i]);
                if (!skipBad) {
                    throw at;
                }
                skipped++;
                if (errors.size() < MAX_ERRORS_KEPT) {
                    errors.add(at.getMessage());
                }
            }
        }
        return new Input(events, lines, skipped, errors);
    }

    /**
     * Reads JSON lines from bytes (blank lines are ignored), decoding chunks of lines on one thread per processor; the
     * same result as {@link #read(BufferedReader, boolean)} over the UTF-8 text.
     *
     * @param in      the input (not closed here)
     * @param skipBad skip bad lines (counted) instead of failing on the first
     * @throws EventFormatException naming the line and the field of the first bad line (without skipBad)
     * @throws java.io.UncheckedIOException when the input is not valid UTF-8
     */
    public static Input read(InputStream in, boolean skipBad) throws IOException {
        Lines lines = new Lines(skipBad, true);
        try (EventStream stream = new EventStream(in)) {
            EventStream.Chunk c;
            while ((c = stream.next()) != null) {
                lines.add(c, null);
            }
        }
        return lines.input();
    }

    /**
     * A replay of a JSON-lines input.
     *
     * @param input   the events read (in file order) and the lines skipped
     * @param counts  what was published
     * @param outputs every output in publication order
     */
    public record Replay(Input input, Counts counts, List<SpecificRecord> outputs) {}

    /**
     * Reads and replays a JSON-lines input in one pass: the same outputs as {@link #read(InputStream, boolean)}
     * followed by {@link #run(List, GatePolicy, TopologySettings, Engine, Consumer)}, but the engine starts on the
     * first chunk while later chunks are still being read and decoded. Events arrive in file order and are put in
     * time order (stable) through a reorder buffer of a minute of event time, which is enough for recorded files
     * (out of order by the jitter of their producers); should a later event belong before one the engine already
     * took (or the engine fail), that run is abandoned and the events are replayed again once all are read, sorted,
     * exactly as {@code run} does. Outputs are only handed out after the
     * whole input is read, so a bad line still fails the replay before anything is printed.
     *
     * @param in       the input (not closed here)
     * @param skipBad  skip bad lines (counted) instead of failing on the first
     * @param policy   a default policy, or null (see {@code run})
     * @param settings topology settings, or null for defaults
     * @param engine   the engine
     * @throws EventFormatException naming the line and the field of the first bad line (without skipBad)
     */
    public static Replay replay(
            InputStream in, boolean skipBad, GatePolicy policy, TopologySettings settings, Engine engine)
            throws IOException {
        return replay(in, null, skipBad, policy, settings, engine);
    }

    /** Opens an input again. */
    @FunctionalInterface
    public interface Reopen {
        InputStream open() throws IOException;
    }

    /**
     * {@link #replay(InputStream, boolean, GatePolicy, TopologySettings, Engine)} of an input that can be read again
     * (a file): the decoded events are not kept in memory (less garbage collection), and should the in-order run be
     * abandoned, the input is read again for the sorted replay. The returned input then lists no events.
     *
     * @param again opens the same input again, or null to keep the events in memory instead
     */
    public static Replay replay(
            InputStream in, Reopen again, boolean skipBad, GatePolicy policy, TopologySettings settings, Engine engine)
            throws IOException {
        TopologySettings base = settings != null ? settings : TopologySettings.defaults("mock://unused");
        Lines lines = new Lines(skipBad, again == null);
        Speculation valid;
        // the stream starts first: its threads decode while this one builds the engine
        try (EventStream stream = new EventStream(in)) {
            Speculation run = new Speculation(engine.open(base), policy);
            try {
                EventStream.Chunk c;
                while ((c = stream.next()) != null) {
                    lines.add(c, run);
                }
                run.finish();
            } finally {
                run.close();
            }
            valid = run.valid ? run : null;
        }
        Input input = lines.input();
        Speculation run = valid;
        if (run != null) {
            return new Replay(input, run.counts, run.outputs);
        }
        List<EventCodec.Event> events = input.events();
        if (again != null) {
            try (InputStream second = again.open()) {
                events = read(second, skipBad).events();
            }
        }
        List<SpecificRecord> outputs = new ArrayList<>();
        Counts counts = run(events, policy, base, engine, outputs::add);
        return new Replay(input, counts, outputs);
    }

    /** Collects the decoded lines of chunks in file order, with line numbers, skipping or failing on bad ones. */
    private static final class Lines {
        private final boolean skipBad;
        private final List<EventCodec.Event> events = new ArrayList<>();
        private final List<String> errors = new ArrayList<>();
        private int lineBase;
        private int lines;
        private int skipped;

        private final boolean retain;

        Lines(boolean skipBad, boolean retain) {
            this.skipBad = skipBad;
            this.retain = retain;
        }

        void add(EventStream.Chunk c, Speculation run) {
            Object[] decoded = c.decoded();
            for (int i = 0; i < c.count(); i++) {
                lines++;
                if (decoded[i] instanceof EventCodec.Event e) {
                    if (retain) {
                        events.add(e);
                    }
                    if (run != null) {
                        run.accept(e);
                    }
                    continue;
                }
                EventFormatException at = ((EventFormatException) decoded[i]).atLine(lineBase + c.lineNos()[i]);
                if (!skipBad) {
                    throw at;
                }
                skipped++;
                if (errors.size() < MAX_ERRORS_KEPT) {
                    errors.add(at.getMessage());
                }
            }
            lineBase += c.lines();
        }

        Input input() {
            return new Input(events, lines, skipped, errors);
        }
    }

    /**
     * The engine fed in replay order while the file is read (see {@link #replay}). Recorded events are rarely in
     * exact time order (producers on several hosts, clock jitter), so events wait in a small reorder buffer, sorted
     * stably by timestamp, until they are {@link #LAG_MS} of event time older than the newest event read; then they
     * go to the engine. An event older than one already sent (the order guess was wrong), a buffer insertion that
     * moves more than {@link #MAX_SHIFT} events (a file far from time order) or an engine error abandons this run.
     */
    private static final class Speculation {
        /** How long events wait for older ones, in event time. */
        static final long LAG_MS = 60_000;
        /** The most events one insertion may move before the file counts as unordered. */
        static final int MAX_SHIFT = 4_096;
        /** The most events waiting; beyond it the oldest is sent (and the order still checked). */
        static final int MAX_WAITING = 1 << 20;

        private final EventBus bus;
        private final EventCodec.Event policy;
        final Counts counts = new Counts();
        final List<SpecificRecord> outputs = new ArrayList<>();
        boolean valid = true;
        private boolean policySent;
        private long sent = Long.MIN_VALUE;
        private long newest = Long.MIN_VALUE;
        private boolean closed;
        // a ring buffer of waiting events, sorted by timestamp (stable)
        private EventCodec.Event[] ring = new EventCodec.Event[1 << 12];
        private int head;
        private int size;

        Speculation(EventBus bus, GatePolicy policy) {
            this.bus = bus;
            this.policy = policy == null
                    ? null
                    : new EventCodec.Event("GatePolicy", EventCodec.DEFAULT_POLICY_KEY, Long.MIN_VALUE, policy);
            this.policySent = policy == null;
        }

        void accept(EventCodec.Event e) {
            if (!valid) {
                return;
            }
            long ts = e.timestamp();
            if (ts < sent || !insert(e)) {
                abandon(); // it belongs before an event the engine has already processed
                return;
            }
            newest = Math.max(newest, ts);
            try {
                while (size > 0 && (at(0).timestamp() < newest - LAG_MS || size > MAX_WAITING)) {
                    send(poll());
                }
            } catch (RuntimeException ex) {
                abandon(); // the sorted replay meets it again (or not, if a later line changes the order)
            }
        }

        private EventCodec.Event at(int i) {
            return ring[(head + i) & (ring.length - 1)];
        }

        private EventCodec.Event poll() {
            EventCodec.Event e = ring[head];
            ring[head] = null;
            head = (head + 1) & (ring.length - 1);
            size--;
            return e;
        }

        /** Inserts after every waiting event with a timestamp not above its own; false when that moves too many. */
        private boolean insert(EventCodec.Event e) {
            if (size == ring.length) {
                EventCodec.Event[] bigger = new EventCodec.Event[ring.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = at(i);
                }
                ring = bigger;
                head = 0;
            }
            int mask = ring.length - 1;
            int i = size;
            long ts = e.timestamp();
            while (i > 0 && ring[(head + i - 1) & mask].timestamp() > ts) {
                if (size - i >= MAX_SHIFT) {
                    return false;
                }
                ring[(head + i) & mask] = ring[(head + i - 1) & mask];
                i--;
            }
            ring[(head + i) & mask] = e;
            size++;
            return true;
        }

        private void send(EventCodec.Event e) {
            long ts = e.timestamp();
            if (!policySent && ts != Long.MIN_VALUE) {
                // run() puts the default policy after the untimed policies, before the first timed event
                policySent = true;
                send(policy);
            }
            sent = ts;
            bus.send(e);
            counts.events++;
            for (SpecificRecord out : bus.drain()) {
                counts.count(out);
                outputs.add(out);
            }
        }

        /** Sends what still waits (the input is complete). */
        void finish() {
            if (!valid) {
                return;
            }
            try {
                while (size > 0) {
                    send(poll());
                }
                if (!policySent) {
                    policySent = true;
                    send(policy);
                }
            } catch (RuntimeException ex) {
                abandon();
            }
        }

        private void abandon() {
            valid = false;
            outputs.clear();
            ring = null;
            size = 0;
            try {
                close();
            } catch (RuntimeException ignored) {
                // the engine is dropped either way; the sorted replay uses a fresh one
            }
        }

        void close() {
            if (!closed) {
                closed = true;
                bus.close();
            }
        }
    }

    private static final int DECODE_CHUNK = 8_192;
    private static final Set<Class<?>> INPUT_CLASSES = Set.copyOf(EventCodec.INPUT_TYPES);

    /** The input event of a line, or the EventFormatException saying why it is none. */
    static Object decodeInput(String line) {
        try {
            EventCodec.Event e = FastEventDecoder.decode(line);
            if (e.record() == null || !INPUT_CLASSES.contains(e.record().getClass())) {
                throw new EventFormatException(e.type() + " is an output of Tollgate, not an input event");
            }
            return e;
        } catch (EventFormatException e) {
            return e;
        }
    }

    /** Orders events by event time; ties (and policies without a timestamp, first) keep their order. */
    public static List<EventCodec.Event> ordered(List<EventCodec.Event> events) {
        List<EventCodec.Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(EventCodec.Event::timestamp)); // List.sort is stable
        return sorted;
    }

    /** How a replay drives the topology; both give identical outputs. */
    public enum Engine {
        /** The evaluator node driven directly ({@link DirectTopology}): the default. */
        FAST,
        /** The whole topology in a TopologyTestDriver ({@link InProcessTopology}), committing after every record. */
        DRIVER;

        /** A fresh instance of this engine. */
        public EventBus open(TopologySettings settings) {
            return this == FAST ? new DirectTopology(settings, null) : new InProcessTopology(settings, null);
        }
    }

    /** Runs the events through the {@link Engine#FAST} engine; see {@link #run(List, GatePolicy, TopologySettings,
     * Engine, Consumer)}. */
    public static Counts run(
            List<EventCodec.Event> events,
            GatePolicy policy,
            TopologySettings settings,
            Consumer<SpecificRecord> sink) {
        return run(events, policy, settings, Engine.FAST, sink);
    }

    /**
     * Runs the events through the topology.
     *
     * @param events   the events (any order; they are ordered here)
     * @param policy   a default policy piped under {@code *} after the events' own untimed policies, or null
     * @param settings topology settings (grace, tick, refresh; topics and serdes are replaced), or null for defaults
     * @param engine   how to drive the topology
     * @param sink     receives every output record in publication order
     * @return counts of what was published
     */
    public static Counts run(
            List<EventCodec.Event> events,
            GatePolicy policy,
            TopologySettings settings,
            Engine engine,
            Consumer<SpecificRecord> sink) {
        List<EventCodec.Event> sorted = ordered(events);
        if (policy != null) {
            int i = 0;
            while (i < sorted.size() && sorted.get(i).timestamp() == Long.MIN_VALUE) {
                i++;
            }
            sorted.add(i, new EventCodec.Event("GatePolicy", EventCodec.DEFAULT_POLICY_KEY, Long.MIN_VALUE, policy));
        }
        Counts counts = new Counts();
        TopologySettings base = settings != null ? settings : TopologySettings.defaults("mock://unused");
        try (EventBus topology = engine.open(base)) {
            for (EventCodec.Event e : sorted) {
                topology.send(e);
                counts.events++;
                for (SpecificRecord out : topology.drain()) {
                    counts.count(out);
                    sink.accept(out);
                }
            }
        }
        return counts;
    }

    /** What a replay published. */
    public static final class Counts {
        public long events;
        public long results;
        public long decisions;
        public long minutes;

        void count(SpecificRecord r) {
            switch (r.getSchema().getName()) {
                case "GateResult" -> results++;
                case "GateDecision" -> decisions++;
                default -> minutes++;
            }
        }
    }
}
