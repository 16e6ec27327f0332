package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageGraphTest {

    @TempDir
    Path src;

    private void write(String pkg, String type, String body) throws IOException {
        Path dir = src.resolve(pkg.replace('.', '/'));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(type + ".java"), "package " + pkg + ";\n" + body);
    }

    @Test
    void shouldFindACycleThroughImportsAndFullyQualifiedNames() throws IOException {
        // given a -> b by import, b -> c by a fully qualified name, c -> a by a wildcard import
        write("x.a", "A", "import x.b.B;\nclass A { B b; }\n");
        write("x.b", "B", "public class B { Object c = new x.c.C(); }\n");
        write("x.c", "C", "import x.a.*;\npublic class C {}\n");

        // when
        PackageGraph graph = PackageGraph.ofSources(src, "x");

        // then
        assertThat(graph.cycles())
                .singleElement()
                .asString()
                .startsWith("x.a <-> x.b <-> x.c")
                .contains("x.a -> x.b -> x.c -> x.a");
    }

    @Test
    void shouldIgnoreCommentsStringsAndOtherBases() throws IOException {
        // given references back from b to a only in comments, strings and Javadoc
        write("x.a", "A", "import x.b.B;\nimport y.a.Other;\nclass A { B b; }\n");
        write("x.b", "B", "/** see {@link x.a.A} */\npublic class B { // x.a.A\n String s = \"x.a.A\"; }\n");

        // when
        PackageGraph graph = PackageGraph.ofSources(src, "x");

        // then
        assertThat(graph.cycles()).isEmpty();
        assertThat(graph.edges()).containsEntry("x.a", java.util.Set.of("x.b"));
    }
}
