package dev.tollgate.app.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The timeline page: one HTML template, one script and one style sheet, vendored in the jar (no CDN, no
 * library: hand-written SVG in plain JavaScript). The service serves the page with the script and style as
 * separate assets and the script polls the JSON of {@link RolloutHistory#toJson(String)}; {@link
 * #selfContained} inlines script, style and data into one file (what {@code tollgate replay --html} writes).
 */
public final class TimelinePage {
    /** Path of the script served by the HTTP API. */
    public static final String SCRIPT_PATH = "/ui/assets/timeline.js";
    /** Path of the style sheet served by the HTTP API. */
    public static final String STYLE_PATH = "/ui/assets/timeline.css";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(TITLE|HEAD|CONFIG|DATA|SCRIPT)}}");
    private static final String TEMPLATE = resource("timeline.html");
    private static final String SCRIPT = resource("timeline.js");
    private static final String STYLE = resource("timeline.css");

    private TimelinePage() {}

    /** The page's script. */
    public static String script() {
        return SCRIPT;
    }

    /** The page's style sheet. */
    public static String style() {
        return STYLE;
    }

    /**
     * The live page of one service, as the HTTP API serves it: it loads {@link #SCRIPT_PATH} and polls the
     * service's history at {@code dataUrl}.
     *
     * @param service the service
     * @param dataUrl where the page polls the service's history JSON
     */
    public static String live(String service, String dataUrl) {
        ObjectNode config = MAPPER.createObjectNode();
        config.put("mode", "live");
        config.put("service", service);
        config.put("dataUrl", dataUrl);
        config.put("pollMs", 2_000);
        return fill(
                "Tollgate timeline: " + service,
                "<link rel=\"stylesheet\" href=\"" + STYLE_PATH + "\">",
                config,
                null,
                "<script src=\"" + SCRIPT_PATH + "\"></script>");
    }

    /**
     * The index of the services with a history ({@link RolloutHistory#index()}), each linking to its page; it
     * reloads itself every 5 s.
     *
     * @param entries the index entries
     * @param base    path of the service pages, e.g. {@code /ui/rollouts}
     */
    public static String index(JsonNode entries, String base) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"refresh\" content=\"5\">\n<title>Tollgate rollouts</title>\n")
                .append("<link rel=\"stylesheet\" href=\"")
                .append(STYLE_PATH)
                .append("\">\n</head>\n<body>\n<header class=\"tg-header\"><h1>Tollgate rollouts</h1>")
                .append("<p class=\"tg-status\">services with results or decisions in the history; reloads every 5 s")
                .append("</p></header>\n<main class=\"tg-root\">\n");
        if (entries.isEmpty()) {
            b.append("<p class=\"tg-empty\">no rollout seen yet</p>\n");
        } else {
            b.append("<table class=\"tg-index\"><thead><tr><th>service</th><th>release</th><th>step</th>")
                    .append("<th>canary</th><th>last decision</th><th>releases kept</th></tr></thead><tbody>\n");
            for (JsonNode e : entries) {
                String service = e.path("service").asText();
                b.append("<tr data-service=\"")
                        .append(html(service))
                        .append("\"><td><a href=\"")
                        .append(html(base + "/"
                                + URLEncoder.encode(service, StandardCharsets.UTF_8)
                                        .replace("+", "%20")))
                        .append("\">")
                        .append(html(service))
                        .append("</a></td><td>")
                        .append(html(e.path("releaseId").asText()))
                        .append("</td><td>")
                        .append(e.has("stepIndex") ? e.path("stepIndex").asText() : "")
                        .append("</td><td>")
                        .append(
                                e.has("trafficPercent")
                                        ? html(e.path("trafficPercent").asText()) + " %"
                                        : "")
                        .append("</td><td>")
                        .append(html(e.path("lastAction").asText("")))
                        .append("</td><td>")
                        .append(e.path("releases").asInt())
                        .append("</td></tr>\n");
            }
            b.append("</tbody></table>\n");
        }
        return b.append("</main>\n</body>\n</html>\n").toString();
    }

    /**
     * The page with the data embedded and script and style inlined: one file that opens without a server.
     *
     * @param title the page's title
     * @param data  the history, {@link RolloutHistory#toJsonAll()} (or one service's {@link
     *              RolloutHistory#toJson(String)})
     */
    public static String selfContained(String title, JsonNode data) {
        ObjectNode config = MAPPER.createObjectNode();
        config.put("mode", "static");
        return fill(
                title,
                "<style>\n" + STYLE + "\n</style>",
                config,
                data,
                "<script>\n" + SCRIPT.replace("</script", "<\\/script") + "\n</script>");
    }

    private static String fill(String title, String head, ObjectNode config, JsonNode data, String script) {
        Map<String, String> values = Map.of(
                "TITLE",
                html(title),
                "HEAD",
                head,
                "CONFIG",
                json(config),
                "DATA",
                data == null ? "null" : json(data),
                "SCRIPT",
                script);
        // one pass, so a placeholder inside the data is never expanded
        Matcher m = PLACEHOLDER.matcher(TEMPLATE);
        StringBuilder b = new StringBuilder(TEMPLATE.length() + script.length() + 4096);
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** JSON safe inside a script element: {@code <} is written as {@code \u003c} (only strings can hold it). */
    static String json(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node).replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    /** Escapes text for HTML element content and attribute values. */
    public static String html(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String resource(String name) {
        try (InputStream in = TimelinePage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("timeline page resource missing from the jar: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read timeline page resource " + name, e);
        }
    }
}
