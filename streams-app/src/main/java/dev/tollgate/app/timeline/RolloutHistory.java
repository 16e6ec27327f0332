package dev.tollgate.app.timeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.schemas.avro.Statistic;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * The history of each service's rollouts over event time, for the timeline page: per release the steps, per
 * gate the estimate with its confidence bounds against the threshold, the decisions with their reasons, and
 * the per-minute request figures of each revision. It is built from Tollgate's own outputs (GateResult,
 * GateDecision, RevisionMinuteStats), in the order they were published.
 *
 * <p>Why in memory and not a Kafka Streams store: the RolloutStatus store keeps only the latest results, and a
 * per-gate series is only needed for people looking at a page. A bounded in-memory copy fed from the output
 * topics ({@link HistoryFeed}) costs no changelog, no extra state in the topology and no change to the
 * contract; every instance reads every partition, so any instance can serve any service without forwarding, and
 * a restarted instance rebuilds it by reading the topics again from a point in time.
 *
 * <p>Bounded: at most {@link Limits#services()} services (the least recently updated is dropped), {@link
 * Limits#releasesPerService()} releases per service (the oldest is dropped), and {@link Limits#pointsPerGate()}
 * points per gate, decisions and minutes per release: when a series is full every second point of it is dropped,
 * so a long rollout keeps its whole span at a coarser resolution. Thread-safe (one lock; the feed writes, HTTP
 * workers read).
 */
public final class RolloutHistory {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * How much is kept.
     *
     * @param services           services kept
     * @param releasesPerService releases kept per service
     * @param pointsPerGate      points kept per gate, decisions and minute series of a release
     */
    public record Limits(int services, int releasesPerService, int pointsPerGate) {
        /** The service's limits: 500 services, 5 releases each, 1,000 points per series. */
        public static final Limits DEFAULT = new Limits(500, 5, 1_000);

        public Limits {
            if (services < 1 || releasesPerService < 1 || pointsPerGate < 2) {
                throw new IllegalArgumentException("history limits must be at least 1 service, 1 release and 2 points");
            }
        }
    }

    private final Limits limits;
    private final Object lock = new Object();
    /** Insertion order = least recently updated first (access order would count reads). */
    private final LinkedHashMap<String, Service> services = new LinkedHashMap<>();

    /** A history with the given limits. */
    public RolloutHistory(Limits limits) {
        this.limits = limits;
    }

    /** A history with {@link Limits#DEFAULT}. */
    public RolloutHistory() {
        this(Limits.DEFAULT);
    }

    /**
     * Adds one output record; other record types are ignored.
     *
     * @param record a GateResult, GateDecision or RevisionMinuteStats
     */
    public void accept(SpecificRecord record) {
        if (record instanceof GateResult r) {
            add(r.getService(), r.getReleaseId(), rel -> rel.add(r, limits.pointsPerGate()));
        } else if (record instanceof GateDecision d) {
            add(d.getService(), d.getReleaseId(), rel -> rel.add(d, limits.pointsPerGate()));
        } else if (record instanceof RevisionMinuteStats m && m.getReleaseId() != null) {
            // minutes without a release cannot be placed on a rollout's timeline
            add(m.getService(), m.getReleaseId(), rel -> rel.add(m, limits.pointsPerGate()));
        }
    }

    private void add(String service, String releaseId, java.util.function.Consumer<Release> update) {
        synchronized (lock) {
            Service s = services.remove(service);
            if (s == null) {
                s = new Service();
                if (services.size() >= limits.services()) {
                    services.remove(services.keySet().iterator().next());
                }
            }
            services.put(service, s);
            Release rel = s.releases.remove(releaseId);
            if (rel == null) {
                rel = new Release(releaseId);
                if (s.releases.size() >= limits.releasesPerService()) {
                    s.releases.remove(s.releases.keySet().iterator().next());
                }
            }
            s.releases.put(releaseId, rel);
            update.accept(rel);
        }
    }

    /** The services with a history, in name order. */
    public List<String> services() {
        synchronized (lock) {
            return services.keySet().stream().sorted().toList();
        }
    }

    /**
     * One service's history as JSON: {@code {service, releases: [...]}}, the most recently updated release first.
     * Each release: {@code releaseId, from, to} (event time, ms), {@code steps} ({@code stepIndex,
     * trafficPercent, from, to}), {@code gates} (per gate: {@code gate, threshold, points} with points {@code [t,
     * estimate, lower, upper, threshold, verdict, dryRun]}), {@code decisions} ({@code t, stepIndex,
     * trafficPercent, action, failingGates, reasons}), {@code minutes} (per revision: {@code revision, points}
     * with points {@code [windowStart, windowEnd, requests, errors5xx, p95LatencyMs]}).
     *
     * @param service the service
     * @return the history, or empty when the service has none
     */
    public Optional<ObjectNode> toJson(String service) {
        synchronized (lock) {
            Service s = services.get(service);
            if (s == null) {
                return Optional.empty();
            }
            ObjectNode o = NODES.objectNode();
            o.put("service", service);
            ArrayNode rels = o.putArray("releases");
            List<Release> ordered = new ArrayList<>(s.releases.values());
            for (int i = ordered.size() - 1; i >= 0; i--) {
                rels.add(ordered.get(i).toJson());
            }
            return Optional.of(o);
        }
    }

    /** Every service's history (see {@link #toJson(String)}) as {@code {services: [...]}}, in name order. */
    public ObjectNode toJsonAll() {
        ObjectNode o = NODES.objectNode();
        ArrayNode a = o.putArray("services");
        for (String s : services()) {
            toJson(s).ifPresent(a::add);
        }
        return o;
    }

    /**
     * A summary per service for the index: {@code service, releaseId, stepIndex, trafficPercent, lastAction,
     * updatedAt} of its most recently updated release, in name order.
     */
    public ArrayNode index() {
        synchronized (lock) {
            ArrayNode a = NODES.arrayNode();
            services.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                List<Release> rels = new ArrayList<>(e.getValue().releases.values());
                Release last = rels.get(rels.size() - 1);
                ObjectNode o = a.addObject();
                o.put("service", e.getKey());
                o.put("releaseId", last.releaseId);
                o.put("releases", rels.size());
                Step step = last.steps.isEmpty() ? null : last.steps.lastEntry().getValue();
                if (step != null) {
                    o.put("stepIndex", step.stepIndex);
                    o.put("trafficPercent", step.trafficPercent);
                }
                o.put(
                        "lastAction",
                        last.decisions.isEmpty() ? null : last.decisions.get(last.decisions.size() - 1).action);
                o.put("updatedAt", last.to);
            });
            return a;
        }
    }

    private static final class Service {
        final LinkedHashMap<String, Release> releases = new LinkedHashMap<>();
    }

    private record Step(int stepIndex, double trafficPercent, long from, long to) {
        Step span(long t0, long t1) {
            return new Step(stepIndex, trafficPercent, Math.min(from, t0), Math.max(to, t1));
        }
    }

    private record Point(
            long t, Double estimate, Double lower, Double upper, double threshold, String verdict, boolean dryRun) {}

    private record Decision(
            long t,
            int stepIndex,
            double trafficPercent,
            String action,
            List<String> failingGates,
            List<String> reasons) {}

    private record Minute(long start, long end, long requests, long errors, Double p95) {}

    private static final class Gate {
        final List<Point> points = new ArrayList<>();
        double threshold;
    }

    private static final class Release {
        final String releaseId;
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        final TreeMap<Integer, Step> steps = new TreeMap<>();
        final Map<String, Gate> gates = new LinkedHashMap<>();
        final List<Decision> decisions = new ArrayList<>();
        final Map<String, List<Minute>> minutes = new TreeMap<>();

        Release(String releaseId) {
            this.releaseId = releaseId;
        }

        void span(long t0, long t1) {
            from = Math.min(from, t0);
            to = Math.max(to, t1);
        }

        void step(int index, double percent, long t0, long t1) {
            steps.merge(index, new Step(index, percent, t0, t1), (a, b) -> a.span(b.from, b.to));
        }

        void add(GateResult r, int max) {
            long start = r.getWindowStart() > 0 ? Math.min(r.getWindowStart(), r.getEvaluatedAt()) : r.getEvaluatedAt();
            span(start, r.getEvaluatedAt());
            step(r.getStepIndex(), r.getTrafficPercent(), start, r.getEvaluatedAt());
            Gate g = gates.computeIfAbsent(r.getGate(), k -> new Gate());
            g.threshold = r.getThreshold();
            Statistic st = r.getStatistic();
            Double estimate = st != null && st.getValue() != null
                    ? st.getValue()
                    : r.getDelta() != null ? r.getDelta() : r.getCanaryValue();
            Double lower = st == null ? null : st.getLowerBound();
            Double upper = st == null ? null : st.getUpperBound();
            append(
                    g.points,
                    new Point(
                            r.getEvaluatedAt(),
                            finite(estimate),
                            finite(lower),
                            finite(upper),
                            r.getThreshold(),
                            r.getVerdict().name(),
                            r.getDryRun()),
                    max);
        }

        void add(GateDecision d, int max) {
            span(d.getDecidedAt(), d.getDecidedAt());
            step(d.getStepIndex(), d.getTrafficPercent(), d.getDecidedAt(), d.getDecidedAt());
            Decision dec = new Decision(
                    d.getDecidedAt(),
                    d.getStepIndex(),
                    d.getTrafficPercent(),
                    d.getAction().name(),
                    List.copyOf(d.getFailingGates()),
                    List.copyOf(d.getReasons()));
            // decisions are few; keep the last ones (the newest matter most) rather than thinning them
            decisions.add(dec);
            if (decisions.size() > max) {
                decisions.remove(0);
            }
        }

        void add(RevisionMinuteStats m, int max) {
            span(m.getWindowStart(), m.getWindowEnd());
            append(
                    minutes.computeIfAbsent(m.getRevision(), k -> new ArrayList<>()),
                    new Minute(
                            m.getWindowStart(),
                            m.getWindowEnd(),
                            m.getRequests(),
                            m.getErrors5xx(),
                            finite(m.getP95LatencyMs())),
                    max);
        }

        ObjectNode toJson() {
            ObjectNode o = NODES.objectNode();
            o.put("releaseId", releaseId);
            o.put("from", from);
            o.put("to", to);
            ArrayNode st = o.putArray("steps");
            for (Step s : steps.values()) {
                ObjectNode n = st.addObject();
                n.put("stepIndex", s.stepIndex);
                n.put("trafficPercent", s.trafficPercent);
                n.put("from", s.from);
                n.put("to", s.to);
            }
            ArrayNode gs = o.putArray("gates");
            gates.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                ObjectNode n = gs.addObject();
                n.put("gate", e.getKey());
                n.put("threshold", e.getValue().threshold);
                ArrayNode pts = n.putArray("points");
                for (Point p : e.getValue().points) {
                    ArrayNode a = pts.addArray();
                    a.add(p.t);
                    addNullable(a, p.estimate);
                    addNullable(a, p.lower);
                    addNullable(a, p.upper);
                    a.add(p.threshold);
                    a.add(p.verdict);
                    a.add(p.dryRun);
                }
            });
            ArrayNode ds = o.putArray("decisions");
            for (Decision d : decisions) {
                ObjectNode n = ds.addObject();
                n.put("t", d.t);
                n.put("stepIndex", d.stepIndex);
                n.put("trafficPercent", d.trafficPercent);
                n.put("action", d.action);
                ArrayNode fg = n.putArray("failingGates");
                d.failingGates.forEach(fg::add);
                ArrayNode rs = n.putArray("reasons");
                d.reasons.forEach(rs::add);
            }
            ArrayNode ms = o.putArray("minutes");
            minutes.forEach((rev, list) -> {
                ObjectNode n = ms.addObject();
                n.put("revision", rev);
                ArrayNode pts = n.putArray("points");
                list.stream().sorted(Comparator.comparingLong(Minute::start)).forEach(m -> {
                    ArrayNode a = pts.addArray();
                    a.add(m.start);
                    a.add(m.end);
                    a.add(m.requests);
                    a.add(m.errors);
                    addNullable(a, m.p95);
                });
            });
            return o;
        }
    }

    /** Appends, thinning the series to every second point first when it is full. */
    static <T> void append(List<T> series, T point, int max) {
        if (series.size() >= max) {
            List<T> kept = new ArrayList<>(max / 2 + 1);
            for (int i = 0; i < series.size(); i += 2) {
                kept.add(series.get(i));
            }
            series.clear();
            series.addAll(kept);
        }
        series.add(point);
    }

    private static void addNullable(ArrayNode a, Double v) {
        if (v == null) {
            a.addNull();
        } else {
            a.add(v);
        }
    }

    private static Double finite(Double v) {
        return v == null || v.isNaN() || v.isInfinite() ? null : v;
    }
}
