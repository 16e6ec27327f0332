package dev.tollgate.topology.gates;

import dev.tollgate.schemas.avro.Verdict;

/** Shared shape of the gates that count bad events and allow at most {@code threshold} (default 0). */
abstract class CountGate implements Gate {
    @Override
    public double defaultThreshold() {
        return 0;
    }

    /** Outcome for {@code bad} bad events among {@code total}, with a description of what was counted. */
    GateOutcome count(GateInput in, double threshold, long baselineBad, long bad, long total, String what, String example) {
        if (in.canary().requests == 0 && total == 0) {
            return GateOutcome.noData(threshold, in.baseline().requests, id() + " NODATA: no canary traffic yet");
        }
        boolean pass = bad <= threshold;
        String detail = id() + " " + (pass ? "PASS" : "FAIL") + ": " + bad + " " + what + " of " + total
                + (pass ? " <= " : " > ") + Fmt.num(threshold)
                + (example != null && !pass ? " (e.g. " + example + ")" : "");
        return new GateOutcome(pass ? Verdict.PASS : Verdict.FAIL, (double) baselineBad, (double) bad,
                (double) (bad - baselineBad), threshold, in.baseline().requests, total, GateOutcome.threshold(bad),
                detail);
    }
}
