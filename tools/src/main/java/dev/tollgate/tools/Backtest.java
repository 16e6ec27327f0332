package dev.tollgate.tools;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.topology.TopologySettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What each of several policies would have decided on recorded rollouts: every policy replays the same events
 * ({@link Replayer}, fast engine), and per rollout (service and release) the outcome is read off its decisions.
 *
 * <p>The outcome of a rollout under a policy is its first ROLLBACK or FREEZE, if any: a router following that
 * policy would have stopped there, so later recorded events (which followed the recorded decisions) say nothing
 * about it. Otherwise it is the rollout's last decision (COMPLETE, or the PROMOTE or HOLD it was left at).
 *
 * <p>A policy under test replaces every policy of the recording: recorded GatePolicy records are dropped and the
 * policy is the default (key {@code *}) from the start. {@link Candidate#recorded()} is the recording as it is
 * (its own policies, as {@code tollgate replay} without {@code --policy} uses them).
 */
public final class Backtest {
    private Backtest() {}

    /**
     * A policy to test.
     *
     * @param name   how it is shown (its file name, {@code recorded} or {@code default})
     * @param policy the policy, or null for the recording's own policies
     */
    public record Candidate(String name, GatePolicy policy) {
        /** The recording's own policies. */
        public static Candidate recorded() {
            return new Candidate("recorded", null);
        }
    }

    /**
     * A rollout's outcome under one policy.
     *
     * @param action         the decision reached, or null when the policy decided nothing for this rollout
     * @param stepIndex      the step it was reached at (-1 without a decision)
     * @param trafficPercent the canary share of that step
     * @param afterMs        event time from the rollout's first RolloutEvent to the decision
     * @param decidedAt      event time of the decision
     * @param gates          the gates that decided it (failing or blocking gates; empty when all passed)
     * @param decisions      decisions published for the rollout in all
     */
    public record Outcome(
            Action action,
            int stepIndex,
            double trafficPercent,
            long afterMs,
            long decidedAt,
            List<String> gates,
            int decisions) {
        static final Outcome NONE = new Outcome(null, -1, 0, 0, 0, List.of(), 0);

        /** The same decision at the same step (the time it took may differ). */
        public boolean sameDecision(Outcome o) {
            return action == o.action && stepIndex == o.stepIndex && gates.equals(o.gates);
        }
    }

    /**
     * One rollout of the input with its outcome under every policy.
     *
     * @param service   the service
     * @param releaseId the release
     * @param startedAt event time of its first RolloutEvent (or first decision when there was none)
     * @param outcomes  per policy, in the order given
     */
    public record Row(String service, String releaseId, long startedAt, List<Outcome> outcomes) {
        /** Whether the policies reached different decisions. */
        public boolean differs() {
            return outcomes.stream().anyMatch(o -> !o.sameDecision(outcomes.get(0)));
        }
    }

    /**
     * The whole comparison.
     *
     * @param policies the policy names, in order
     * @param events   input events replayed under each policy (recorded policies not counted)
     * @param rows     one row per rollout, in order of first appearance
     */
    public record Result(List<String> policies, long events, List<Row> rows) {
        /** Per policy: how many rollouts ended with each action ({@code none} for no decision). */
        public List<Map<String, Integer>> totals() {
            List<Map<String, Integer>> out = new ArrayList<>();
            for (int p = 0; p < policies.size(); p++) {
                Map<String, Integer> counts = new LinkedHashMap<>();
                for (Row r : rows) {
                    Action a = r.outcomes().get(p).action();
                    counts.merge(a == null ? "none" : a.name(), 1, Integer::sum);
                }
                out.add(counts);
            }
            return out;
        }

        /** Rollouts on which the policies disagree. */
        public long differing() {
            return rows.stream().filter(Row::differs).count();
        }
    }

    /**
     * Replays the events under every candidate.
     *
     * @param events     recorded events (any order)
     * @param candidates the policies to compare
     * @param settings   topology settings (grace, tick, refresh), or null for defaults
     */
    public static Result run(List<EventCodec.Event> events, List<Candidate> candidates, TopologySettings settings) {
        Map<String, Long> starts = new LinkedHashMap<>();
        List<EventCodec.Event> evidence = new ArrayList<>();
        for (EventCodec.Event e : events) {
            if (e.record() instanceof RolloutEvent r) {
                starts.merge(key(r.getService(), r.getReleaseId()), r.getTimestamp(), Math::min);
            }
            if (!(e.record() instanceof GatePolicy)) {
                evidence.add(e);
            }
        }
        List<Map<String, Outcome>> perPolicy = new ArrayList<>();
        for (Candidate c : candidates) {
            List<GateDecision> decisions = decisions(c.policy() == null ? events : evidence, c.policy(), settings);
            perPolicy.add(outcomes(decisions, starts));
        }
        // rollouts in order of their first RolloutEvent, then any that only appear in decisions
        Map<String, long[]> order = new LinkedHashMap<>();
        Replayer.ordered(events).stream()
                .filter(e -> e.record() instanceof RolloutEvent)
                .map(e -> (RolloutEvent) e.record())
                .forEach(r -> order.putIfAbsent(key(r.getService(), r.getReleaseId()), new long[] {r.getTimestamp()}));
        for (Map<String, Outcome> m : perPolicy) {
            m.forEach((k, o) -> order.putIfAbsent(k, new long[] {o.decidedAt()}));
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : order.entrySet()) {
            String[] sr = e.getKey().split("\u0000", 2);
            List<Outcome> outs = new ArrayList<>();
            for (Map<String, Outcome> m : perPolicy) {
                outs.add(m.getOrDefault(e.getKey(), Outcome.NONE));
            }
            rows.add(new Row(sr[0], sr[1], e.getValue()[0], outs));
        }
        return new Result(candidates.stream().map(Candidate::name).toList(), evidence.size(), rows);
    }

    /** Every decision of a replay of the events with the policy as default (null: the events' own policies). */
    static List<GateDecision> decisions(List<EventCodec.Event> events, GatePolicy policy, TopologySettings settings) {
        List<GateDecision> out = new ArrayList<>();
        Replayer.run(events, policy, settings, Replayer.Engine.FAST, r -> {
            if (r instanceof GateDecision d) {
                out.add(d);
            }
        });
        return out;
    }

    /** The outcome per rollout, read off the decisions in publication order. */
    static Map<String, Outcome> outcomes(List<GateDecision> decisions, Map<String, Long> starts) {
        Map<String, List<GateDecision>> byRollout = new LinkedHashMap<>();
        for (GateDecision d : decisions) {
            byRollout
                    .computeIfAbsent(key(d.getService(), d.getReleaseId()), k -> new ArrayList<>())
                    .add(d);
        }
        Map<String, Outcome> out = new LinkedHashMap<>();
        byRollout.forEach((k, ds) -> {
            GateDecision reached = ds.stream()
                    .filter(d -> d.getAction() == Action.ROLLBACK || d.getAction() == Action.FREEZE)
                    .findFirst()
                    .orElse(ds.get(ds.size() - 1));
            long start = Objects.requireNonNullElse(starts.get(k), ds.get(0).getDecidedAt());
            out.put(
                    k,
                    new Outcome(
                            reached.getAction(),
                            reached.getStepIndex(),
                            reached.getTrafficPercent(),
                            reached.getDecidedAt() - start,
                            reached.getDecidedAt(),
                            List.copyOf(reached.getFailingGates()),
                            ds.size()));
        });
        return out;
    }

    private static String key(String service, String release) {
        return service + "\u0000" + release;
    }
}
