package dev.tollgate.topology.gates;

import dev.tollgate.topology.evidence.RevisionEvidence;

/**
 * {@code stream-drain}: streamed responses CUT on the old (baseline) revision while traffic shifts or the
 * old revision drains. Any fails: the router is closing long-lived connections.
 */
public final class StreamDrainGate extends CountGate {
    @Override
    public String id() {
        return GateIds.STREAM_DRAIN;
    }

    @Override
    public String description() {
        return "streams CUT on the old revision while traffic shifts or drains: at most threshold (default 0)";
    }

    @Override
    public String remedy() {
        return "enable connection draining and pin streams to a revision with a sticky cookie or header";
    }

    @Override
    public GateOutcome evaluate(GateInput in, double threshold) {
        RevisionEvidence b = in.baseline();
        if (in.draining() && in.canary().traffic.requests == 0 && b.traffic.requests == 0) {
            return GateOutcome.noData(threshold, 0, "stream-drain NODATA: no requests while draining");
        }
        GateOutcome o = count(
                in,
                threshold,
                b.traffic.streamsCutOld,
                b.traffic.streamsCutOld,
                b.traffic.requests,
                "streams CUT on the old revision" + (in.draining() ? " while draining" : " while traffic shifts"),
                null);
        return o;
    }
}
