package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Schema;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link JdbcDepots#ddl} (what {@code depot schema --print} prints) gives the readable layout, without connecting. */
class DdlScriptLayoutTest {
    record Player(UUID id, String name, long score) {}

    static final Schema<UUID, Player> PLAYERS = Schema.of("players", UUID.class, Player.class).key(Player::id)
            .index("score", Long.class, Player::score).uniqueIndex("name", String.class, Player::name).build();

    @Test
    void postgresGetsJsonbUuidKeysReadableIndexesAndComments() {
        List<String> ddl = JdbcDepots.ddl("postgresql://h/d?tablePrefix=app_", PLAYERS);
        String table = ddl.stream().filter(s -> s.startsWith("CREATE TABLE IF NOT EXISTS app_c_players")).findFirst().orElseThrow();
        assertThat(table).contains("k UUID NOT NULL PRIMARY KEY", "doc JSONB", "raw BYTEA", "CHECK (doc IS NOT NULL OR raw IS NOT NULL)");
        assertThat(ddl).contains("CREATE INDEX IF NOT EXISTS app_players_score_idx ON app_c_players (x_score NULLS FIRST, k)",
                "CREATE UNIQUE INDEX IF NOT EXISTS app_players_name_idx ON app_c_players (x_name)");
        assertThat(ddl).anyMatch(s -> s.startsWith("COMMENT ON TABLE app_c_players IS 'Depot collection ''players'':"))
                .anyMatch(s -> s.startsWith("COMMENT ON COLUMN app_c_players.raw IS"))
                .anyMatch(s -> s.startsWith("COMMENT ON TABLE app_changes IS"));
        assertThat(ddl).anyMatch(s -> s.contains("app_changes") && s.contains("op VARCHAR(6) NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE'))"));
    }

    @Test
    void mariaDbGetsJsonAndInlineComments() {
        List<String> ddl = JdbcDepots.ddl("mariadb://h/d?tablePrefix=app_", PLAYERS);
        String table = ddl.stream().filter(s -> s.startsWith("CREATE TABLE IF NOT EXISTS app_c_players")).findFirst().orElseThrow();
        assertThat(table).contains("k VARCHAR(36) NOT NULL PRIMARY KEY COMMENT 'The record key (UUID).'", "doc JSON COMMENT",
                "raw LONGBLOB COMMENT", " COMMENT='Depot collection ''players''");
        assertThat(ddl).contains("CREATE INDEX IF NOT EXISTS app_players_score_idx ON app_c_players (x_score, k)");
    }

    @Test
    void readableIndexNamesFitAndEndInIdx() {
        String name = Names.readableIndex("p".repeat(20), "c".repeat(60), "i".repeat(60));
        assertThat(name).hasSize(Names.SHORTENED).endsWith("_idx").startsWith("p".repeat(20) + "c");
        assertThat(Names.readableIndex("p".repeat(20), "c".repeat(60), "i".repeat(59) + "j")).hasSize(63).isNotEqualTo(name);
        assertThat(Names.readableIndex("depot_", "players", "Score_Value")).isEqualTo("depot_players_score_value_idx");
    }
}
