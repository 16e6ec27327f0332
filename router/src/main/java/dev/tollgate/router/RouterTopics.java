package dev.tollgate.router;

import java.util.Objects;

/**
 * The contract topics a router reads and writes, with the deployment's prefix (default {@code tollgate.}); the
 * same names as the service's, kept here so a router depends on the contract only.
 *
 * @param prefix the prefix put before every base name
 */
public record RouterTopics(String prefix) {
    /** The contract's default prefix. */
    public static final String DEFAULT_PREFIX = "tollgate.";

    public RouterTopics {
        Objects.requireNonNull(prefix, "prefix");
    }

    public String requests() {
        return prefix + "requests";
    }

    public String rollouts() {
        return prefix + "rollouts";
    }

    public String decisions() {
        return prefix + "decisions";
    }

    public String policies() {
        return prefix + "policies";
    }
}
