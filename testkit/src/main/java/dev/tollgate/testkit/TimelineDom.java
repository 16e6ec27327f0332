package dev.tollgate.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a rendered Tollgate timeline page shows, read from the DOM Chromium dumped after the page's script drew
 * it (the markup the script creates: {@code g.tg-gate[data-gate]} with a {@code line.tg-threshold[data-threshold]},
 * {@code rect.tg-step}, {@code g.tg-decision[data-action]} on the chart and {@code li.tg-decision-item} with its
 * {@code li.tg-reason}s below it).
 *
 * @param releases          the releases drawn ({@code section.tg-release[data-release]}), in page order
 * @param thresholds        per gate drawn, the thresholds of its threshold lines
 * @param gatesWithEstimate gates whose panel has an estimate line
 * @param bands             gates whose panel has a confidence band
 * @param steps             canary percents of the step bars, in page order
 * @param chartDecisions    actions of the decision markers on the chart, in page order
 * @param decisions         the decisions listed below the chart, in page order
 * @param rendered          how many times the script rendered the data ({@code data-rendered})
 */
public record TimelineDom(
        List<String> releases,
        Map<String, List<Double>> thresholds,
        List<String> gatesWithEstimate,
        List<String> bands,
        List<Double> steps,
        List<String> chartDecisions,
        List<Decision> decisions,
        int rendered) {

    /**
     * A listed decision.
     *
     * @param action    e.g. ROLLBACK
     * @param stepIndex the step it decided
     * @param text      the item's text (time, action, step, failing gates), tags removed
     * @param reasons   its reasons, unescaped
     */
    public record Decision(String action, int stepIndex, String text, List<String> reasons) {}

    private static final Pattern GATE = Pattern.compile("<g class=\"tg-gate\" data-gate=\"([^\"]*)\">");
    private static final Pattern THRESHOLD =
            Pattern.compile("<line class=\"tg-threshold\"[^>]*data-threshold=\"([^\"]*)\"");
    private static final Pattern RELEASE = Pattern.compile("<section class=\"tg-release\" data-release=\"([^\"]*)\">");
    private static final Pattern STEP =
            Pattern.compile("<rect class=\"tg-step\"[^>]*data-traffic-percent=\"([^\"]*)\"");
    private static final Pattern CHART_DECISION =
            Pattern.compile("<g class=\"tg-decision [^\"]*\" data-action=\"([^\"]*)\"");
    private static final Pattern ITEM = Pattern.compile(
            "<li class=\"tg-decision-item\" data-action=\"([^\"]*)\" data-step-index=\"(\\d+)\">(.*?)(?=<li class=\"tg-decision-item\"|</ol>)",
            Pattern.DOTALL);
    private static final Pattern REASON = Pattern.compile("<li class=\"tg-reason\">(.*?)</li>", Pattern.DOTALL);
    private static final Pattern RENDERED = Pattern.compile("id=\"tg-root\"[^>]*data-rendered=\"(\\d+)\"");

    /** Reads a dumped DOM. */
    public static TimelineDom parse(String dom) {
        List<String> releases = all(RELEASE, dom);
        Map<String, List<Double>> thresholds = new LinkedHashMap<>();
        List<String> estimates = new ArrayList<>();
        List<String> bands = new ArrayList<>();
        Matcher g = GATE.matcher(dom);
        List<int[]> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (g.find()) {
            spans.add(new int[] {g.start(), g.end()});
            names.add(unescape(g.group(1)));
        }
        for (int i = 0; i < spans.size(); i++) {
            int from = spans.get(i)[1];
            int to = dom.indexOf("</g>", from);
            String body = dom.substring(from, to < 0 ? dom.length() : to);
            List<Double> ts = thresholds.computeIfAbsent(names.get(i), k -> new ArrayList<>());
            all(THRESHOLD, body).forEach(v -> ts.add(Double.parseDouble(v)));
            if (body.contains("class=\"tg-estimate\"")) {
                estimates.add(names.get(i));
            }
            if (body.contains("class=\"tg-band\"")) {
                bands.add(names.get(i));
            }
        }
        List<Double> steps = all(STEP, dom).stream().map(Double::parseDouble).toList();
        List<Decision> decisions = new ArrayList<>();
        Matcher m = ITEM.matcher(dom);
        while (m.find()) {
            String body = m.group(3);
            List<String> reasons =
                    all(REASON, body).stream().map(TimelineDom::unescape).toList();
            int ul = body.indexOf("<ul");
            String head = unescape((ul < 0 ? body : body.substring(0, ul)).replaceAll("<[^>]*>", ""));
            decisions.add(new Decision(m.group(1), Integer.parseInt(m.group(2)), head.trim(), reasons));
        }
        Matcher r = RENDERED.matcher(dom);
        int rendered = r.find() ? Integer.parseInt(r.group(1)) : 0;
        return new TimelineDom(
                releases, thresholds, estimates, bands, steps, all(CHART_DECISION, dom), decisions, rendered);
    }

    private static List<String> all(Pattern p, String s) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(s);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Undoes the HTML escaping of text content. */
    static String unescape(String s) {
        return s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&nbsp;", "\u00a0")
                .replace("&amp;", "&");
    }
}
