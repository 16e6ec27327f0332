package dev.tollgate.tools;

import dev.tollgate.app.timeline.RolloutHistory;
import dev.tollgate.app.timeline.TimelinePage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Collects a replay's outputs into a {@link RolloutHistory} and writes the timeline page with them embedded, as
 * one self-contained HTML file (script and style inlined, no server, nothing fetched): the same page and script
 * the service serves at {@code /ui/rollouts/{service}}, showing every service of the replay.
 */
public final class ReplayHtml implements Consumer<SpecificRecord> {
    /** Every rollout of a replay is kept: up to 10,000 services, 1,000 releases each. */
    private static final RolloutHistory.Limits LIMITS = new RolloutHistory.Limits(10_000, 1_000, 2_000);

    private final RolloutHistory history = new RolloutHistory(LIMITS);

    /** Adds one output record of the replay (results, decisions and timeline minutes are used). */
    @Override
    public void accept(SpecificRecord record) {
        history.accept(record);
    }

    /** The services seen so far. */
    public int services() {
        return history.services().size();
    }

    /**
     * Writes the page.
     *
     * @param file   where to
     * @param source what was replayed, for the title
     * @throws IOException when the file cannot be written
     */
    public void write(Path file, String source) throws IOException {
        String page = TimelinePage.selfContained("Tollgate replay: " + source, history.toJsonAll());
        Files.writeString(file, page, StandardCharsets.UTF_8);
    }
}
