package dev.tollgate.topology.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.topology.study.StatisticsStudy.Config;
import dev.tollgate.topology.study.StatisticsStudy.Kind;
import dev.tollgate.topology.study.StudyGrid.Cell;
import dev.tollgate.topology.study.StudyGrid.Grid;
import dev.tollgate.topology.study.StudyGrid.Method;
import dev.tollgate.topology.study.StudyGrid.Stat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A tiny version of the study's grid (docs/statistics.md, {@code --grid}) for CI: one cell, 4 rollouts per scenario
 * through the real Evaluator and both baselines. The full grid runs outside CI with the command in the document.
 */
class StudyGridSmokeTest {
    private static final int N = 4;
    private static final String HEADER =
            "| cell (base 5xx · total traffic) | **Tollgate** | raw threshold | Flagger-style |";

    @Test
    void shouldReportEveryMetricGroupForOneCell() {
        // when the grid runs one cell (1 % 5xx at 100 req/s: the 1 % step sees 1 canary request/s)
        List<Cell> cells = Cell.parse("0.01:100");
        Grid grid = StudyGrid.run(new Config(N, 1, 7L, 0.01), cells, false);

        // then every method's rollouts end once, with plausible shares and times
        assertThat(grid.cells()).hasSize(1);
        for (Kind kind : Kind.values()) {
            for (Method m : Method.values()) {
                Stat s = grid.cells().get(0).stat(kind, m);
                String what = kind + " " + m;
                assertThat(s.n()).as(what).isEqualTo(N);
                assertThat(s.completed() + s.rolledBack() + s.held() + s.capped())
                        .as(what)
                        .isEqualTo(N);
                assertThat(s.capped()).as(what).isZero();
                for (double rate : new double[] {s.completion(), s.rollbackRate(), s.heldShare()}) {
                    assertThat(rate).as(what).isBetween(0.0, 1.0);
                }
                assertThat(s.completeMs()).as(what).isSorted();
                assertThat(LongStream.of(s.completeMs()).allMatch(t -> t > 0 && t <= StatisticsStudy.HARD_CAP_MS))
                        .as(what)
                        .isTrue();
                assertThat(s.rollbackMs()).as(what).isSorted();
                assertThat(LongStream.of(s.rollbackMs()).allMatch(t -> t >= 0 && t <= StatisticsStudy.HARD_CAP_MS))
                        .as(what)
                        .isTrue();
                double[] ci = s.rollbackCi();
                assertThat(ci[0]).as(what).isBetween(0.0, s.rollbackRate());
                assertThat(ci[1]).as(what).isBetween(s.rollbackRate(), 1.0);
            }
        }
        // and Tollgate keeps its false-rollback guarantee while the raw threshold (0.05 pp on a 1 % base) does not
        assertThat(grid.cells().get(0).stat(Kind.AA, Method.TOLLGATE).rolledBack())
                .isLessThanOrEqualTo(1);
        assertThat(grid.cells().get(0).stat(Kind.AA, Method.RAW).rolledBack()).isGreaterThanOrEqualTo(N / 2);
        // and a completed rollout went through five steps of at least a minute each
        for (Method m : Method.values()) {
            assertThat(LongStream.of(grid.cells().get(0).stat(Kind.AA, m).completeMs())
                            .allMatch(t -> t >= 5 * 60_000L))
                    .as(m.label)
                    .isTrue();
        }

        // and the report has five tables, each with the methods as columns and the cell as its one row
        String md = StudyGrid.report(grid, StudyGrid.command(grid.config(), cells));
        assertThat(md)
                .startsWith(StudyGrid.START)
                .endsWith(StudyGrid.END + "\n")
                .contains("--grid --rollouts 4 --threads 1 --cells 0.01:100")
                .contains("`minSamples` 200", "`minStepDurationMs` 60 s", "`maxStepDurationMs` 600 s");
        assertThat(count(md, HEADER)).isEqualTo(5);
        List<String> rows =
                md.lines().filter(l -> l.startsWith("| 1 % · 100 req/s |")).toList();
        assertThat(rows).hasSize(5);
        for (String row : rows) {
            assertThat(row.split("\\|", -1)).as(row).hasSize(6); // "", cell, 3 methods, ""
        }
        assertThat(rows.get(0)).matches("\\| 1 % · 100 req/s (\\| \\d+\\.\\d % · (\\d+ s|–) / (\\d+ s|–) ){3}\\|");
        assertThat(rows.get(1))
                .matches(
                        "\\| 1 % · 100 req/s (\\| \\d+ / 4 = [\\d.]+ % \\[[\\d.]+ %, [\\d.]+ %\\] · held [\\d.]+ % ){3}\\|");
        Matcher pct = Pattern.compile("([\\d.]+) %").matcher(String.join("\n", rows));
        int found = 0;
        while (pct.find()) {
            assertThat(Double.parseDouble(pct.group(1))).isBetween(0.0, 100.0);
            found++;
        }
        assertThat(found).isGreaterThanOrEqualTo(5 * 3);
    }

    @Test
    void shouldSelectCellsOfTheGrid() {
        assertThat(Cell.all()).hasSize(9);
        List<Cell> cells = Cell.parse("0.05:500,0.001:2000, 0.05:500");
        assertThat(cells).extracting(Cell::index).containsExactly(2, 7);
        assertThat(cells.get(0).label()).isEqualTo("0.1 % · 2,000 req/s");
        assertThat(cells.get(1).spec()).isEqualTo("0.05:500");
        assertThat(cells.get(1).traffic(Kind.ERRORS).canary5xx()).isEqualTo(0.25);
        assertThatThrownBy(() -> Cell.parse("0.02:100")).hasMessageContaining("no grid cell");
        assertThatThrownBy(() -> Cell.parse("0.01")).hasMessageContaining("--cells");
    }

    @Test
    void shouldReplaceTheGridSectionOfTheDocument() {
        String section = StudyGrid.START + "\n## Grid\n\nnew\n" + StudyGrid.END + "\n";
        String doc = "# Statistics\n\n## Measured\n\ntables\n\n## Set-up of the study\n\ntext\n";
        // first time: before the set-up
        String once = StudyGrid.insert(doc, section);
        assertThat(once).contains("tables\n\n" + section + "\n## Set-up of the study");
        // again: in place of the previous one
        String twice = StudyGrid.insert(once.replace("new", "old"), section);
        assertThat(twice).isEqualTo(once);
        assertThat(StudyGrid.section(twice)).isEqualTo(section);
        assertThat(StudyGrid.section(doc)).isNull();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
