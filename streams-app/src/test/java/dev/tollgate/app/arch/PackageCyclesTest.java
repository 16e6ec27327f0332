package dev.tollgate.app.arch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testkit.PackageGraph;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The service's packages depend on each other without a cycle (issue 16: one job per class). */
class PackageCyclesTest {

    @Test
    void shouldHaveNoImportCycleBetweenTheServicePackages() {
        // given
        PackageGraph graph = PackageGraph.ofSources(Path.of("src/main/java"), "dev.tollgate.app");

        // when
        var cycles = graph.cycles();

        // then
        assertThat(graph.edges()).containsKeys("dev.tollgate.app.cli", "dev.tollgate.app.service");
        assertThat(cycles).as("package graph %s", graph.edges()).isEmpty();
    }
}
