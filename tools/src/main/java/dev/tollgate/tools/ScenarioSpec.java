package dev.tollgate.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.RevisionPins;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A simulation scenario: a service, its traffic, the policy it runs under and one or more rollouts played one
 * after the other. Built-in scenarios live in {@code /scenarios/NAME.json} on the classpath; a file with the
 * same format can be given instead. Format:
 *
 * <pre>{@code
 * {
 *   "name": "error-spike", "description": "...", "service": "checkout", "rate": 1500, "seed": 1,
 *   "policy": { GatePolicy fields },              // published for the service (key = service)
 *   "baseline": { TrafficShape fields },          // the baseline's behaviour (defaults: healthy)
 *   "rollouts": [{
 *     "releaseId": "rel-2", "baselineRevision": "rev-1", "canaryRevision": "rev-2", "baselineReleaseId": "rel-1",
 *     "canaryPins": {"schemaRev": "7"}, "baselinePins": {"schemaRev": "7"},
 *     "canary": { TrafficShape overrides on top of the baseline },
 *     "changes": [{"atStep": 2, "canary": { overrides from that step on }}],
 *     "holdTimeoutMs": 30000, "stepTimeoutMs": 120000,
 *     "expect": {"outcome": "ROLLBACK", "atPercent": 25, "failingGates": ["error-rate"]}
 *   }]
 * }
 * }</pre>
 */
public final class ScenarioSpec {
    /** Names of the built-in scenarios. */
    public static final List<String> BUILT_IN = List.of(
            "healthy",
            "error-spike",
            "latency-regression",
            "cold-start-storm",
            "webhook-storm",
            "schema-skew",
            "aa-noise",
            "demo");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> TOP_FIELDS =
            Set.of("name", "description", "service", "rate", "seed", "policy", "baseline", "rollouts");
    private static final Set<String> ROLLOUT_FIELDS = Set.of(
            "releaseId",
            "baselineRevision",
            "canaryRevision",
            "baselineReleaseId",
            "canaryPins",
            "baselinePins",
            "canary",
            "changes",
            "holdTimeoutMs",
            "stepTimeoutMs",
            "expect",
            "description");

    public final String name;
    public final String description;
    public final String service;
    public final double rate;
    public final long seed;
    public final GatePolicy policy;
    public final TrafficShape baseline;
    public final List<Rollout> rollouts;

    /** One rollout of the scenario. */
    public record Rollout(
            String releaseId,
            String baselineRevision,
            String canaryRevision,
            String baselineReleaseId,
            RevisionPins canaryPins,
            RevisionPins baselinePins,
            JsonNode canary,
            List<Change> changes,
            long holdTimeoutMs,
            long stepTimeoutMs,
            Expect expect) {
        /** The canary's shape at a step: the baseline, the canary overrides, then every change up to the step. */
        public TrafficShape canaryShape(TrafficShape baseline, int stepIndex) {
            TrafficShape s = baseline.with(canary);
            for (Change c : changes) {
                if (stepIndex >= c.atStep()) {
                    s = s.with(c.canary());
                }
            }
            return s;
        }
    }

    /** Canary overrides that take effect from a step on. */
    public record Change(int atStep, JsonNode canary) {}

    /**
     * What a rollout of the scenario is expected to end with.
     *
     * @param outcome        COMPLETE, ROLLBACK, FREEZE, HOLD or TIMEOUT; alternatives separated by '|'
     * @param atPercent      canary share of the deciding step, or null for any
     * @param failingGates   gates the deciding decision must name (it may name more), empty for none
     * @param noFailVerdicts no gate may report FAIL at any point (an A/A test)
     */
    public record Expect(String outcome, Double atPercent, List<String> failingGates, boolean noFailVerdicts) {
        /** Whether the rollout ended as expected (the verdict history is checked separately). */
        public boolean matches(RolloutBoard.Rollout r) {
            if (r.outcome == null || !List.of(outcome.split("\\|")).contains(r.outcome)) {
                return false;
            }
            if (noFailVerdicts
                    && r.decisions.stream()
                            .anyMatch(d -> RolloutBoard.isFinal(d.getAction())
                                    && d.getAction() != dev.tollgate.schemas.avro.Action.COMPLETE)) {
                return false;
            }
            if (r.deciding == null) {
                return atPercent == null && failingGates.isEmpty();
            }
            return (atPercent == null || atPercent == r.deciding.getTrafficPercent())
                    && r.deciding.getFailingGates().containsAll(failingGates);
        }

        /** e.g. "ROLLBACK at 25% naming error-rate, latency-p95". */
        public String describe() {
            return outcome.replace("|", " or ")
                    + (atPercent == null ? "" : " at " + Lines.pct(atPercent))
                    + (failingGates.isEmpty() ? "" : " naming " + String.join(", ", failingGates))
                    + (noFailVerdicts ? ", no gate failing" : "");
        }
    }

