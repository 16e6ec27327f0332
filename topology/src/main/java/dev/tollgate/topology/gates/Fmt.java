package dev.tollgate.topology.gates;

import java.util.Locale;

/** Number formatting for verdict explanations (locale-independent, so replays compare byte for byte). */
final class Fmt {
    private Fmt() {}

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.3f%%", share * 100);
    }

    static String pp(double delta) {
        return String.format(Locale.ROOT, "%+.3f pp", delta * 100);
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f ms", v);
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    static String relPct(double rel) {
        return String.format(Locale.ROOT, "%+.1f%%", rel * 100);
    }
}
