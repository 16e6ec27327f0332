package dev.tollgate.topology.codec;

import java.io.IOException;
import java.util.Arrays;

/**
 * A stored state was written in a layout this build has no reader for (written by a newer Tollgate, or a
 * layout change without a reader for the old one). Restoring such a state must fail loudly, naming the part
 * and the versions, not be treated as bad input.
 */
public final class UnknownStateVersionException extends IOException {
    /** The part of the state, e.g. {@code service state} or {@code traffic evidence}. */
    private final String part;

    private final int version;

    UnknownStateVersionException(String part, int version, int... readable) {
        super("Unknown " + part + " format version " + version + " (this build reads " + Arrays.toString(readable)
                + "): written by a newer Tollgate? Roll forward, or reset the application's state");
        this.part = part;
        this.version = version;
    }

    /** The part of the state that could not be read. */
    public String part() {
        return part;
    }

    /** The version found. */
    public int version() {
        return version;
    }
}
