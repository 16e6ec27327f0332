package dev.tollgate.tools.arch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testkit.PackageGraph;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The tools' packages depend on each other without a cycle (issue 16: one job per class). */
class PackageCyclesTest {

    @Test
    void shouldHaveNoImportCycleBetweenTheToolsPackages() {
        // given
        PackageGraph graph = PackageGraph.ofSources(Path.of("src/main/java"), "dev.tollgate.tools");

        // when
        var cycles = graph.cycles();

        // then
        assertThat(graph.edges())
                .containsKeys("dev.tollgate.tools", "dev.tollgate.tools.demo", "dev.tollgate.tools.cli");
        assertThat(cycles).as("package graph %s", graph.edges()).isEmpty();
    }
}
