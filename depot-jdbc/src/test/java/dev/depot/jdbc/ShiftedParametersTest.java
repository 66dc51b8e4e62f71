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
                PreparedStatement ps = c.prepareStatement("SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?")) {
            for (int row = 0; row < 2; row++) {
                // as the numbering statement binds event `row` (bindEvent uses parameters 2..8)
                Feed.bindEvent(ShiftedParameters.of(ps, 7 * row - 1), "c" + row, "k" + row, row, 10 + row, 100 + row, 1000 + row,
                        row == 0 ? null : "id1");
            }
            ps.setLong(15, 42);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("c0");
                assertThat(rs.getString(2)).isEqualTo("k0");
                assertThat(rs.getString(3)).as("the operation, by name").isEqualTo(dev.depot.ChangeEvent.Op.values()[0].name());
                assertThat(rs.getLong(4)).isEqualTo(10);
                assertThat(rs.getLong(5)).isEqualTo(100);
                assertThat(rs.getInt(6)).isEqualTo(1000);
                assertThat(rs.getString(7)).isNull();
                assertThat(rs.getString(8)).isEqualTo("c1");
                assertThat(rs.getString(14)).isEqualTo("id1");
                assertThat(rs.getLong(15)).isEqualTo(42);
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
