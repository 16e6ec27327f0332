package dev.tollgate.app.http;

import static dev.tollgate.app.http.Fixtures.result;
import static dev.tollgate.app.http.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.cli.TollgateCli;
import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.gates.Gate;
import dev.tollgate.topology.gates.GateIds;
import dev.tollgate.topology.gates.Gates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The gate registry is the one list of gates: the ids in {@link GateIds}, the configuration keys, {@code tollgate
 * config}, the Argo/Flagger step view and the README's gate table all agree with it, gate by gate.
 */
class GateRegistryTest {
    @Test
    void shouldListEveryGateIdConstantInTheRegistryInReportOrder() throws IllegalAccessException {
        // given the id constants of the contract
        List<String> constants = new ArrayList<>();
        for (var f : GateIds.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                constants.add((String) f.get(null));
            }
        }

        // then the registry has exactly these gates, in the declared (report) order, each described
        assertThat(Gates.ids()).containsExactlyElementsOf(constants);
        for (Gate g : Gates.all()) {
            assertThat(g.description()).as(g.id()).isNotBlank();
            assertThat(g.defaultThreshold()).as(g.id()).isNotNegative();
        }
    }

    @Test
    void shouldDefineConfigKeysForEveryGateAndListThemInTollgateConfig() {
        // given the configuration definition and the output of `tollgate config`
        var keys = TollgateConfig.configDef().names();
        StringWriter out = new StringWriter();
        TollgateCli.commandLine().setOut(new PrintWriter(out)).execute("config");

        // then each gate has its three keys, with its default threshold in the doc, and the command lists them
        assertThat(TollgateConfig.GATE_IDS).containsExactlyElementsOf(Gates.ids());
        for (Gate g : Gates.all()) {
            for (String setting : List.of("enabled", "threshold", "dry.run")) {
                String key = "policy.default.gate." + g.id() + "." + setting;
                assertThat(keys).as(key).contains(key);
                assertThat(out.toString()).as("tollgate config lists %s", key).contains(key);
            }
            assertThat(TollgateConfig.configDef()
                            .configKeys()
                            .get("policy.default.gate." + g.id() + ".threshold")
                            .documentation)
                    .contains(String.valueOf(g.defaultThreshold()));
        }
    }

    @Test
    void shouldHoldInTheStepViewExactlyForTheGatesWhoseFailureHolds() {
        for (Gate g : Gates.all()) {
            // given a step where only this gate fails
            StepView v = StepView.of(status("ACTIVE", List.of(result(g.id(), Verdict.FAIL)), List.of()));

            // then Argo and Flagger see PENDING for a gate that holds (warm-capacity, schema-pins,
            // sticky-routing), and FAIL for one that rolls back, as the engine decides
            assertThat(v.status())
                    .as(g.id())
                    .isEqualTo(g.holdsOnFail() ? StepView.Status.PENDING : StepView.Status.FAIL);
        }
        assertThat(Gates.holdsOnFail(GateIds.WARM_CAPACITY)).isTrue();
    }

    @Test
    void shouldDescribeEveryGateInTheReadmeTableInRegistryOrder() throws IOException {
        // given the README's gate table
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("| gate | evidence | on FAIL |");
        assertThat(start).as("README has the gate table").isNotNegative();
        String table = readme.substring(start, readme.indexOf("\n\n", start));
        List<String> ids = new ArrayList<>();
        List<String> onFail = new ArrayList<>();
        Matcher m = Pattern.compile("^\\| `([a-z0-9-]+)` \\| [^|]+ \\| (hold|roll back) \\|", Pattern.MULTILINE)
                .matcher(table);
        while (m.find()) {
            ids.add(m.group(1));
            onFail.add(m.group(2));
        }

        // then it lists every gate once, in order, with what its failure does
        assertThat(ids).containsExactlyElementsOf(Gates.ids());
        for (int i = 0; i < ids.size(); i++) {
            Gate g = Gates.byId(ids.get(i)).orElseThrow();
            assertThat(onFail.get(i)).as(g.id()).isEqualTo(g.holdsOnFail() ? "hold" : "roll back");
        }
    }
}
