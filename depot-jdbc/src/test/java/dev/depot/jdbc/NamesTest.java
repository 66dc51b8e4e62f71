package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Identifier derivation: plain names stay what they always were, shortened ones can never meet a plain one. */
class NamesTest {
    private static String crc(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    @Test
    void namesThatFitKeepTheNamesExistingTablesHave() {
        assertThat(Names.table("depot_", "players")).isEqualTo("depot_c_players");
        String longest = "p".repeat(60 - "depot_c_".length());
        assertThat(Names.table("depot_", longest)).isEqualTo("depot_c_" + longest);
        assertThat(Names.column("score")).isEqualTo("x_score");
        assertThat(Names.column("a_d3d99e8b")).isEqualTo("x_a_d3d99e8b");
        assertThat(Names.legacyIndex("depot_", "depot_c_players", "x_score"))
                .isEqualTo("depot_i_" + crc("depot_c_players.x_score"));
    }

    @Test
    void aShortenedTableNameIsNeverTheFullNameOfAnotherCollection() {
        String a = "orders_of_customers_in_the_northern_region_by_quarter_and_year";
        for (int p = 1; p <= 20; p++) {
            String prefix = "p".repeat(p);
            // Under the first scheme this name was exactly a's shortened table name.
            String b = a.substring(0, 49 - p) + "_" + crc(a);
            assertThat(Names.table(prefix, a)).as("prefix of %d", p).isNotEqualTo(Names.table(prefix, b));
            assertThat(Names.table(prefix, a)).hasSize(Names.SHORTENED).matches("[a-z0-9_]+");
            assertThat(Names.table(prefix, b)).hasSizeLessThanOrEqualTo(Names.MAX_PLAIN);
        }
    }

    @Test
    void everyTableNameFitsPostgresAndTheLongestCollectionNamesStayApart() {
        String prefix = "p".repeat(20);
        String head = "c".repeat(62);
        assertThat(Names.table(prefix, head + "1")).hasSizeLessThanOrEqualTo(63).isNotEqualTo(Names.table(prefix, head + "2"));
    }

    @Test
    void anIndexColumnThatNeedsAHashNeverMeetsAPlainOne() {
        assertThat(Names.column("A")).startsWith("x__").isNotEqualTo(Names.column("a_d3d99e8b")).isNotEqualTo(Names.column("a"));
        assertThat(Names.column("Score")).isNotEqualTo(Names.column("SCORE")).isNotEqualTo(Names.column("score"));
        String longName = "v".repeat(63);
        assertThat(Names.column(longName)).hasSizeLessThanOrEqualTo(63).isNotEqualTo(Names.column("v".repeat(62) + "w"));
        assertThat(Names.hashedColumn("a_d3d99e8b")).startsWith("x__").isNotEqualTo(Names.column("a_d3d99e8b"));
    }

    @Test
    void spareColumnsFitAndMeetNoHashedOrPlainColumn() {
        String longName = "v".repeat(63);
        for (int n = 2; n <= 20; n++) {
            String spare = Names.spareColumn(longName, n);
            assertThat(spare).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9_]+")
                    .isNotEqualTo(Names.hashedColumn(longName)).isNotEqualTo(Names.column(longName));
            // A hashed column ends in 16 hex digits after its last underscore; a spare one never does.
            assertThat(Names.hashedColumn(spare)).isNotEqualTo(spare);
            assertThat(spare.substring(spare.lastIndexOf('_') + 1)).isEqualTo(Integer.toString(n));
        }
        assertThat(Names.spareColumn("v", 2)).isNotEqualTo(Names.spareColumn("v", 3)).isNotEqualTo(Names.spareColumn("w", 2));
        assertThatThrownBy(() -> Names.spareColumn("v", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sqlIndexNamesDifferFromTheLegacyOnesAndFit() {
        String index = Names.index("p".repeat(20), "t", "x_v");
        assertThat(index).hasSizeLessThanOrEqualTo(63).isNotEqualTo(Names.legacyIndex("p".repeat(20), "t", "x_v"));
    }
}
