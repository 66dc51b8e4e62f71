package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A record the JSON codec reads by member name is stored on PostgreSQL without a second copy even
 * though its field order is not jsonb's, and still decodes to an equal value on every database;
 * a value that can show the order (a map) keeps its exact bytes.
 */
class KeyOrderTest {
    private static final String PREFIX = "ko_";

    /** Declared out of jsonb's order (shorter keys first): the codec writes name before id. */
    record Address(String street, String zip) {}

    record Player(String name, String id, long score, Address home, List<Address> past) {}

    /** A map keeps its keys in insertion order when decoded: that order must survive. */
    record Tagged(String name, String id, Map<String, Integer> tags) {}

    static final Schema<String, Player> PLAYERS = Schema.of("players", String.class, Player.class).key(Player::id)
            .index("score", Long.class, Player::score).build();
    static final Schema<String, Tagged> TAGGED = Schema.of("tagged", String.class, Tagged.class).key(Tagged::id).build();

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void recordsReadByNameNeedNoRawCopyAndDecodeEqually(String db, TestDatabases.UrlSource opener) throws SQLException {
        String url = ReadableSchemaTest.url(opener, PREFIX);
        Player ann = new Player("ann", "p1", 7, new Address("Main St 1", "75001"), List.of(new Address("Old Rd", "1000")));
        Map<String, Integer> tags = new LinkedHashMap<>();
        tags.put("zeta", 1);
        tags.put("b", 2);
        tags.put("alpha", 3);
        Tagged t = new Tagged("t", "t1", tags);
        try (Depot depot = Depot.open(url)) {
            Records<String, Player> players = depot.records(PLAYERS);
            Records<String, Tagged> tagged = depot.records(TAGGED);
            players.save(ann);
            tagged.save(t);
            assertThat(players.get("p1")).contains(ann);
            assertThat(players.query().where(Q.field("score").ge(0L)).list()).containsExactly(ann);
            Player moved = new Player("ann", "p1", 8, new Address("New St 2", "75002"), List.of());
            players.save(moved);
            assertThat(players.get("p1")).contains(moved);
            assertThat(tagged.get("t1").orElseThrow().tags().keySet()).as("the map's order").containsExactly("zeta", "b", "alpha");
            if (db.equals("postgresql")) {
                assertThat(rawIsNull(url, "ko_c_players")).as("no second copy for a record read by name").isTrue();
                assertThat(rawIsNull(url, "ko_c_tagged")).as("the map's order is kept in raw").isFalse();
            }
        }
    }

    private static boolean rawIsNull(String url, String table) throws SQLException {
        try (Connection c = ReadableSchemaTest.jdbc(url);
                PreparedStatement ps = c.prepareStatement("SELECT raw IS NULL FROM " + table);
                ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getBoolean(1);
        }
    }
}
