package dev.tollgate.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argo Rollouts' evaluation of a measurement, for the subset of its expression language the template uses:
 * comparisons {@code result.a.b == literal} / {@code !=} (literal: true, false, a number or a double-quoted
 * string), joined by {@code &&} or {@code ||} (no parentheses). Anything else fails the test, so a template
 * change that this cannot judge is noticed. The phase follows Argo's {@code EvaluateResult}: failure wins; with
 * both conditions false the measurement is Inconclusive.
 */
public final class ArgoConditions {
    private static final Pattern COMPARISON = Pattern.compile(
            "\\s*result((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)\\s*(==|!=)\\s*(true|false|-?[0-9.]+|\"[^\"]*\")\\s*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArgoConditions() {}

    public static String phase(String success, String failure, JsonNode result) {
        boolean s = !success.isBlank() && eval(success, result);
        boolean f = !failure.isBlank() && eval(failure, result);
        if (success.isBlank() && failure.isBlank()) {
            return "Successful";
        }
        if (!success.isBlank() && failure.isBlank()) {
            f = !s;
        } else if (success.isBlank()) {
            s = !f;
        }
        if (f) {
            return "Failed";
        }
        return s ? "Successful" : "Inconclusive";
    }

    static boolean eval(String expr, JsonNode result) {
        for (String or : expr.split("\\|\\|")) {
            boolean all = true;
            for (String and : or.split("&&")) {
                all &= comparison(and, result);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static boolean comparison(String c, JsonNode result) {
        Matcher m = COMPARISON.matcher(c);
        if (!m.matches()) {
            throw new IllegalArgumentException("condition not understood by this check: " + c);
        }
        JsonNode v = result;
        for (String part : m.group(1).substring(1).split("\\.")) {
            v = v.path(part);
        }
        JsonNode literal;
        try {
            literal = JSON.readTree(m.group(3));
        } catch (Exception e) {
            throw new IllegalArgumentException(c, e);
        }
        boolean eq = v.isNumber() && literal.isNumber() ? v.asDouble() == literal.asDouble() : v.equals(literal);
        return m.group(2).equals("==") == eq;
    }
}
