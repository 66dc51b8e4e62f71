package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import org.junit.jupiter.api.Test;

/** {@link ShiftedParameters} moves every setter by its offset and refuses anything else. */
class ShiftedParametersTest {

    @Test
    void feedEventsBindAtTheirRowsOffset() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:shifted");
                PreparedStatement ps = c.prepareStatement("SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?")) {
            for (int row = 0; row < 2; row++) {
                // as the numbering statement binds event `row` (bindEvent uses parameters 2..7)
                Feed.bindEvent(new H2Dialect(), ShiftedParameters.of(ps, 6 * row - 1), "c" + row, "k" + row, row, 10 + row,
                        java.time.Instant.ofEpochSecond(100 + row, 1000 + row * 1000), row == 0 ? null : "id1");
            }
            ps.setLong(13, 42);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("c0");
                assertThat(rs.getString(2)).isEqualTo("k0");
                assertThat(rs.getString(3)).as("the operation, by name").isEqualTo(dev.depot.ChangeEvent.Op.values()[0].name());
                assertThat(rs.getLong(4)).isEqualTo(10);
                assertThat(rs.getObject(5, java.time.OffsetDateTime.class).toInstant()).isEqualTo(java.time.Instant.ofEpochSecond(100, 1000));
                assertThat(rs.getString(6)).isNull();
                assertThat(rs.getString(7)).isEqualTo("c1");
                assertThat(rs.getString(12)).isEqualTo("id1");
                assertThat(rs.getLong(13)).isEqualTo(42);
            }
        }
    }

    @Test
    void anythingButASetterIsRefused() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:shifted2");
                PreparedStatement ps = c.prepareStatement("SELECT ?")) {
            PreparedStatement shifted = ShiftedParameters.of(ps, 0);
            shifted.setNull(1, Types.VARCHAR);
            assertThatThrownBy(shifted::executeQuery).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> shifted.setFetchSize(10)).isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
