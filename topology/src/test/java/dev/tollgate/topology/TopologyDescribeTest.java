package dev.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Golden test of the topology's shape. Processor, store and internal topic names are part of the
 * deployed state: renaming one orphans its changelog and local state on the next deploy, and reordering
 * nodes can renumber tasks. A change here must be deliberate.
 */
class TopologyDescribeTest {
    private static final String GOLDEN = "/topology-describe.txt";

    private static String describe() {
        return TollgateTopology.build(TopologySettings.defaults("mock://describe"))
                .describe()
                .toString();
    }

    private static String golden() throws IOException {
        try (InputStream in = TopologyDescribeTest.class.getResourceAsStream(GOLDEN)) {
            assertThat(in).as("golden file %s on the test classpath", GOLDEN).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String normalize(String s) {
        return s.replace("\r\n", "\n").strip();
    }

    @Test
    void shouldMatchTheGoldenDescription() throws IOException {
        // given the topology built with default settings
        String actual = describe();

        // when / then it matches the reviewed golden file
        assertThat(normalize(actual))
                .as(
                        "Topology.describe() differs from src/test/resources%s. Processor, store and topic names and the "
                                + "node layout are deployed state: review state compatibility (changelog topics, local "
                                + "state, task assignment, a reset or migration plan) before updating the golden file. "
                                + "Actual description:%n%s",
                        GOLDEN, actual)
                .isEqualTo(normalize(golden()));
    }

    @Test
    void shouldNameEveryNodeAndStoreExplicitlyInKebabCase() {
        // given
        String actual = describe();

        // when every node and store name is extracted
        Matcher nodes = Pattern.compile("(?:Source|Processor|Sink):\\s+(\\S+)").matcher(actual);
        int count = 0;
        while (nodes.find()) {
            count++;
            // then none is generated (KSTREAM-..., KTABLE-...) and all are kebab-case
            assertThat(nodes.group(1)).matches("[a-z0-9]+(-[a-z0-9]+)*");
        }
        Matcher stores = Pattern.compile("stores:\\s+\\[([^\\]]*)\\]").matcher(actual);
        while (stores.find()) {
            for (String store : stores.group(1).split(",\\s*")) {
                if (!store.isBlank()) {
                    assertThat(store).matches("[a-z0-9]+(-[a-z0-9]+)*-store");
                }
            }
        }
        assertThat(count).isGreaterThanOrEqualTo(6);
        assertThat(actual).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
        assertThat(actual)
                .contains(
                        Names.PROCESSOR_EVALUATOR,
                        Names.STORE_STEP_STATE,
                        Names.STORE_DEDUPE_KEYS,
                        Names.STORE_ROLLOUT_STATUS,
                        Names.STORE_POLICIES);
    }
}
