package dev.depot.jdbc;

import dev.depot.spi.StoredRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Point reads of one table on a given connection: records, bases, unique-value holders. */
final class Reads {
    private Reads() {}

    static StoredRecord record(Connection c, Table t, Object key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(t.selectRecord)) {
            t.dialect.bindKey(ps, 1, t.spec.keyType(), key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? StoredRecord.of(key, rs.getLong(2), t.docs.read(rs, 3)) : null;
            }
        }
    }

    /** The records of the keys that exist (keys must be distinct). */
    static List<StoredRecord> records(Connection c, Table t, List<Object> keys) throws SQLException {
        List<StoredRecord> out = new ArrayList<>(keys.size());
        inChunks(c, t, keys, Kind.RECORDS, rs -> out.add(StoredRecord.of(key(rs, t), rs.getLong(2), t.docs.read(rs, 3))));
        return out;
    }

    /** Bases of distinct keys; absent keys get {@link Base#absent}. */
    static List<Base> bases(Connection c, Table t, List<Object> keys) throws SQLException {
        return bases(c, t, keys, false);
    }

    /**
     * Bases of distinct keys; with {@code lock}, the rows are locked until the transaction ends (in
     * key order within each IN list) and read in their latest committed state.
     */
    static List<Base> bases(Connection c, Table t, List<Object> keys, boolean lock) throws SQLException {
        Map<Object, Base> found = new HashMap<>();
        inChunks(c, t, keys, lock ? Kind.LOCKED_BASES : Kind.BASES, rs -> {
            Base b = base(rs, t);
            found.put(b.key(), b);
        });
        List<Base> out = new ArrayList<>(keys.size());
        for (Object k : keys) {
            Base b = found.get(k);
            out.add(b != null ? b : Base.absent(k));
        }
        return out;
    }

    /** Keys holding {@code value} in unique index {@code index} (at most one in committed data). */
    static List<Object> uniqueHolders(Connection c, Table t, int index, Object value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(t.uniqueHolder[index])) {
            t.dialect.bindValue(ps, 1, t.spec.index(index).type(), value);
            List<Object> out = new ArrayList<>(1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(t.dialect.readKey(rs, 1, t.spec.keyType()));
                }
            }
            return out;
        }
    }

    private enum Kind { RECORDS, BASES, LOCKED_BASES }

    private static void inChunks(Connection c, Table t, List<Object> keys, Kind kind, RowConsumer each)
            throws SQLException {
        for (int from = 0; from < keys.size(); from += Table.MAX_IN) {
            List<Object> chunk = keys.subList(from, Math.min(keys.size(), from + Table.MAX_IN));
            int size = Table.inSize(chunk.size());
            String sql = switch (kind) {
                case RECORDS -> t.recordsIn(size);
                case BASES -> t.basesIn(size);
                case LOCKED_BASES -> t.lockedBasesIn(size);
            };
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < size; i++) {
                    // Padding repeats the last key: IN ignores duplicates.
                    t.dialect.bindKey(ps, i + 1, t.spec.keyType(), chunk.get(Math.min(i, chunk.size() - 1)));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        each.accept(rs);
                    }
                }
            }
        }
    }

    private static Base base(ResultSet rs, Table t) throws SQLException {
        Object[] values = new Object[t.columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = t.dialect.readValue(rs, Table.BASE_FIXED + 1 + i, t.spec.index(i).type());
        }
        return new Base(key(rs, t), true, rs.getLong(2), rs.getLong(3), values);
    }

    static Object key(ResultSet rs, Table t) throws SQLException {
        return t.dialect.readKey(rs, 1, t.spec.keyType());
    }

}
