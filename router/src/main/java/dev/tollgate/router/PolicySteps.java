package dev.tollgate.router;

import dev.tollgate.schemas.avro.GatePolicy;
import java.util.List;

/** The canary steps of a service's gate policy, read from the compacted {@code tollgate.policies} topic. */
public final class PolicySteps {
    /** The contract's default steps. */
    public static final List<Double> DEFAULT = List.of(1.0, 5.0, 25.0, 50.0, 100.0);

    private PolicySteps() {}

    /** The steps of the service's policy, else of the default policy ({@code *}), else {@link #DEFAULT}. */
    public static List<Double> read(RouterClients clients, String service) {
        GatePolicy[] found = new GatePolicy[2];
        clients.readToEnd(
                clients.topics().policies(),
                Long.MIN_VALUE,
                "tollgate-router-policies",
                r -> {
                    // a tombstone removes the policy
                    if (r.value() == null && service.equals(r.key())) {
                        found[0] = null;
                    } else if (r.value() == null && "*".equals(r.key())) {
                        found[1] = null;
                    }
                },
                (r, v) -> {
                    if (v instanceof GatePolicy p && service.equals(r.key())) {
                        found[0] = p;
                    } else if (v instanceof GatePolicy p && "*".equals(r.key())) {
                        found[1] = p;
                    }
                });
        GatePolicy p = found[0] != null ? found[0] : found[1];
        return p == null || p.getSteps().isEmpty() ? DEFAULT : List.copyOf(p.getSteps());
    }
}
