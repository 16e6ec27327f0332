package dev.tollgate.topology.math;

import java.util.Iterator;
import java.util.List;

/**
 * ΔS of one probe answer: the semantic distance between the question and the retrieved context.
 *
 * <p>Rule: the published {@code deltaS} wins when present and finite (returned unchanged). Otherwise
 * {@code ΔS = 1 - cos(q, r)} of the two embeddings, accumulated in double precision and clamped to
 * {@code [0, 2]} to remove rounding noise (identical vectors give exactly 0, opposite ones 2). ΔS is
 * {@value #NO_SIMILARITY} ("no similarity", the same as orthogonal vectors) when either embedding is
 * missing or empty, when their lengths differ, when either is the zero vector, or when either holds a
 * null or non-finite component: none of those has a defined cosine.
 *
 * <p>Thread-safe and allocation-free apart from the list iterators.
 */
public final class DeltaS {

    /** ΔS used when no cosine is defined. */
    public static final double NO_SIMILARITY = 1.0;

    private DeltaS() {}

    /**
     * ΔS of a probe answer.
     *
     * @param given the published ΔS, may be null
     * @param questionEmbedding the question embedding, may be null
     * @param retrievedEmbedding the retrieved-context embedding, may be null
     * @return {@code given} when it is non-null and finite, else {@code 1 - cos}, clamped to {@code [0, 2]}
     */
    public static double of(Double given, List<Float> questionEmbedding, List<Float> retrievedEmbedding) {
        if (given != null && Double.isFinite(given)) {
            return given;
        }
        return cosineDistance(questionEmbedding, retrievedEmbedding);
    }

    /**
     * {@code 1 - cos(q, r)} clamped to {@code [0, 2]}, or {@value #NO_SIMILARITY} when undefined
     * (see the class documentation).
     *
     * @param q first vector, may be null
     * @param r second vector, may be null
     * @return the cosine distance
     */
    public static double cosineDistance(List<Float> q, List<Float> r) {
        if (q == null || r == null || q.isEmpty() || q.size() != r.size()) {
            return NO_SIMILARITY;
        }
        double dot = 0.0;
        double qq = 0.0;
        double rr = 0.0;
        Iterator<Float> qi = q.iterator();
        Iterator<Float> ri = r.iterator();
        while (qi.hasNext() && ri.hasNext()) {
            Float a = qi.next();
            Float b = ri.next();
            if (a == null || b == null) {
                return NO_SIMILARITY;
            }
            double x = a;
            double y = b;
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                return NO_SIMILARITY;
            }
            dot += x * y;
            qq += x * x;
            rr += y * y;
        }
        return distance(dot, qq, rr);
    }

    /**
     * {@code 1 - cos(q, r)} for arrays, with the same rules as {@link #cosineDistance(List, List)}.
     *
     * @param q first vector, may be null
     * @param r second vector, may be null
     * @return the cosine distance
     */
    public static double cosineDistance(float[] q, float[] r) {
        if (q == null || r == null || q.length == 0 || q.length != r.length) {
            return NO_SIMILARITY;
        }
        double dot = 0.0;
        double qq = 0.0;
        double rr = 0.0;
        for (int i = 0; i < q.length; i++) {
            double x = q[i];
            double y = r[i];
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                return NO_SIMILARITY;
            }
            dot += x * y;
            qq += x * x;
            rr += y * y;
        }
        return distance(dot, qq, rr);
    }

    private static double distance(double dot, double qq, double rr) {
        if (qq == 0.0 || rr == 0.0) {
            return NO_SIMILARITY;
        }
        double cos = dot / (Math.sqrt(qq) * Math.sqrt(rr));
        double d = 1.0 - cos;
        if (d < 0.0) {
            return 0.0;
        }
        return Math.min(d, 2.0);
    }
}
