package dev.tollgate.topology.codec;

import java.io.IOException;

/** Version checks of the state format, with errors that name the part and the versions. */
public final class Versions {
    private Versions() {}

    /**
     * Fails unless {@code version} is one this build reads.
     *
     * @param part     the part of the state being read, for the message
     * @param version  the version found
     * @param readable the versions this build has readers for
     */
    public static void require(String part, int version, int... readable) throws IOException {
        for (int v : readable) {
            if (v == version) {
                return;
            }
        }
        throw new UnknownStateVersionException(part, version, readable);
    }
}
