package dev.tollgate.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The group cache of {@link StringTable}: an answer only for exactly the bytes that were put. */
class StringTableTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswerAGroupForTheSameBytesAtAnyOffset() {
        // given a group put from one payload
        StringTable table = new StringTable(16);
        byte[] first = bytes("xx|checkout|rel-1|rev-2|yy");
        String[] values = {"checkout", "rel-1", "rev-2"};
        table.putGroup(first, 3, 21, values);

        // when the same bytes come at another offset of another payload
        byte[] second = bytes("-----checkout|rel-1|rev-2|zz");

        // then the same values, the same instance
        assertThat(table.group(second, 5, 21)).isSameAs(values);
    }

    @Test
    void shouldNotAnswerForOtherBytesEvenInTheSameSlot() {
        // given a table of one slot holding a group
        StringTable table = new StringTable(1);
        table.putGroup(bytes("checkout|rel-1|rev-2"), 0, 20, new String[] {"checkout", "rel-1", "rev-2"});

        // when other bytes of the same length, other bytes sharing the first and last eight, or a prefix are asked
        // then no answer
        assertThat(table.group(bytes("checkout|rel-1|rev-3"), 0, 20)).isNull();
        assertThat(table.group(bytes("checkoutXrel-1|rev-2"), 0, 20)).isNull();
        assertThat(table.group(bytes("checkout|rel-1|rev-2"), 0, 19)).isNull();
    }

    @Test
    void shouldNotKeepGroupsLongerThanTheLimit() {
        // given a run of bytes one longer than the limit
        StringTable table = new StringTable(16);
        byte[] longRun = bytes("a".repeat(StringTable.MAX_GROUP_LENGTH + 1));

        // when put
        table.putGroup(longRun, 0, longRun.length, new String[] {"a"});

        // then it is not answered (such groups are decoded field by field)
        assertThat(table.group(longRun, 0, longRun.length)).isNull();
    }
}
