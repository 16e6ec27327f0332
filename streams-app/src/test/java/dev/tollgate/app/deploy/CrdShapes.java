package dev.tollgate.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hand-written structural schemas of the two CRDs the manifests use: Argo Rollouts' {@code AnalysisTemplate}
 * ({@code argoproj.io/v1alpha1}) and Flagger's {@code Canary} ({@code flagger.app/v1beta1}). Their OpenAPI
 * schemas ship only in the controllers' Helm charts and Git repositories, not on Maven Central, so this lists
 * the fields (names and types, from the CRDs' published schemas) of the parts these manifests use, and rejects
 * anything else: an unknown or misspelled field, a string where an integer or a duration belongs. Fields of the
 * CRDs that Tollgate's manifests do not use are not listed (adding one means adding it here).
 */
final class CrdShapes {
    private CrdShapes() {}

    /** A schema node. */
    interface Shape {
        void check(String path, JsonNode n, List<String> out);
    }

    private static final Pattern DURATION = Pattern.compile("\\d+(ms|s|m|h)");

    static final Shape STRING = (p, n, out) -> {
        if (!n.isTextual()) {
            out.add(p + ": expected a string, got " + n.getNodeType());
        }
    };
    static final Shape INT = (p, n, out) -> {
        if (!n.isIntegralNumber()) {
            out.add(p + ": expected an integer, got " + n.getNodeType() + " " + n);
        }
    };
    static final Shape BOOL = (p, n, out) -> {
        if (!n.isBoolean()) {
            out.add(p + ": expected a boolean, got " + n.getNodeType());
        }
    };
    /** Argo/Flagger duration strings ("30s", "1m"). */
    static final Shape DURATION_STRING = (p, n, out) -> {
        if (!n.isTextual() || !DURATION.matcher(n.asText()).matches()) {
            out.add(p + ": expected a duration such as 30s or 1m, got " + n);
        }
    };
    /** Argo's intstr fields (count, failureLimit, ...): an integer or a string with an {{args}} reference. */
    static final Shape INT_OR_ARG = (p, n, out) -> {
        if (!n.isIntegralNumber() && !(n.isTextual() && n.asText().contains("{{"))) {
            out.add(p + ": expected an integer (or an {{args.x}} reference), got " + n);
        }
    };

    static final Shape STRING_MAP = (p, n, out) -> {
        if (!n.isObject()) {
            out.add(p + ": expected a map of strings");
            return;
        }
        n.fields().forEachRemaining(f -> STRING.check(p + "." + f.getKey(), f.getValue(), out));
    };

    static Shape list(Shape item) {
        return (p, n, out) -> {
            if (!n.isArray()) {
                out.add(p + ": expected a list, got " + n.getNodeType());
                return;
            }
            for (int i = 0; i < n.size(); i++) {
                item.check(p + "[" + i + "]", n.get(i), out);
            }
        };
    }

    static Shape oneOf(String... values) {
        return (p, n, out) -> {
            if (!n.isTextual() || !List.of(values).contains(n.asText())) {
                out.add(p + ": expected one of " + List.of(values) + ", got " + n);
            }
        };
    }

    /** An object with these fields only; names ending in "!" are required. */
    static Shape object(Object... nameShape) {
        Map<String, Shape> fields = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (int i = 0; i < nameShape.length; i += 2) {
            String name = (String) nameShape[i];
            if (name.endsWith("!")) {
                name = name.substring(0, name.length() - 1);
                required.add(name);
            }
            fields.put(name, (Shape) nameShape[i + 1]);
        }
        return (p, n, out) -> {
            if (!n.isObject()) {
                out.add(p + ": expected an object, got " + n.getNodeType());
                return;
            }
            for (String r : required) {
                if (!n.has(r)) {
                    out.add(p + ": missing required field " + r);
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                Shape s = fields.get(f.getKey());
                if (s == null) {
                    out.add(p + ": unknown field " + f.getKey());
                } else {
                    s.check(p + "." + f.getKey(), f.getValue(), out);
                }
            }
        };
    }

    private static final Shape METADATA =
            object("name!", STRING, "namespace", STRING, "labels", STRING_MAP, "annotations", STRING_MAP);

    /** Argo Rollouts AnalysisTemplate (argoproj.io/v1alpha1): spec.args, spec.metrics[] with the web provider. */
    static final Shape ANALYSIS_TEMPLATE = object(
            "apiVersion!", STRING,
            "kind!", STRING,
            "metadata!", METADATA,
            "spec!",
                    object(
                            "args",
                                    list(object(
                                            "name!", STRING,
                                            "value", STRING,
                                            "valueFrom",
                                                    object(
                                                            "podTemplateHashValue", oneOf("Stable", "Latest"),
                                                            "fieldRef", object("fieldPath!", STRING)))),
                            "dryRun", list(object("metricName!", STRING)),
                            "metrics!",
                                    list(object(
                                            "name!", STRING,
                                            "interval", DURATION_STRING,
                                            "initialDelay", DURATION_STRING,
                                            "count", INT_OR_ARG,
                                            "successCondition", STRING,
                                            "failureCondition", STRING,
                                            "failureLimit", INT_OR_ARG,
                                            "inconclusiveLimit", INT_OR_ARG,
                                            "consecutiveErrorLimit", INT_OR_ARG,
                                            "consecutiveSuccessLimit", INT_OR_ARG,
                                            "provider!",
                                                    object(
                                                            "web",
                                                            object(
                                                                    "url!", STRING,
                                                                    "method", oneOf("GET", "POST", "PUT"),
                                                                    "headers",
                                                                            list(object(
                                                                                    "key!", STRING, "value!", STRING)),
                                                                    "body", STRING,
                                                                    "timeoutSeconds", INT,
                                                                    "jsonPath", STRING,
                                                                    "insecure", BOOL,
                                                                    "authentication", object()))))));

    /** Flagger Canary (flagger.app/v1beta1): targetRef, service, analysis with webhooks. */
    static final Shape CANARY = object(
            "apiVersion!", STRING,
            "kind!", STRING,
            "metadata!", METADATA,
            "spec!",
                    object(
                            "provider", STRING,
                            "targetRef!", object("apiVersion!", STRING, "kind!", STRING, "name!", STRING),
                            "autoscalerRef", object("apiVersion!", STRING, "kind!", STRING, "name!", STRING),
                            "progressDeadlineSeconds", INT,
                            "service!",
                                    object(
                                            "port!", INT,
                                            "targetPort",
                                                    (Shape) (p, n, out) -> {
                                                        if (!n.isIntegralNumber() && !n.isTextual()) {
                                                            out.add(p + ": expected an int or a name");
                                                        }
                                                    },
                                            "portName", STRING,
                                            "name", STRING),
                            "skipAnalysis", BOOL,
                            "analysis!",
                                    object(
                                            "interval!", DURATION_STRING,
                                            "threshold!", INT,
                                            "maxWeight", INT,
                                            "stepWeight", INT,
                                            "stepWeights", list(INT),
                                            "stepWeightPromotion", INT,
                                            "iterations", INT,
                                            "webhooks",
                                                    list(object(
                                                            "name!", STRING,
                                                            "type",
                                                                    oneOf(
                                                                            "confirm-rollout",
                                                                            "pre-rollout",
                                                                            "rollout",
                                                                            "confirm-traffic-increase",
                                                                            "confirm-promotion",
                                                                            "post-rollout",
                                                                            "rollback",
                                                                            "event"),
                                                            "url!", STRING,
                                                            "timeout", DURATION_STRING,
                                                            "muteAlert", BOOL,
                                                            "retries", INT,
                                                            "metadata", STRING_MAP)))));

    /** A schema per apiVersion/kind. */
    static final Map<String, Checker> ALL = Map.of(
            "argoproj.io/v1alpha1/AnalysisTemplate", (w, d) -> run(ANALYSIS_TEMPLATE, w, d),
            "flagger.app/v1beta1/Canary", (w, d) -> run(CANARY, w, d));

    /** Checks one document. */
    interface Checker {
        List<String> check(String where, JsonNode doc);
    }

    private static List<String> run(Shape s, String where, JsonNode doc) {
        List<String> out = new ArrayList<>();
        s.check(where + " ", doc, out);
        return out;
    }
}
