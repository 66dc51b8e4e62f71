package dev.depot.jdbc;

import dev.depot.spi.CollectionSpec;
import dev.depot.spi.IndexSpec;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One collection's SQL table and the text of every statement on it, built once when the collection
 * is prepared. Columns: {@code k} (key), {@code ver} (version), {@code s} (stamp: unique to the
 * commit that last wrote the row, see {@link StampBlock}; first-committer-wins checks compare it), the
 * document's columns ({@link DocFormat}) and one column per declared index, in index position order.
 */
final class Table {
    /** IN lists are padded to one of these sizes so only a few statement texts exist per table. */
    private static final int[] IN_SIZES = {1, 4, 16, 64, 256};
    static final int MAX_IN = 256;

    final CollectionSpec spec;
    final String name;
    final Dialect dialect;
    /** The document's columns; they follow k and ver in every select list that reads documents. */
    final DocFormat docs;
    final List<String> columns;
    final boolean hasUnique;
    final QuerySql queries;

    final String selectRecord;
    final String insert;
    final String update;
    /** {@link #update} only if the row is at the version bound last (see {@link DirectWrite}). */
    final String updateAt;
    final String delete;
    final String clearUniques;
    final String countAll;
    final String selectAllKeys;
    final String lockAllKeys;
    final String deleteAll;
    final String[] uniqueHolder;

    /** Number of base columns before the index values: k, ver, s. */
    static final int BASE_FIXED = 3;

    private final String baseColumns;
    private final ConcurrentHashMap<Integer, String> recordsIn = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, String> basesIn = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, String> lockedBasesIn = new ConcurrentHashMap<>();

    Table(CollectionSpec spec, String name, List<String> columns, Dialect dialect) {
        this.spec = spec;
        this.name = name;
        this.columns = List.copyOf(columns);
        this.dialect = dialect;
        this.docs = dialect.docs();
        this.hasUnique = spec.indexes().stream().anyMatch(IndexSpec::unique);
        StringJoiner idx = new StringJoiner("");
        StringJoiner marks = new StringJoiner("");
        StringJoiner sets = new StringJoiner("");
        StringJoiner nulls = new StringJoiner(", ");
        for (int i = 0; i < columns.size(); i++) {
            idx.add(", " + columns.get(i));
            marks.add(", ?");
            sets.add(", " + columns.get(i) + " = ?");
            if (spec.index(i).unique()) {
                nulls.add(columns.get(i) + " = NULL");
            }
        }
        this.baseColumns = "k, ver, s" + idx;
        this.selectRecord = "SELECT k, ver, " + docs.columns() + " FROM " + name + " WHERE k = ?";
        this.insert = "INSERT INTO " + name + " (k, ver, s, " + docs.columns() + idx + ") VALUES (?, ?, ?, " + docs.marks() + marks + ")";
        this.update = "UPDATE " + name + " SET ver = ?, s = ?, " + docs.sets() + sets + " WHERE k = ?";
        this.updateAt = update + " AND ver = ?";
        this.delete = "DELETE FROM " + name + " WHERE k = ?";
        this.clearUniques = hasUnique ? "UPDATE " + name + " SET " + nulls + " WHERE k = ?" : null;
        this.countAll = "SELECT COUNT(*) FROM " + name;
        this.selectAllKeys = "SELECT k, ver FROM " + name + " ORDER BY k";
        this.lockAllKeys = selectAllKeys + dialect.forUpdate();
        this.deleteAll = "DELETE FROM " + name;
        this.uniqueHolder = new String[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            if (spec.index(i).unique()) {
                uniqueHolder[i] = "SELECT k FROM " + name + " WHERE " + columns.get(i) + " = ?";
            }
        }
        this.queries = new QuerySql(this);
    }

    /** Padded size for an IN list of {@code n <= MAX_IN} keys. */
    static int inSize(int n) {
        for (int s : IN_SIZES) {
            if (n <= s) {
                return s;
            }
        }
        throw new IllegalArgumentException("IN list too long: " + n);
    }

    /** {@code SELECT k, ver, <doc columns> ... WHERE k IN (?, ...)} for a padded size. */
    String recordsIn(int size) {
        return recordsIn.computeIfAbsent(size, n -> in("SELECT k, ver, " + docs.columns() + " FROM ", n));
    }

    /** Key, version, stamp and index values, for keys a transaction is about to write. */
    String basesIn(int size) {
        return basesIn.computeIfAbsent(size, n -> in("SELECT " + baseColumns + " FROM ", n));
    }

    /**
     * As {@link #basesIn}, locking the rows until the transaction ends, in key order (so two writers
     * of overlapping keys do not deadlock): the latest committed state, under READ COMMITTED.
     */
    String lockedBasesIn(int size) {
        return lockedBasesIn.computeIfAbsent(size, n -> in("SELECT " + baseColumns + " FROM ", n) + " ORDER BY k" + dialect.forUpdate());
    }

    private String in(String head, int n) {
        return head + name + " WHERE k IN (" + "?, ".repeat(n - 1) + "?)";
    }
}
