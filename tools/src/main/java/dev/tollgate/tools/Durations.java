package dev.tollgate.tools;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations such as {@code 90s}, {@code 2m}, {@code 1500ms}, {@code 1h} or a plain number of seconds. */
public final class Durations {
    private static final Pattern P = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {}

    /** Milliseconds of a duration text. */
    public static long parseMs(String text) {
        Matcher m = P.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: \"" + text + "\" (examples: 90s, 2m, 1500ms, 1h)");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double factor = switch (unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1_000;
        };
        return Math.round(v * factor);
    }
}
