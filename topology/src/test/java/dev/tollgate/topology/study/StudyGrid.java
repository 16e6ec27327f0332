package dev.tollgate.topology.study;

import static dev.tollgate.topology.study.StatisticsStudy.FLAGGER_INTERVAL_MS;
import static dev.tollgate.topology.study.StatisticsStudy.HARD_CAP_MS;
import static dev.tollgate.topology.study.StatisticsStudy.MAX_STEP_MS;
import static dev.tollgate.topology.study.StatisticsStudy.MIN_SAMPLES;
import static dev.tollgate.topology.study.StatisticsStudy.MIN_STEP_MS;
import static dev.tollgate.topology.study.StatisticsStudy.STEPS;
import static dev.tollgate.topology.study.StatisticsStudy.T0;
import static dev.tollgate.topology.study.StatisticsStudy.WARMUP_MS;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.topology.study.StatisticsStudy.Config;
import dev.tollgate.topology.study.StatisticsStudy.Detection;
import dev.tollgate.topology.study.StatisticsStudy.Draw;
import dev.tollgate.topology.study.StatisticsStudy.End;
import dev.tollgate.topology.study.StatisticsStudy.FlaggerCheck;
import dev.tollgate.topology.study.StatisticsStudy.Kind;
import dev.tollgate.topology.study.StatisticsStudy.RawThreshold;
import dev.tollgate.topology.study.StatisticsStudy.Request;
import dev.tollgate.topology.study.StatisticsStudy.Rollout;
import dev.tollgate.topology.study.StatisticsStudy.TollgateRun;
import dev.tollgate.topology.study.StatisticsStudy.Traffic;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The grid of the statistics study (issue 11): A/A completion, time to complete, false rollbacks and held rollouts,
 * and detection of the three regressions, for every cell of base 5xx share {0.1 %, 1 %, 5 %} × total traffic {100,
 * 500, 2,000 req/s}, for Tollgate and both baselines. Run through {@link StatisticsStudy} with {@code --grid} (see
 * {@link #command}).
 *
 * <p>Unlike the single-cell study, where the baselines watch the requests of Tollgate's steps, here each method runs
 * its own rollout (its own step schedule and canary share) on common random numbers: every request's random draws
 * (revision, 5xx, latency, cold start) are shared, and each method assigns the request to the canary against its own
 * current share. So each method's completion and time to complete are its own.
 */
final class StudyGrid {
    static final double[] BASE_RATES = {0.001, 0.01, 0.05};
    static final int[] TRAFFIC = {100, 500, 2_000};
    static final String START = "<!-- study-grid:start -->";
    static final String END = "<!-- study-grid:end -->";

    /** One cell of the grid; {@code index} is its place in the full grid (it seeds the cell's random streams). */
    record Cell(int index, double base5xx, int rps) {
        static List<Cell> all() {
            List<Cell> cells = new ArrayList<>();
            for (double base : BASE_RATES) {
                for (int rps : TRAFFIC) {
                    cells.add(new Cell(cells.size(), base, rps));
                }
            }
            return cells;
        }

        /** Cells of the grid from {@code "0.01:100,0.05:2000"} (base 5xx share : total req/s), in grid order. */
        static List<Cell> parse(String spec) {
            List<Cell> cells = new ArrayList<>();
            for (String part : spec.split(",")) {
                String[] kv = part.trim().split(":");
                if (kv.length != 2) {
                    throw new IllegalArgumentException(
                            "--cells takes base:rps[,base:rps…], e.g. 0.01:100, not " + part);
                }
                double base = Double.parseDouble(kv[0].trim());
                int rps = Integer.parseInt(kv[1].trim());
                Cell cell = all().stream()
                        .filter(c -> Math.abs(c.base5xx - base) < 1e-12 && c.rps == rps)
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no grid cell " + part.trim()
                                + " (base 5xx 0.001, 0.01 or 0.05; traffic 100, 500 or 2000 req/s)"));
                if (!cells.contains(cell)) {
                    cells.add(cell);
                }
            }
            cells.sort(java.util.Comparator.comparingInt(Cell::index));
            return cells;
        }

        String label() {
            return percent(base5xx) + " · " + String.format(Locale.ROOT, "%,d", rps) + " req/s";
        }

        String spec() {
            return BigDecimal.valueOf(base5xx).stripTrailingZeros().toPlainString() + ":" + rps;
        }

        Traffic traffic(Kind kind) {
            return kind.traffic(rps, base5xx);
        }
    }

    static String percent(double share) {
        return BigDecimal.valueOf(100 * share).stripTrailingZeros().toPlainString() + " %";
    }

    /** The three methods, the columns of the grid's tables. */
    enum Method {
        TOLLGATE("**Tollgate**"),
        RAW("raw threshold"),
        FLAGGER("Flagger-style");

        final String label;

        Method(String label) {
            this.label = label;
        }
    }

    /** How one method's rollout ended, and when (ms of event time since the rollout started). */
    static final class Outcome {
        End end = End.CAPPED;
        long endAt;
        Detection rollback = new Detection();

        boolean rolledBack() {
            return end == End.ROLLBACK || end == End.FREEZE;
        }
    }

    // ================================================================== the baselines' own rollouts

    /** A baseline driving its own rollout through the study's steps. */
    abstract static class BaselineRun {
        final Outcome outcome = new Outcome();
        int step;
        double traffic = STEPS[0];
        long stepStart = T0;
        private boolean ended;

        boolean running() {
            return !ended;
        }

        abstract void add(Request q);

        /** The end of one second of event time. */
        abstract void tick(long now);

        /** Called when a new step starts. */
        void newStep() {}

        void promote(long now) {
            if (step == STEPS.length - 1) {
                end(End.COMPLETE, now);
                return;
            }
            step++;
            traffic = STEPS[step];
            stepStart = now;
            newStep();
        }

        void rollBack(long at, String what) {
            outcome.rollback.set(at - T0, step, what);
            end(End.ROLLBACK, at);
        }

        void end(End end, long at) {
            outcome.end = end;
            outcome.endAt = at - T0;
            ended = true;
        }
    }

    /**
     * The raw threshold with a schedule like Tollgate's policy: rolls back at the first breach (checked on every
     * event); promotes once the step has lasted {@code minStepDurationMs} and both arms have {@code minSamples}
     * requests (the canary's after warm-up; at 100 % the baseline's of the last step); HELD after
     * {@code maxStepDurationMs} without enough samples.
     */
    static final class RawRun extends BaselineRun {
        final RawThreshold raw = new RawThreshold();

        @Override
        void add(Request q) {
            if (raw.add(q.canary, q.error, q.bucket, q.cold, q.ts >= stepStart + WARMUP_MS)) {
                rollBack(q.ts, raw.what);
            }
        }

        @Override
        void tick(long now) {
            if (!running()) {
                return;
            }
            StatisticsStudy.Window w = raw.w;
            if (now - stepStart >= MIN_STEP_MS
                    && w.cReq >= MIN_SAMPLES
                    && w.cAfter >= MIN_SAMPLES
                    && w.bReq >= MIN_SAMPLES) {
                promote(now);
            } else if (now - stepStart >= MAX_STEP_MS) {
                end(End.HELD, now);
            }
        }

        @Override
        void newStep() {
            raw.newStep(traffic >= 100);
        }
    }

    /**
     * Flagger-style analysis with Flagger's schedule: a check every 60 s of event time on the last minute; a passing
     * check (with canary requests) promotes to the next step (completes after the 100 % step), two consecutive
     * failed checks roll back; HELD after {@code maxStepDurationMs} without a passing check.
     */
    static final class FlaggerRun extends BaselineRun {
        final FlaggerCheck flagger = new FlaggerCheck();

        @Override
        void add(Request q) {
            flagger.add(q.canary, q.error, q.bucket, q.cold, q.ts >= stepStart + WARMUP_MS);
        }

        @Override
        void tick(long now) {
            if (!running()) {
                return;
            }
            if ((now - T0) % FLAGGER_INTERVAL_MS == 0) {
                boolean sawCanary = flagger.w.cReq > 0;
                if (flagger.check()) {
                    rollBack(now, flagger.what);
                    return;
                }
                if (sawCanary && flagger.consecutive == 0) {
                    promote(now);
                    return;
                }
            }
            if (now - stepStart >= MAX_STEP_MS) {
                end(End.HELD, now);
            }
        }
    }

    // ================================================================== one rollout, three methods

    /** The outcomes of one simulated rollout in {@link Method} order, and the requests simulated. */
    record Result(Outcome[] methods, long requests) {}

    /** Simulates one rollout of each method on the same random draws. */
    static Result simulate(Traffic t, long seed, GatePolicy policy) {
        SplittableRandom rng = new SplittableRandom(seed);
        Rollout tg = new Rollout();
        TollgateRun tollgate = new TollgateRun(policy, tg);
        RawRun raw = new RawRun();
        FlaggerRun flagger = new FlaggerRun();
        Draw draw = new Draw();
        Request q = new Request();
        Runnable none = () -> {};
        long now = T0;
        long hardCap = T0 + HARD_CAP_MS;
        while (now < hardCap && (tollgate.on || raw.running() || flagger.running())) {
            for (int k = 0; k < t.rps(); k++) {
                long ts = now + (k * 1_000L) / t.rps();
                draw.next(rng);
                if (tollgate.on) {
                    tollgate.ingest(q.set(ts, draw, t, tollgate.traffic));
                }
                if (raw.running()) {
                    raw.add(q.set(ts, draw, t, raw.traffic));
                }
                if (flagger.running()) {
                    flagger.add(q.set(ts, draw, t, flagger.traffic));
                }
            }
            now += 1_000;
            if (tollgate.on) {
                tollgate.advance(now, none);
            }
            raw.tick(now);
            flagger.tick(now);
        }
        Outcome tgOut = new Outcome();
        tgOut.end = tg.end;
        tgOut.endAt = tg.end == End.CAPPED ? now - T0 : tg.endAt;
        tgOut.rollback = tg.tollgate;
        for (BaselineRun b : List.of(raw, flagger)) {
            if (b.running()) {
                b.end(End.CAPPED, now);
            }
        }
        return new Result(new Outcome[] {tgOut, raw.outcome, flagger.outcome}, (now - T0) / 1_000 * t.rps());
    }

    // ================================================================== the grid

    /** The outcomes of one cell: per scenario, per rollout, per method. */
    record CellResult(Cell cell, Map<Kind, Result[]> outcomes) {
        Stat stat(Kind kind, Method m) {
            return Stat.of(outcomes.get(kind), m);
        }
    }

    /** A whole grid run. */
    record Grid(Config config, List<CellResult> cells, long elapsedMs, long requests) {}

    /** The figures of one method over the rollouts of one scenario in one cell. */
    record Stat(int n, int completed, long[] completeMs, int rolledBack, long[] rollbackMs, int held, int capped) {
        static Stat of(Result[] rollouts, Method m) {
            List<Long> complete = new ArrayList<>();
            List<Long> rollback = new ArrayList<>();
            int held = 0;
            int capped = 0;
            for (Result r : rollouts) {
                Outcome o = r.methods()[m.ordinal()];
                if (o.end == End.COMPLETE) {
                    complete.add(o.endAt);
                } else if (o.rolledBack()) {
                    rollback.add(o.rollback.at);
                } else if (o.end == End.HELD) {
                    held++;
                } else {
                    capped++;
                }
            }
            return new Stat(
                    rollouts.length,
                    complete.size(),
                    complete.stream().mapToLong(Long::longValue).sorted().toArray(),
                    rollback.size(),
                    rollback.stream().mapToLong(Long::longValue).sorted().toArray(),
                    held,
                    capped);
        }

        double completion() {
            return (double) completed / n;
        }

        double rollbackRate() {
            return (double) rolledBack / n;
        }

        double heldShare() {
            return (double) held / n;
        }

        double[] rollbackCi() {
            return StatisticsStudy.clopperPearson(rolledBack, n, 0.05);
        }

        /** The q-quantile (nearest rank) of the sorted times in seconds, NaN when there are none. */
        static double seconds(long[] sortedMs, double q) {
            return sortedMs.length == 0 ? Double.NaN : StatisticsStudy.nearestRank(sortedMs, q) / 1000.0;
        }
    }

    static long cellSeed(long seed, Cell cell) {
        return seed ^ (0x632BE59BD9B4E019L * (cell.index() + 1));
    }

    /** Runs every scenario {@code config.rollouts} times in every cell. */
    static Grid run(Config config, List<Cell> cells, boolean progress) {
        GatePolicy policy = StatisticsStudy.policy(config.alpha());
        long start = System.nanoTime();
        List<Callable<Result>> tasks = new ArrayList<>();
        long requests = 0;
        for (Cell cell : cells) {
            for (Kind kind : Kind.values()) {
                Traffic t = cell.traffic(kind);
                for (int i = 0; i < config.rollouts(); i++) {
                    long seed = StatisticsStudy.seedOf(cellSeed(config.seed(), cell), kind, i);
                    tasks.add(() -> simulate(t, seed, policy));
                }
            }
        }
        List<Result> all = StatisticsStudy.parallel(tasks, config.threads(), progress);
        List<CellResult> results = new ArrayList<>();
        int k = 0;
        for (Cell cell : cells) {
            Map<Kind, Result[]> byKind = new EnumMap<>(Kind.class);
            for (Kind kind : Kind.values()) {
                Result[] rs = new Result[config.rollouts()];
                for (int i = 0; i < rs.length; i++) {
                    rs[i] = all.get(k++);
                    requests += rs[i].requests();
                }
                byKind.put(kind, rs);
            }
            results.add(new CellResult(cell, byKind));
        }
        return new Grid(config, results, (System.nanoTime() - start) / 1_000_000, requests);
    }

    // ================================================================== the report

    private static String times(long[] sortedMs) {
        return StatisticsStudy.secs(Stat.seconds(sortedMs, 0.5)) + " / "
                + StatisticsStudy.secs(Stat.seconds(sortedMs, 0.95));
    }

    private static void table(
            StringBuilder md, String title, String intro, Grid grid, Kind kind, Function<Stat, String> cell) {
        md.append("### ").append(title).append("\n\n").append(intro).append("\n\n");
        md.append("| cell (base 5xx · total traffic) |");
        for (Method m : Method.values()) {
            md.append(' ').append(m.label).append(" |");
        }
        md.append("\n|---|");
        md.append("---|".repeat(Method.values().length));
        md.append('\n');
        for (CellResult c : grid.cells()) {
            md.append("| ").append(c.cell().label()).append(" |");
            for (Method m : Method.values()) {
                md.append(' ').append(cell.apply(c.stat(kind, m))).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    /** The grid section of docs/statistics.md, between its markers. */
    static String report(Grid grid, String command) {
        Config c = grid.config();
        StringBuilder md = new StringBuilder();
        md.append(START).append('\n');
        md.append("## Grid: base 5xx share × traffic\n\n");
        md.append("Regenerate with (from the repository root):\n\n```\n")
                .append(command)
                .append("\n```\n\n");
        md.append(String.format(
                Locale.ROOT,
                "%,d rollouts per cell and scenario. Each method runs its own rollout through the steps "
                        + "1 → 5 → 25 → 50 → 100 %% on common random numbers (every request's draws are shared; each "
                        + "method sends it to the canary against its own current share), so completion and time to "
                        + "complete are each method's own. Policy as in the single-cell study: alpha %s, "
                        + "`minSamples` %d, `minStepDurationMs` %d s, `maxStepDurationMs` %d s per step "
                        + "(`onInconclusive` DECIDE; a HOLD there is counted as held), `warmupMs` %d s, default thresholds "
                        + "(5xx +0.05 pp, "
                        + "p95 +10 %%, cold starts 5 %%). At 100 req/s the 1 %% step sees about 1 canary request/s, so "
                        + "`minSamples` takes about 200 s (210 s for cold starts after warm-up), within the step's "
                        + "maximum.%n%n",
                c.rollouts(),
                c.alpha(),
                MIN_SAMPLES,
                MIN_STEP_MS / 1000,
                MAX_STEP_MS / 1000,
                WARMUP_MS / 1000));
        md.append("- **Tollgate**: the real `Evaluator`, promoted, held or rolled back by its own decisions.\n");
        md.append("- **Raw threshold**: the running-rate thresholds on every event roll back at the first breach; "
                + "it promotes once the step has lasted `minStepDurationMs` and both arms have `minSamples` requests "
                + "(canary after warm-up), held after `maxStepDurationMs` otherwise.\n");
        md.append("- **Flagger-style**: a check on the last minute every 60 s; a passing check (with canary requests) "
                + "promotes, the one at 100 % completes; two consecutive failed checks roll back.\n\n");
        md.append("Times are event time from the start of the rollout, median / p95 over the rollouts that "
                + "completed (or were rolled back); \"–\" when there were none.\n\n");

        table(
                md,
                "Grid, A/A: completion and time to complete",
                "Share of A/A rollouts (canary = baseline distributions) that reached COMPLETE; median / p95 time to "
                        + "complete.",
                grid,
                Kind.AA,
                s -> StatisticsStudy.pct(s.completion()) + " · " + times(s.completeMs()));
        table(
                md,
                "Grid, A/A: false rollbacks and held",
                "Share of A/A rollouts with any ROLLBACK or FREEZE, with its exact 95 % (Clopper-Pearson) interval; "
                        + "held = inconclusive after `maxStepDurationMs`.",
                grid,
                Kind.AA,
                s -> {
                    double[] ci = s.rollbackCi();
                    return s.rolledBack() + " / " + s.n() + " = " + StatisticsStudy.pct(s.rollbackRate()) + " ["
                            + StatisticsStudy.pct(ci[0]) + ", " + StatisticsStudy.pct(ci[1]) + "] · held "
                            + StatisticsStudy.pct(s.heldShare());
                });
        String detect = "Share of rollouts rolled back (the regression is on the canary from the start); median / p95 "
                + "time to detect; the rest, when any, completed (the regression shipped) or held.";
        Function<Stat, String> detection = s -> StatisticsStudy.pct(s.rollbackRate()) + " · " + times(s.rollbackMs())
                + (s.completed() > 0 ? " · completed " + StatisticsStudy.pct(s.completion()) : "")
                + (s.held() > 0 ? " · held " + StatisticsStudy.pct(s.heldShare()) : "");
        table(md, "Grid, detection: 5xx at 5× the base share", detect, grid, Kind.ERRORS, detection);
        table(md, "Grid, detection: p95 latency +25 %", detect, grid, Kind.LATENCY, detection);
        table(md, "Grid, detection: cold starts 12 % (base 1 %)", detect, grid, Kind.COLD, detection);

        int capped = 0;
        for (CellResult cr : grid.cells()) {
            for (Kind kind : Kind.values()) {
                for (Method m : Method.values()) {
                    capped += cr.stat(kind, m).capped();
                }
            }
        }
        md.append(String.format(
                Locale.ROOT,
                "Run: %d cell(s), %,d rollouts per cell and scenario (%,d in all), seed %d, %d thread(s); "
                        + "%,d requests simulated; %d method-rollouts cut off by the %d s cap; wall-clock runtime "
                        + "%.1f min.%n",
                grid.cells().size(),
                c.rollouts(),
                c.rollouts() * Kind.values().length * grid.cells().size(),
                c.seed(),
                c.threads(),
                grid.requests(),
                capped,
                HARD_CAP_MS / 1000,
                grid.elapsedMs() / 60_000.0));
        md.append(END).append('\n');
        return md.toString();
    }

    static String command(Config c, List<Cell> cells) {
        String selected = cells.size() == Cell.all().size()
                ? ""
                : " --cells " + String.join(",", cells.stream().map(Cell::spec).toList());
        return "mvn -B -q -o -pl topology test-compile org.codehaus.mojo:exec-maven-plugin:3.6.3:java \\\n"
                + "  -Dexec.mainClass=dev.tollgate.topology.study.StatisticsStudy -Dexec.classpathScope=test \\\n"
                + "  -Dexec.args=\"--grid --rollouts " + c.rollouts() + " --threads " + c.threads() + selected + "\"";
    }

    /**
     * {@code doc} with the grid section {@code section} in place of its previous one, or (the first time) before
     * the set-up of the study, or at the end.
     */
    static String insert(String doc, String section) {
        int from = doc.indexOf(START);
        int to = doc.indexOf(END);
        if (from >= 0 && to > from) {
            int after = to + END.length();
            if (after < doc.length() && doc.charAt(after) == '\n') {
                after++;
            }
            return doc.substring(0, from) + section + doc.substring(after);
        }
        int at = doc.indexOf("## Set-up of the study");
        if (at >= 0) {
            return doc.substring(0, at) + section + "\n" + doc.substring(at);
        }
        return doc + (doc.isEmpty() || doc.endsWith("\n\n") ? "" : doc.endsWith("\n") ? "\n" : "\n\n") + section;
    }

    /** The grid section of an existing document, or null. */
    static String section(String doc) {
        int from = doc.indexOf(START);
        int to = doc.indexOf(END);
        return from >= 0 && to > from ? doc.substring(from, to + END.length()) + "\n" : null;
    }

    private StudyGrid() {}
}
