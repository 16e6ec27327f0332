package dev.tollgate.app.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class TimelinePageTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void shouldEmbedDataThatCannotCloseTheScriptOrExpandAPlaceholder() throws Exception {
        // given a service name that tries to end the data block, and one that names a placeholder
        ObjectNode data = MAPPER.createObjectNode();
        data.putArray("services").addObject().put("service", "</script><script>alert(1)</script>{{SCRIPT}}");

        // when
        String page = TimelinePage.selfContained("t <b>", data);

        // then the data stays one JSON text, with nothing to close the element and the placeholder left as is
        int start = page.indexOf("<script id=\"tg-data\" type=\"application/json\">")
                + "<script id=\"tg-data\" type=\"application/json\">".length();
        String json = page.substring(start, page.indexOf("</script>", start));
        assertThat(MAPPER.readTree(json)).isEqualTo(data);
        assertThat(json).doesNotContain("<").contains("{{SCRIPT}}");
        assertThat(page).contains("<title>t &lt;b&gt;</title>").doesNotContain("<script src=");
        assertThat(page).contains(TimelinePage.script().substring(0, 40));
    }

    @Test
    void shouldLoadTheScriptAndPollTheServiceDataOnTheLivePage() {
        // when
        String page = TimelinePage.live("check out", "/api/timeline/check%20out");

        // then
        assertThat(page)
                .contains("<script src=\"/ui/assets/timeline.js\"></script>")
                .contains("<link rel=\"stylesheet\" href=\"/ui/assets/timeline.css\">")
                .contains("\"dataUrl\":\"/api/timeline/check%20out\"")
                .contains("\"mode\":\"live\"");
    }
}