    private ScenarioSpec(
            String name,
            String description,
            String service,
            double rate,
            long seed,
            GatePolicy policy,
            TrafficShape baseline,
            List<Rollout> rollouts) {
        this.name = name;
        this.description = description;
        this.service = service;
        this.rate = rate;
        this.seed = seed;
        this.policy = policy;
        this.baseline = baseline;
        this.rollouts = List.copyOf(rollouts);
    }

    /**
     * Loads a scenario: a built-in name, or the path of a scenario file.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ScenarioSpec load(String nameOrFile) {
        Path p = Path.of(nameOrFile);
        if (Files.isRegularFile(p)) {
            try {
                return parse(Files.readString(p, StandardCharsets.UTF_8), p.toString());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read scenario file " + p + ": " + e.getMessage(), e);
            }
        }
        try (InputStream in = ScenarioSpec.class.getResourceAsStream("/scenarios/" + nameOrFile + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("unknown scenario \"" + nameOrFile + "\": neither a file nor one of "
                        + String.join(", ", BUILT_IN));
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "scenario " + nameOrFile);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read scenario " + nameOrFile + ": " + e.getMessage(), e);
        }
    }

    /** Parses a scenario document; {@code origin} names it in errors. */
    public static ScenarioSpec parse(String json, String origin) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(origin + ": malformed JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(origin + ": expected a JSON object");
        }
        unknown(root, TOP_FIELDS, origin);
        String name = text(root, "name", "scenario");
        String service = text(root, "service", "checkout");
        double rate = root.path("rate").asDouble(1500);
        long seed = root.path("seed").asLong(1);
        GatePolicy policy;
        try {
            policy = root.has("policy")
                    ? (GatePolicy) EventCodec.fromJson(root.get("policy"), GatePolicy.getClassSchema(), "policy")
                    : GatePolicy.newBuilder().build();
        } catch (EventFormatException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
        TrafficShape baseline;
        try {
            baseline = new TrafficShape().with(root.get("baseline"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": baseline: " + e.getMessage(), e);
        }
        JsonNode rs = root.get("rollouts");
        if (rs == null || !rs.isArray() || rs.isEmpty()) {
            throw new IllegalArgumentException(origin + ": \"rollouts\" must be a non-empty array");
        }
        List<Rollout> rollouts = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            rollouts.add(rollout(rs.get(i), i, origin, baseline));
        }
        return new ScenarioSpec(name, text(root, "description", ""), service, rate, seed, policy, baseline, rollouts);
    }

    private static Rollout rollout(JsonNode r, int i, String origin, TrafficShape baseline) {
        String where = origin + ": rollouts[" + i + "]";
        if (!r.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object");
        }
        unknown(r, ROLLOUT_FIELDS, where);
        List<Change> changes = new ArrayList<>();
        for (JsonNode c : r.path("changes")) {
            changes.add(new Change(c.path("atStep").asInt(0), c.get("canary")));
        }
        Expect expect = null;
        if (r.has("expect")) {
            JsonNode e = r.get("expect");
            List<String> gates = new ArrayList<>();
            e.path("failingGates").forEach(g -> gates.add(g.asText()));
            expect = new Expect(
                    e.path("outcome").asText("COMPLETE"),
                    e.hasNonNull("atPercent") ? e.get("atPercent").asDouble() : null,
                    gates,
                    e.path("noFailVerdicts").asBoolean(false));
        }
        Rollout rollout = new Rollout(
                text(r, "releaseId", "rel-" + (i + 2)),
                text(r, "baselineRevision", "rev-" + (i + 1)),
                text(r, "canaryRevision", "rev-" + (i + 2)),
                text(r, "baselineReleaseId", "rel-" + (i + 1)),
                pins(r.get("canaryPins"), where + ".canaryPins"),
                pins(r.get("baselinePins"), where + ".baselinePins"),
                r.get("canary"),
                changes,
                r.path("holdTimeoutMs").asLong(30_000),
                r.path("stepTimeoutMs").asLong(180_000),
                expect);
        try {
            rollout.canaryShape(baseline, Integer.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        return rollout;
    }

    private static RevisionPins pins(JsonNode n, String path) {
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            return (RevisionPins) EventCodec.fromJson(n, RevisionPins.getClassSchema(), path);
        } catch (EventFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static void unknown(JsonNode n, Set<String> known, String where) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new IllegalArgumentException(where + ": unknown field \"" + f + "\" (known: " + known + ")");
            }
        }
    }

    private static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    /** A copy with a different rate, seed or policy (null keeps). */
    public ScenarioSpec with(Double newRate, Long newSeed, GatePolicy newPolicy) {
        return new ScenarioSpec(
                name,
                description,
                service,
                newRate != null ? newRate : rate,
                newSeed != null ? newSeed : seed,
                newPolicy != null ? newPolicy : policy,
                baseline,
                rollouts);
    }

    /** A copy for another service name (null keeps). */
    public ScenarioSpec withService(String newService) {
        return newService == null
                ? this
                : new ScenarioSpec(name, description, newService, rate, seed, policy, baseline, rollouts);
    }
}
