package dev.tollgate.tools;

import dev.tollgate.app.cli.UsageException;
import java.util.Locale;

/** Where a replay's events come from and how it runs them: the options shared by {@code replay} and {@code backtest}. */
final class ReplaySource {
    private ReplaySource() {}

    /** The engine named on the command line. */
    static Replayer.Engine engine(String name) {
        try {
            return Replayer.Engine.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--engine: expected fast or driver, got " + name, e);
        }
    }
}
