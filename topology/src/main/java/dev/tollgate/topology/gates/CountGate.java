package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;

/** Shared shape of the gates that count bad events and allow at most {@code threshold} (default 0). */
abstract class CountGate implements Gate {
    @Override
    public double defaultThreshold() {
        return 0;
    }

    /**
     * Outcome for {@code bad} bad events (both revisions) among {@code total}: the verdict counts every bad
     * event; the values split it into the baseline's part and the canary's part.
     */
    GateOutcome count(
            GateInput in, double threshold, long baselineBad, long bad, long total, String what, String example) {
        if (in.canary().traffic.requests == 0 && total == 0) {
            return GateOutcome.noData(
                    threshold, in.baseline().traffic.requests, id() + " NODATA: no canary traffic yet");
        }
        boolean pass = bad <= threshold;
        String detail = id() + " " + (pass ? "PASS" : "FAIL") + ": " + bad + " " + what + " of " + total
                + (pass ? " <= " : " > ") + Fmt.num(threshold)
                + (example != null && !pass ? " (e.g. " + example + ")" : "");
        long canaryBad = bad - baselineBad;
        return new GateOutcome(
                pass ? Verdict.PASS : Verdict.FAIL,
                (double) baselineBad,
                (double) canaryBad,
                (double) (canaryBad - baselineBad),
                threshold,
                in.baseline().traffic.requests,
                total,
                GateOutcome.threshold(bad),
                detail);
    }
}
