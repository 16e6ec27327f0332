package dev.tollgate.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tollgate.app.http.HttpApi;
import dev.tollgate.app.http.HttpApi.Request;
import dev.tollgate.app.http.HttpApi.Response;
import dev.tollgate.app.http.RolloutStatusSource;
import dev.tollgate.app.http.StepView;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.BatchPolicy;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.RolloutStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under {@code deploy/} against a schema: Kubernetes kinds through the fabric8 API models (strict:
 * no field the model does not know, no string where a number belongs), Argo Rollouts' AnalysisTemplate and
 * Flagger's Canary through the controllers' own CRD schemas ({@link CrdSchemas}: the {@code openAPIV3Schema} of
 * Argo Rollouts v1.9.1 and Flagger v1.44.0, validated as {@code kubectl --validate=strict} would), their metadata
 * through fabric8's ObjectMeta. Then the controllers' conditions against the JSON {@link StepView} and
 * {@link HttpApi} really return.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = locateDeploy();
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final CrdSchemas CRDS =
            CrdSchemas.load("/crds/argo-rollouts-analysis-template-crd.yaml", "/crds/flagger-crd.yaml");
    private static final Map<String, Class<?>> KUBERNETES_KINDS = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "batch/v1/Job", Job.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

    private static Path locateDeploy() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy/k8s"))) {
                return p.resolve("deploy");
            }
        }
        throw new IllegalStateException("no deploy/ directory above " + dir);
    }

    private static List<Path> files(String... extensions) throws IOException {
        try (Stream<Path> s = Files.walk(DEPLOY)) {
            return s.filter(Files::isRegularFile)
                    .filter(p ->
                            Stream.of(extensions).anyMatch(e -> p.toString().endsWith(e)))
                    .filter(p -> !p.toString().contains("/target/"))
                    .sorted()
                    .toList();
        }
    }

    /** The YAML documents of a file (comment-only documents dropped). */
    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            var it = JSON.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    @Test
    void shouldFindEveryManifestValidAgainstItsSchema() throws Exception {
        // given
        List<Path> yamls = files(".yaml", ".yml");
        List<String> problems = new ArrayList<>();
        List<String> checked = new ArrayList<>();

        // when
        for (Path f : yamls) {
            for (JsonNode doc : documents(f)) {
                String where = DEPLOY.relativize(f) + " " + doc.path("kind").asText("?") + "/"
                        + doc.path("metadata").path("name").asText("?");
                String type =
                        doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
                Class<?> model = KUBERNETES_KINDS.get(type);
                if (model != null) {
                    problems.addAll(strictKubernetes(where, doc, model));
                } else if (CRDS.knows(type)) {
                    problems.addAll(customResource(where, type, doc));
                } else {
                    problems.add(where + ": no schema for " + type);
                }
                checked.add(where);
            }
        }

        // then
        assertThat(checked)
                .as("manifests checked")
                .anyMatch(c -> c.contains("StatefulSet/tollgate"))
                .anyMatch(c -> c.contains("Job/tollgate-create-topics"))
                .anyMatch(c -> c.contains("PodDisruptionBudget/tollgate"))
                .anyMatch(c -> c.contains("AnalysisTemplate/tollgate"))
                .anyMatch(c -> c.contains("Canary/checkout"));
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldRejectUnknownFieldsAndWrongTypes() throws Exception {
        // given: a StatefulSet with a misspelled field and a string replica count, and a CRD with an unknown field
        JsonNode misspelled = YAML.readTree(
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\nspec:\n  replicas: 2\n  template:\n"
                        + "    spec:\n      containers:\n        - name: c\n          securityContex: {}\n");
        JsonNode wrongType = YAML.readTree(
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\n" + "spec:\n  replicas: \"2\"\n");

        // when
        List<String> a = strictKubernetes("a", misspelled, StatefulSet.class);
        List<String> b = strictKubernetes("b", wrongType, StatefulSet.class);

        // then
        assertThat(a).singleElement().asString().contains("securityContex");
        assertThat(b).singleElement().asString().contains("replicas");
    }

    @Test
    void shouldRejectTypodFieldsAndWrongTypesInTheControllersCustomResources() throws Exception {
        // given: the real manifests, each with one mistake of the kind a review misses
        JsonNode canary = documents(DEPLOY.resolve("flagger/canary.yaml")).get(0);
        JsonNode typo = canary.deepCopy();
        ((ObjectNode) typo.path("spec").path("analysis"))
                .set("treshold", typo.path("spec").path("analysis").path("threshold"));
        JsonNode stringThreshold = canary.deepCopy();
        ((ObjectNode) stringThreshold.path("spec").path("analysis")).put("threshold", "3");
        JsonNode hookTypo = canary.deepCopy();
        ((ObjectNode) hookTypo.path("spec").path("analysis").path("webhooks").get(0)).put("retry", 6);
        JsonNode badMetadata = canary.deepCopy();
        ((ObjectNode) badMetadata.path("metadata")).put("namesapce", "prod");
        JsonNode template =
                documents(DEPLOY.resolve("argo/analysis-template.yaml")).get(0);
        JsonNode argoTypo = template.deepCopy();
        ((ObjectNode) argoTypo.path("spec").path("metrics").get(0)).put("consecutiveErrorLimt", 30);
        JsonNode argoWrongType = template.deepCopy();
        ((ObjectNode) argoWrongType
                        .path("spec")
                        .path("metrics")
                        .get(0)
                        .path("provider")
                        .path("web"))
                .put("timeoutSeconds", "10s");

        // when/then: the unchanged manifests pass, each mistake fails and names the field
        String canaryType = "flagger.app/v1beta1/Canary";
        String templateType = "argoproj.io/v1alpha1/AnalysisTemplate";
        assertThat(customResource("ok", canaryType, canary)).isEmpty();
        assertThat(customResource("ok", templateType, template)).isEmpty();
        assertThat(customResource("c", canaryType, typo))
                .singleElement()
                .asString()
                .contains("treshold");
        assertThat(customResource("c", canaryType, stringThreshold))
                .singleElement()
                .asString()
                .contains("threshold", "string found");
        assertThat(customResource("c", canaryType, hookTypo))
                .singleElement()
                .asString()
                .contains("retry");
        assertThat(customResource("c", canaryType, badMetadata))
                .singleElement()
                .asString()
                .contains("namesapce");
        assertThat(customResource("a", templateType, argoTypo))
                .singleElement()
                .asString()
                .contains("consecutiveErrorLimt");
        assertThat(customResource("a", templateType, argoWrongType))
                .singleElement()
                .asString()
                .contains("timeoutSeconds", "string found");
    }

    /** A custom resource against its CRD schema, and its metadata against Kubernetes' ObjectMeta. */
    private static List<String> customResource(String where, String type, JsonNode doc) {
        List<String> out = new ArrayList<>(CRDS.check(where, type, doc));
        if (doc.has("metadata")) {
            out.addAll(strictKubernetes(where + " metadata", doc.path("metadata"), ObjectMeta.class));
        }
        return out;
    }

    @Test
    void shouldParseEveryDashboardAndGiveEveryStatAValueWhenIdle() throws Exception {
        for (Path f : files(".json")) {
            JsonNode d = JSON.readTree(f.toFile());
            for (JsonNode p : d.path("panels")) {
                if (p.path("type").asText().equals("stat")) {
                    assertThat(p.path("fieldConfig")
                                    .path("defaults")
                                    .path("noValue")
                                    .asText())
                            .as("%s panel %s: noValue", f.getFileName(), p.path("title"))
                            .isNotBlank();
                }
                for (JsonNode t : p.path("targets")) {
                    assertThat(t.path("expr").asText())
                            .as("%s", p.path("title"))
                            .isNotBlank();
                }
            }
        }
    }

    // ---- the Argo and Flagger conditions against what Tollgate returns --------------------------------------

    @Test
    void shouldMapTollgateAnswersToTheArgoPhasesTheTemplateIntends() throws Exception {
        // given: the template's metric and Tollgate's API over a promoted step 0 (1 %) of rel-1
        JsonNode metric = argoMetric();
        String success = metric.path("successCondition").asText();
        String failure = metric.path("failureCondition").asText();
        HttpApi api = api(status("AWAITING_STEP", 0, 1.0, decision(Action.PROMOTE, 0)));

        // when: the URL as Argo builds it from the args, for the step Tollgate is at and for the next one
        JsonNode atStep = argoCall(api, metric, Map.of("service", "checkout", "weight", "1"));
        JsonNode nextStep = argoCall(api, metric, Map.of("service", "checkout", "weight", "5"));
        HttpApi failing = api(status("ROLLED_BACK", 0, 1.0, decision(Action.ROLLBACK, 0)));
        JsonNode failed = argoCall(failing, metric, Map.of("service", "checkout", "weight", "1"));

        // then: PASS is Successful, a step not seen yet is Inconclusive (never Successful), FAIL is Failed
        assertThat(ArgoConditions.phase(success, failure, atStep)).isEqualTo("Successful");
        assertThat(ArgoConditions.phase(success, failure, nextStep)).isEqualTo("Inconclusive");
        assertThat(ArgoConditions.phase(success, failure, failed)).isEqualTo("Failed");
        JsonNode unavailable = StepViewJson.unavailable();
        assertThat(ArgoConditions.phase(success, failure, unavailable)).isEqualTo("Inconclusive");
    }

    @Test
    void shouldRouteEveryFlaggerWebhookToTheFlaggerEndpoint() throws Exception {
        // given
        JsonNode canary = documents(DEPLOY.resolve("flagger/canary.yaml")).get(0);
        HttpApi api = api(status("AWAITING_STEP", 0, 1.0, decision(Action.PROMOTE, 0)));
        Set<String> known = Set.of(
                "confirm-rollout",
                "pre-rollout",
                "rollout",
                "confirm-traffic-increase",
                "confirm-promotion",
                "post-rollout",
                "rollback",
                "event");

        // when/then: each webhook's URL is a Flagger route of Tollgate that answers 200 or 412 with a verdict
        for (JsonNode hook : canary.path("spec").path("analysis").path("webhooks")) {
            assertThat(known).contains(hook.path("type").asText());
            java.net.URI uri = java.net.URI.create(hook.path("url").asText());
            String body = "{\"name\":\"checkout\",\"namespace\":\"prod\",\"phase\":\"Progressing\",\"checksum\":\"c1\","
                    + "\"metadata\":" + hook.path("metadata") + "}";
            Response r = api.handle(new Request(
                    "POST",
                    uri.getRawPath(),
                    Request.parseQuery(uri.getRawQuery()),
                    body.getBytes(StandardCharsets.UTF_8)));
            assertThat(r.status()).as(hook.path("name").asText()).isIn(200, 412);
            assertThat(JSON.readTree(r.body()).path("status").asText()).isIn("PASS", "FAIL", "PENDING");
        }
    }

    private static JsonNode argoMetric() throws IOException {
        JsonNode template =
                documents(DEPLOY.resolve("argo/analysis-template.yaml")).get(0);
        return template.path("spec").path("metrics").get(0);
    }

    private static JsonNode argoCall(HttpApi api, JsonNode metric, Map<String, String> args) throws IOException {
        JsonNode template =
                documents(DEPLOY.resolve("argo/analysis-template.yaml")).get(0);
        Map<String, String> all = new LinkedHashMap<>();
        for (JsonNode a : template.path("spec").path("args")) {
            if (a.has("value")) {
                all.put(a.path("name").asText(), a.path("value").asText());
            }
        }
        all.putAll(args);
        String url = metric.path("provider").path("web").path("url").asText();
        Matcher m = Pattern.compile("\\{\\{args\\.([a-z-]+)}}").matcher(url);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = all.get(m.group(1));
            assertThat(v).as("arg %s has a value", m.group(1)).isNotNull();
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        java.net.URI uri = java.net.URI.create(sb.toString());
        Response r = api.handle(new Request("GET", uri.getRawPath(), Request.parseQuery(uri.getRawQuery()), null));
        assertThat(r.status()).as("%s: %s", uri, r.text()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static HttpApi api(RolloutStatus s) {
        RolloutStatusSource src = new RolloutStatusSource() {
            @Override
            public Optional<RolloutStatus> find(String service) {
                return service.equals(s.getService()) ? Optional.of(s) : Optional.empty();
            }

            @Override
            public List<RolloutStatus> all() {
                return List.of(s);
            }
        };
        return new HttpApi(src, () -> "RUNNING", () -> "");
    }

    private static final long STARTED = System.currentTimeMillis() - 60_000;

    private static GateDecision decision(Action action, int step) {
        return GateDecision.newBuilder()
                .setDecisionId("d-" + action + "-" + step)
                .setService("checkout")
                .setReleaseId("rel-1")
                .setStepIndex(step)
                .setTrafficPercent(1.0)
                .setAction(action)
                .setNextTrafficPercent(action == Action.PROMOTE ? 5.0 : 0.0)
                .setFailingGates(action == Action.PROMOTE ? List.of() : List.of("error-rate"))
                .setReasons(List.of("reason"))
                .setFailuresAtStep(action == Action.PROMOTE ? 0 : 1)
                .setBatchPolicy(BatchPolicy.PAUSE_HEAVY)
                .setDecidedAt(STARTED + 30_000)
                .build();
    }

    private static RolloutStatus status(String state, int step, double weight, GateDecision d) {
        return RolloutStatus.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-1")
                .setBaselineRevision("rev-1")
                .setCanaryRevision("rev-2")
                .setPhase(RolloutPhase.STARTED)
                .setState(state)
                .setStepIndex(step)
                .setTrafficPercent(weight)
                .setStepStartedAt(STARTED)
                .setUpdatedAt(STARTED + 30_000)
                .setLatestResults(List.of())
                .setDecisions(List.of(d))
                .build();
    }

    /** JSON of views built without a status. */
    private static final class StepViewJson {
        static JsonNode unavailable() throws IOException {
            RolloutStatusSource down = new RolloutStatusSource() {
                @Override
                public Optional<RolloutStatus> find(String service) {
                    throw new StatusUnavailableException("rebalancing", null);
                }

                @Override
                public List<RolloutStatus> all() {
                    throw new StatusUnavailableException("rebalancing", null);
                }
            };
            Response r = new HttpApi(down, () -> "REBALANCING", () -> "")
                    .handle(new Request("GET", "/api/argo/checkout", Map.of("weight", "5"), null));
            assertThat(r.status()).isEqualTo(200);
            return JSON.readTree(r.body());
        }
    }

    // ---- strict Kubernetes models ----------------------------------------------------------------------------

    /**
     * Problems of a document read as the given fabric8 model: a wrong type fails Jackson (coercion of scalars
     * off); an unknown field lands in a model's {@code additionalProperties} (fabric8 keeps them instead of
     * failing), so every such map in the object graph is a problem.
     */
    static List<String> strictKubernetes(String where, JsonNode doc, Class<?> model) {
        Object parsed;
        try {
            parsed = YAML.treeToValue(doc, model);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            return List.of(
                    where + ": " + e.getOriginalMessage().lines().findFirst().orElse("") + " at "
                            + e.getPath().stream()
                                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                                    .reduce((a, b) -> a + "." + b)
                                    .orElse("."));
        } catch (IOException | IllegalArgumentException e) {
            return List.of(where + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<String> out = new ArrayList<>();
        walk(where, parsed, "", out, new IdentityHashMap<>());
        return out;
    }

    private static void walk(String where, Object o, String path, List<String> out, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(where, e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(where, v, path + "." + k, out, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0
                    || Modifier.isStatic(g.getModifiers())
                    || !g.getName().startsWith("get")
                    || g.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v;
            try {
                v = g.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            String field =
                    Character.toLowerCase(g.getName().charAt(3)) + g.getName().substring(4);
            if (field.equals("additionalProperties") && v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                out.add(where + ": unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "." : path));
            } else if (!field.equals("additionalProperties")) {
                walk(where, v, path + "." + field, out, seen);
            }
        }
    }
}
