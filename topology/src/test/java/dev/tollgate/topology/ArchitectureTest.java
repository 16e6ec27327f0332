package dev.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rules of the module's shape (issue 16): small classes, and an engine that asks gates, never names them. */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/tollgate/topology");
    private static final int MAX_LINES = 300;

    private static List<Path> sources(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    @Test
    void shouldKeepEveryMainClassAtMostThreeHundredLines() throws IOException {
        for (Path p : sources(MAIN)) {
            assertThat(Files.readAllLines(p)).as("%s: split it by job", p).hasSizeLessThanOrEqualTo(MAX_LINES);
        }
    }

    @Test
    void shouldNotNameAnyGateClassInTheEngine() throws IOException {
        // given the concrete gate classes
        List<String> gateClasses = sources(MAIN.resolve("gates")).stream()
                .map(p -> p.getFileName().toString().replace(".java", ""))
                .filter(n -> n.endsWith("Gate") && !n.equals("Gate") && !n.equals("CountGate"))
                .toList();
        assertThat(gateClasses).hasSizeGreaterThanOrEqualTo(13);

        // then no engine or processor source mentions one: the engine asks the Gate interface
        for (Path dir : List.of(MAIN.resolve("engine"), MAIN.resolve("processor"))) {
            for (Path p : sources(dir)) {
                String code = Files.readString(p);
                for (String gate : gateClasses) {
                    assertThat(code)
                            .as("%s names %s", p.getFileName(), gate)
                            .doesNotContainPattern("\\b" + gate + "\\b");
                }
            }
        }
    }

    @Test
    void shouldStateTheJobOfEveryEngineClassInItsJavadoc() throws IOException {
        for (String job : List.of(
                "EvidenceRecorder",
                "TickClock",
                "StepLifecycle",
                "TickFolder",
                "GateRunner",
                "DecisionPolicy",
                "Outputs")) {
            String code = Files.readString(MAIN.resolve("engine/" + job + ".java"));
            assertThat(code).as(job).containsPattern("/\\*\\*\\s*\\n\\s*\\* Job: ");
        }
    }
}
