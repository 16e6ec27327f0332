package dev.tollgate.app.http;

import dev.tollgate.schemas.avro.RolloutStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The step a rollout controller believes it is at, sent with a verdict query so Tollgate never answers for
 * another step or release: {@code weight} (canary percent, e.g. Argo's {@code setWeight}), {@code step}
 * (Tollgate's step index), {@code release} (Tollgate's release id) and {@code revision} (the canary revision,
 * e.g. Argo's pod template hash when the router names revisions by it). Each is optional; an empty value is
 * no pin. A verdict is given only when every pin given matches what Tollgate has seen; otherwise the answer is
 * PENDING (Tollgate has not processed that step's RolloutEvent yet, or the controller is behind).
 *
 * @param weight   canary share in percent, or null
 * @param step     step index, or null
 * @param release  release id, or null
 * @param revision canary revision, or null
 */
public record StepPin(Double weight, Integer step, String release, String revision) {
    /** No pin: the verdict of whatever step Tollgate is at (the behaviour of unpinned calls). */
    public static final StepPin NONE = new StepPin(null, null, null, null);

    private static final double WEIGHT_TOLERANCE = 1e-6;

    /** Whether any pin is given. */
    public boolean any() {
        return weight != null || step != null || release != null || revision != null;
    }

    /** Whether the pin names the step (by weight or index), not only the release. */
    public boolean namesStep() {
        return weight != null || step != null;
    }

    /** Whether the controller says no traffic goes to the canary yet (weight 0: Flagger's pre-rollout calls). */
    public boolean preTraffic() {
        return weight != null && Math.abs(weight) < WEIGHT_TOLERANCE && step == null;
    }

    /**
     * Pins from query parameters or webhook metadata ({@code weight}, {@code step}, {@code release},
     * {@code revision}); the first map holding a key wins.
     *
     * @throws IllegalArgumentException naming the parameter when a number does not parse or is negative
     */
    @SafeVarargs
    public static StepPin of(Map<String, String>... sources) {
        String w = first("weight", sources);
        String s = first("step", sources);
        Double weight = null;
        Integer step = null;
        try {
            if (w != null) {
                weight = Double.parseDouble(w.endsWith("%") ? w.substring(0, w.length() - 1) : w);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weight: expected a number (percent), got \"" + w + "\"");
        }
        try {
            if (s != null) {
                step = Integer.parseInt(s);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("step: expected an integer, got \"" + s + "\"");
        }
        if ((weight != null && (weight < 0 || weight > 100 || weight.isNaN())) || (step != null && step < 0)) {
            throw new IllegalArgumentException("weight must be 0..100 and step >= 0");
        }
        return new StepPin(weight, step, first("release", sources), first("revision", sources));
    }

    private static String first(String key, Map<String, String>[] sources) {
        for (Map<String, String> m : sources) {
            String v = m == null ? null : m.get(key);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    /** Whether the status is of the pinned release (release and revision pins only). */
    public boolean sameRelease(RolloutStatus s) {
        return (release == null || release.equals(s.getReleaseId()))
                && (revision == null || revision.equals(s.getCanaryRevision()));
    }

    /** What differs between the pin and the step Tollgate is at; empty when it matches. */
    public List<String> mismatches(RolloutStatus s) {
        List<String> out = new ArrayList<>();
        if (release != null && !release.equals(s.getReleaseId())) {
            out.add("release " + release + " not seen yet (Tollgate is at release " + s.getReleaseId() + ")");
        }
        if (revision != null && !revision.equals(s.getCanaryRevision())) {
            out.add("canary revision " + revision + " not seen yet (Tollgate's canary is " + s.getCanaryRevision()
                    + ")");
        }
        if (weight != null && Math.abs(weight - s.getTrafficPercent()) > WEIGHT_TOLERANCE) {
            out.add("weight " + fmt(weight) + " % not seen yet (Tollgate is at " + fmt(s.getTrafficPercent())
                    + " %, step " + s.getStepIndex() + ")");
        }
        if (step != null && step != s.getStepIndex()) {
            out.add("step " + step + " not seen yet (Tollgate is at step " + s.getStepIndex() + ")");
        }
        return out;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
