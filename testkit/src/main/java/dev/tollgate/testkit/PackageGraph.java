package dev.tollgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which packages of a source tree use which other packages of it, read from the Java sources: imports
 * (static and wildcard included) and fully qualified names in code, with comments and string literals
 * ignored. Used by the architecture tests to assert that a module's packages form no import cycle.
 *
 * <pre>{@code
 * assertThat(PackageGraph.ofSources(Path.of("src/main/java"), "dev.tollgate.app").cycles()).isEmpty();
 * }</pre>
 */
public final class PackageGraph {

    private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile(
            "//[^\\n]*|/\\*.*?\\*/|\"\"\"(?:.|\\n)*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])+'",
            Pattern.DOTALL);
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    private final Map<String, Set<String>> edges;

    private PackageGraph(Map<String, Set<String>> edges) {
        this.edges = edges;
    }

    /**
     * The graph of the packages at or below {@code basePackage} in the {@code .java} files under
     * {@code sourceRoot}. A reference counts when it names a type ({@code base.pkg.Type}, capitalised
     * by convention) or a whole package ({@code import base.pkg.*}).
     */
    public static PackageGraph ofSources(Path sourceRoot, String basePackage) {
        Pattern reference =
                Pattern.compile("\\b(" + Pattern.quote(basePackage) + "(?:\\.[a-z_][a-z0-9_]*)*)\\.(?:[A-Z]|\\*)");
        Map<String, Set<String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String code = COMMENTS_AND_STRINGS
                        .matcher(Files.readString(file, StandardCharsets.UTF_8))
                        .replaceAll(" ");
                Matcher pkg = PACKAGE.matcher(code);
                if (!pkg.find()) {
                    continue;
                }
                String from = pkg.group(1);
                if (!from.equals(basePackage) && !from.startsWith(basePackage + ".")) {
                    continue;
                }
                Set<String> targets = edges.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = reference.matcher(code.substring(pkg.end()));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        targets.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sources under " + sourceRoot, e);
        }
        return new PackageGraph(edges);
    }

    /** Every package with sources, each with the packages (of the same base) it uses. */
    public Map<String, Set<String>> edges() {
        return edges;
    }

    /**
     * The import cycles: each strongly connected group of two or more packages, sorted, as "a -> b ->
     * a" paths through the group. Empty when the packages form a directed acyclic graph.
     */
    public List<String> cycles() {
        List<String> cycles = new ArrayList<>();
        for (Set<String> group : stronglyConnected()) {
            if (group.size() > 1) {
                cycles.add(String.join(" <-> ", group) + " (e.g. " + pathThrough(group) + ")");
            }
        }
        return cycles;
    }

    private String pathThrough(Set<String> group) {
        String start = group.iterator().next();
        List<String> path = new ArrayList<>(List.of(start));
        Set<String> seen = new TreeSet<>(Set.of(start));
        String at = start;
        while (true) {
            String next = null;
            for (String t : edges.getOrDefault(at, Set.of())) {
                if (t.equals(start) && path.size() > 1) {
                    path.add(start);
                    return String.join(" -> ", path);
                }
                if (group.contains(t) && !seen.contains(t) && next == null) {
                    next = t;
                }
            }
            if (next == null) {
                path.add("...");
                return String.join(" -> ", path);
            }
            seen.add(next);
            path.add(next);
            at = next;
        }
    }

    /** Tarjan's algorithm (recursive: package graphs are small). */
    private List<Set<String>> stronglyConnected() {
        Map<String, Integer> index = new TreeMap<>();
        Map<String, Integer> low = new TreeMap<>();
        List<String> stack = new ArrayList<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        for (String v : edges.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, index, low, stack, onStack, out);
            }
        }
        return out;
    }

    private void connect(
            String v,
            Map<String, Integer> index,
            Map<String, Integer> low,
            List<String> stack,
            Set<String> onStack,
            List<Set<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.add(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, index, low, stack, onStack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> group = new TreeSet<>();
            String w;
            do {
                w = stack.remove(stack.size() - 1);
                onStack.remove(w);
                group.add(w);
            } while (!w.equals(v));
            out.add(group);
        }
    }
}
