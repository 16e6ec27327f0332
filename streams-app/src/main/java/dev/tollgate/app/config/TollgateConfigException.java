package dev.tollgate.app.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/**
 * A configuration error found at start-up: a missing required key or a value its validator rejects.
 * The message names every offending key, what is expected and where the value came from, one problem
 * per line, so the CLI can print it as is and exit with status 2.
 */
public class TollgateConfigException extends ConfigException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * @param problems one line per problem, each naming its key
     */
    public TollgateConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    /** @param problem one line naming the key and what is expected */
    public TollgateConfigException(String problem) {
        this(List.of(problem));
    }

    /** Every problem found, one line each. */
    public List<String> problems() {
        return problems;
    }
}
