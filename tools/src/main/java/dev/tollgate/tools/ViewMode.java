package dev.tollgate.tools;

import java.util.Locale;
import picocli.CommandLine;

/** The {@code --view} option of {@code demo} and {@code simulate}: how {@link TerminalView} draws. */
public enum ViewMode {
    /** Redraw in place (ANSI escapes). */
    LIVE,
    /** One line per event. */
    PLAIN,
    /** Live on a terminal, plain otherwise. */
    AUTO;

    /** Whether to draw with ANSI escapes (redraw in place). */
    public boolean ansi() {
        return switch (this) {
            case LIVE -> true;
            case PLAIN -> false;
            case AUTO -> System.console() != null;
        };
    }

    /** The option value: {@code live}, {@code plain} or {@code auto}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Picocli converter of {@code live|plain|auto} (case-insensitive). */
    public static final class Converter implements CommandLine.ITypeConverter<ViewMode> {
        @Override
        public ViewMode convert(String value) {
            for (ViewMode mode : values()) {
                if (mode.toString().equalsIgnoreCase(value.trim())) {
                    return mode;
                }
            }
            throw new CommandLine.TypeConversionException("expected live, plain or auto but was '" + value + "'");
        }
    }
}
