package dev.depot.jdbc;

import dev.depot.spi.CollectionSpec;
import dev.depot.spi.Conflicts;
import dev.depot.spi.IndexSpec;
import dev.depot.spi.Reindexer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a collection's table, or brings an existing one in line with the declared indexes: drops
 * the columns of indexes no longer declared, adds columns for new ones and backfills them by
 * decoding every stored document with the schema's {@link Reindexer}. A new unique index is checked
 * against the existing data before anything changes. Runs inside the caller's write transaction; on
 * PostgreSQL and SQLite DDL is transactional, so an evolution is all-or-nothing there.
 */
final class SchemaEvolution {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaEvolution.class);
    private static final int PAGE = 500;
    private static final int PROGRESS_EVERY = 10_000;
    /** Spare columns one index name may take for its kept declarations (see {@link Names#spareColumn}). */
    private static final int MAX_SPARE_COLUMNS = 20;

    private final Dialect d;
    private final String prefix;
    private final Registry registry;

    /**
     * Told of each collection table about to be altered, before the ALTER: H2 copies the table, and a
     * snapshot older than the copy must not read it ({@link SchemaChangeGate}).
     */
    private final java.util.function.Consumer<String> rebuilding;

    SchemaEvolution(Dialect d, String prefix, Registry registry, java.util.function.Consumer<String> rebuilding) {
        this.rebuilding = rebuilding;
        this.d = d;
        this.prefix = prefix;
        this.registry = registry;
    }

    /** Creates the table {@code table} (checked by the caller to belong to no other collection). */
    Registry.Entry create(Connection c, CollectionSpec spec, String table) throws SQLException {
        Set<String> taken = taken(c);
        taken.add(table);
        Registry.Entry e = entry(spec, table, taken);
        for (String sql : createStatements(e, spec)) {
            Dialect.execute(c, sql);
        }
        registry.insert(c, e);
        return e;
    }

    /**
     * The registry entry of a new table for {@code spec}; its SQL indexes get readable names none of
     * the {@code taken} names has (which it extends with them).
     */
    Registry.Entry entry(CollectionSpec spec, String table, Set<String> taken) {
        List<String> columns = new ArrayList<>();
        spec.indexes().forEach(i -> columns.add(null));
        assignColumns(spec, columns);
        List<String> sqlIndexes = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            sqlIndexes.add(sqlIndex(spec, i, table, columns.get(i), taken));
        }
        return new Registry.Entry(spec.name(), spec.keyType(), table, spec.indexes(), columns, sqlIndexes);
    }

    /**
     * The name of a new SQL index: the readable {@link Names#readableIndex}, unless a table or index
     * Depot made already has it (readable names can meet), then the injective {@link Names#index}.
     */
    private String sqlIndex(CollectionSpec spec, int i, String table, String column, Set<String> taken) {
        String name = Names.readableIndex(prefix, spec.name(), spec.index(i).name());
        if (!taken.add(name)) {
            name = Names.index(prefix, table, column);
            taken.add(name);
        }
        return name;
    }

    /** Every table and SQL index name of the registry's collections. */
    Set<String> taken(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        for (Registry.Entry e : registry.all(c).values()) {
            out.add(e.table());
            out.addAll(e.sqlIndexes());
        }
        return out;
    }

    /** The DDL of a new table: the table, its comments, then one SQL index per declared index. */
    List<String> createStatements(Registry.Entry e, CollectionSpec spec) {
        List<String> out = new ArrayList<>();
        Map<String, String> comments = TableComments.baseColumns(spec.keyType());
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(e.table()).append(" (k ")
                .append(d.keyType(spec.keyType())).append(" NOT NULL PRIMARY KEY").append(d.columnComment(comments.get("k")))
                .append(", ver BIGINT NOT NULL").append(d.columnComment(comments.get("ver")))
                .append(", s BIGINT NOT NULL").append(d.columnComment(comments.get("s")))
                .append(", ").append(d.docs().definitions(d));
        comments.putAll(d.docs().comments());
        for (int i = 0; i < e.columns().size(); i++) {
            String text = TableComments.index(spec.index(i));
            comments.put(e.columns().get(i), text);
            ddl.append(", ").append(e.columns().get(i)).append(' ').append(d.columnType(spec.index(i).type()))
                    .append(d.columnComment(text));
        }
        String tableText = TableComments.collection(spec.name());
        out.add(ddl.append(")").append(d.tableOptions()).append(d.tableComment(tableText)).toString());
        out.addAll(d.commentStatements(e.table(), tableText, comments));
        for (int i = 0; i < e.columns().size(); i++) {
            out.add(createIndexSql(e.table(), e.columns().get(i), e.sqlIndexes().get(i), spec.index(i)));
        }
        return out;
    }

    /**
     * The statements that bring {@code table}, made by an earlier Depot, to this layout (see
     * {@link DocFormat#upgradeFromBytes}); none if it has it. Read from the database's catalog.
     */
    List<String> upgradeStatements(Connection c, Registry.Entry stored) throws SQLException {
        String table = stored.table();
        Map<String, String> columns = columns(c, table);
        if (columns.isEmpty()) {
            return List.of(); // no such table: the catalog check says so
        }
        List<String> out = new ArrayList<>(d.keyUpgrade(table, stored.keyType(), columns.getOrDefault("k", "")));
        for (int i = 0; i < stored.indexes().size(); i++) {
            String column = stored.columns().get(i);
            if (columns.containsKey(column)) {
                out.addAll(d.indexUpgrade(table, column, stored.indexes().get(i).type(), columns.get(column)));
            }
        }
        if (documentsAsBytes(columns)) {
            out.addAll(d.docs().upgradeFromBytes(table, d));
        }
        return out;
    }

    /** Whether a table's documents are in the first layout's one binary column while this dialect's format has more. */
    private boolean documentsAsBytes(Map<String, String> columns) {
        return d.docs().width() > 1 && !columns.containsKey("raw");
    }

    /**
     * With {@code ddl=create}: brings a table of an earlier layout to this one in place, then fills
     * the new JSON column from the kept bytes a page at a time (rows the format keeps as bytes only
     * stay so), and gives hash-named SQL indexes their readable names. Runs under the caller's write
     * transaction (all-or-nothing on PostgreSQL). Returns the registry entry as it now is.
     */
    Registry.Entry upgrade(Connection c, Registry.Entry stored) throws SQLException {
        moveDocuments(c, stored);
        return renameIndexes(c, stored);
    }

    /**
     * Gives the SQL indexes an earlier Depot named by a hash ({@code <prefix>i_…}) their readable
     * name ({@link Names#readableIndex}) where no table or index of the registry has it, and records
     * the new names. An index the database no longer has is left to {@code ddl=validate}'s check.
     */
    private Registry.Entry renameIndexes(Connection c, Registry.Entry stored) throws SQLException {
        List<String> names = new ArrayList<>(stored.sqlIndexes());
        Set<String> taken = null;
        Set<String> existing = null;
        List<String> renamed = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String readable = Names.readableIndex(prefix, stored.collection(), stored.indexes().get(i).name());
            if (names.get(i).equals(readable)) {
                continue;
            }
            if (taken == null) {
                taken = taken(c);
                existing = SchemaCheck.indexes(c, stored.table());
            }
            if (taken.contains(readable) || !existing.contains(names.get(i).toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            String rename = d.renameIndex(stored.table(), names.get(i), readable);
            if (rename != null) {
                Dialect.execute(c, rename);
            } else {
                Dialect.execute(c, d.dropIndex(stored.table(), names.get(i)));
                Dialect.execute(c, createIndexSql(stored.table(), stored.columns().get(i), readable, stored.indexes().get(i)));
            }
            taken.add(readable);
            renamed.add(names.get(i) + " -> " + readable);
            names.set(i, readable);
        }
        if (renamed.isEmpty()) {
            return stored;
        }
        Registry.Entry e = new Registry.Entry(stored.collection(), stored.keyType(), stored.table(), stored.indexes(),
                stored.columns(), names, stored.stale());
        registry.updateIndexes(c, e);
        LOG.info("collection {}: SQL indexes renamed to their readable names: {}", stored.collection(), renamed);
        return e;
    }

    /** Moves the documents of a table of the first layout into the current columns (see {@link #upgrade}). */
    private void moveDocuments(Connection c, Registry.Entry stored) throws SQLException {
        List<String> statements = upgradeStatements(c, stored);
        if (statements.isEmpty()) {
            return;
        }
        boolean documents = documentsAsBytes(columns(c, stored.table()));
        LOG.info("collection {}: upgrading table {} to the current layout: {}", stored.collection(), stored.table(), statements);
        for (String sql : statements) {
            Dialect.execute(c, sql);
        }
        if (!documents) {
            return; // only the key changed type
        }
        DocFormat docs = d.docs();
        String table = stored.table();
        String first = "SELECT k, raw FROM " + table + " ORDER BY k LIMIT " + PAGE;
        String next = "SELECT k, raw FROM " + table + " WHERE k > ? ORDER BY k LIMIT " + PAGE;
        String update = "UPDATE " + table + " SET " + docs.sets() + " WHERE k = ?";
        Object after = null;
        long done = 0;
        while (true) {
            List<Object> keys = new ArrayList<>(PAGE);
            List<byte[]> raws = new ArrayList<>(PAGE);
            try (PreparedStatement ps = c.prepareStatement(after == null ? first : next)) {
                if (after != null) {
                    d.bindKey(ps, 1, stored.keyType(), after);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(d.readKey(rs, 1, stored.keyType()));
                        raws.add(rs.getBytes(2));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(update)) {
                for (int i = 0; i < keys.size(); i++) {
                    d.bindKey(ps, docs.bind(ps, 1, raws.get(i), false), stored.keyType(), keys.get(i));
                    ps.addBatch();
                }
                if (!keys.isEmpty()) {
                    ps.executeBatch();
                }
            }
            done += keys.size();
            if (keys.size() < PAGE) {
                break;
            }
            after = keys.get(keys.size() - 1);
        }
        LOG.info("collection {}: {} documents moved to the JSON document layout", stored.collection(), done);
    }

    /** The table's columns and their types as the catalog names them; empty if there is no such table. */
    private static Map<String, String> columns(Connection c, String table) throws SQLException {
        Map<String, String> out = new java.util.HashMap<>();
        java.sql.DatabaseMetaData md = c.getMetaData();
        for (String t : new java.util.TreeSet<>(List.of(table, table.toUpperCase(java.util.Locale.ROOT)))) {
            try (ResultSet rs = md.getColumns(c.getCatalog(), c.getSchema(), t, "%")) {
                while (rs.next()) {
                    out.put(rs.getString("COLUMN_NAME").toLowerCase(java.util.Locale.ROOT), rs.getString("TYPE_NAME"));
                }
            }
        }
        return out;
    }

    /**
     * Gives every index without a column ({@code null}) one no other column of the table has: its
     * usual name, or the hashed one when that is taken (by a column named under the earlier scheme).
     */
    private static void assignColumns(CollectionSpec spec, List<String> columns) {
        assignColumns(spec, columns, List.of());
    }

    /** As above, also avoiding the {@code kept} columns of indexes this declaration lacks. */
    private static void assignColumns(CollectionSpec spec, List<String> columns, List<String> kept) {
        for (int i = 0; i < spec.indexes().size(); i++) {
            if (columns.get(i) != null) {
                continue;
            }
            String name = spec.index(i).name();
            String column = Names.column(name);
            if (columns.contains(column) || kept.contains(column)) {
                column = Names.hashedColumn(name);
            }
            // Earlier declarations of this name (another type or uniqueness) keep their columns for
            // processes still running with them: take the next spare one, as memory takes any redeclaration.
            for (int n = 2; kept.contains(column) && n <= MAX_SPARE_COLUMNS; n++) {
                column = Names.spareColumn(name, n);
            }
            if (kept.contains(column)) {
                throw new IllegalStateException("collection '" + spec.name() + "': index '" + name + "' has been declared in "
                        + MAX_SPARE_COLUMNS + " other ways whose columns are kept; drop them with JdbcDepots.dropStaleIndexes first");
            }
            int other = columns.indexOf(column);
            if (other >= 0) {
                throw new IllegalStateException("collection '" + spec.name() + "': indexes '" + spec.index(other).name()
                        + "' and '" + name + "' would share the SQL column " + column + "; rename one of them");
            }
            columns.set(i, column);
        }
    }

    /**
     * Brings the table in line with {@code spec} by adding only: columns and SQL indexes for indexes
     * not stored yet, backfilled. Indexes stored but not declared (an older or newer version of the
     * application declares them) are never dropped here, so that versions running side by side keep
     * working; they are marked stale, because this declaration's writes leave their columns alone,
     * and a declaration that has them again backfills them before use.
     */
    Registry.Entry evolve(Connection c, Registry.Entry stored, CollectionSpec spec, Reindexer reindexer) throws SQLException {
        return evolve(c, stored, spec, reindexer, false);
    }

    /**
     * As {@link #evolve(Connection, Registry.Entry, CollectionSpec, Reindexer)}; with {@code rebuild},
     * every declared index is refilled from the stored documents too, as if it were stale (for
     * {@link JdbcDepots#rebuildIndexes}: writes of an older version made while this one ran left them
     * incomplete).
     */
    Registry.Entry evolve(Connection c, Registry.Entry stored, CollectionSpec spec, Reindexer reindexer, boolean rebuild)
            throws SQLException {
        if (stored.keyType() != spec.keyType()) {
            throw Conflicts.keyTypeChanged(spec.name(), stored.keyType(), spec.keyType());
        }
        boolean current = true;
        for (int i = 0; i < stored.indexes().size(); i++) {
            boolean declared = spec.indexes().contains(stored.indexes().get(i));
            current &= declared ? !stored.stale().get(i) : stored.stale().get(i);
        }
        if (!rebuild && current && stored.indexes().containsAll(spec.indexes())) {
            return stored;
        }
        String table = stored.table();
        // The spec's indexes first, in its order, then the kept ones.
        List<IndexSpec> indexes = new ArrayList<>(spec.indexes());
        List<String> columns = new ArrayList<>();
        List<String> sqlIndexes = new ArrayList<>();
        List<Boolean> stale = new ArrayList<>();
        List<Integer> added = new ArrayList<>();
        List<Integer> revived = new ArrayList<>();
        for (int i = 0; i < spec.indexes().size(); i++) {
            int old = stored.indexes().indexOf(spec.index(i));
            columns.add(old >= 0 ? stored.columns().get(old) : null);
            sqlIndexes.add(old >= 0 ? stored.sqlIndexes().get(old) : null);
            stale.add(false);
            if (old < 0) {
                added.add(i);
            } else if (rebuild || stored.stale().get(old)) {
                revived.add(i);
            }
        }
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < stored.indexes().size(); i++) {
            if (!spec.indexes().contains(stored.indexes().get(i))) {
                indexes.add(stored.indexes().get(i));
                columns.add(stored.columns().get(i));
                sqlIndexes.add(stored.sqlIndexes().get(i));
                stale.add(true);
                kept.add(stored.columns().get(i));
            }
        }
        assignColumns(spec, columns, kept);
        Set<String> taken = added.isEmpty() ? Set.of() : taken(c);
        for (int i : added) {
            sqlIndexes.set(i, sqlIndex(spec, i, table, columns.get(i), taken));
        }
        List<Integer> refill = new ArrayList<>(added);
        refill.addAll(revived);
        checkUnique(c, spec, stored, refill, reindexer);
        boolean oneAlter = d.addsIndexesInOneAlter() && !added.isEmpty();
        if (oneAlter) {
            // DDL commits by itself here: one atomic statement before any write, so a change refused at the
            // table lock (or failing) leaves nothing behind; IF NOT EXISTS takes up what a process that died
            // after it, before the registry line, left.
            List<String> clauses = new ArrayList<>();
            for (int i : added) {
                clauses.add("ADD COLUMN IF NOT EXISTS " + columns.get(i) + " " + d.columnType(spec.index(i).type())
                        + d.columnComment(TableComments.index(spec.index(i))));
            }
            for (int i : added) {
                boolean unique = spec.index(i).unique();
                clauses.add("ADD " + (unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS " + sqlIndexes.get(i) + " ("
                        + (unique ? columns.get(i) : d.indexColumns(columns.get(i))) + ")");
            }
            rebuilding.accept(table);
            Dialect.execute(c, "ALTER TABLE " + table + " " + String.join(", ", clauses));
        }
        for (int i : revived) {
            // Written around by another declaration: start from nothing so the refill cannot collide with stale values.
            Dialect.execute(c, "UPDATE " + table + " SET " + columns.get(i) + " = NULL");
        }
        if (!oneAlter && !added.isEmpty()) {
            rebuilding.accept(table);
        }
        for (int i : oneAlter ? List.<Integer>of() : added) {
            String text = TableComments.index(spec.index(i));
            Dialect.execute(c, "ALTER TABLE " + table + " ADD COLUMN " + columns.get(i) + " " + d.columnType(spec.index(i).type())
                    + d.columnComment(text));
            for (String sql : d.commentStatements(table, null, Map.of(columns.get(i), text))) {
                Dialect.execute(c, sql);
            }
        }
        backfill(c, spec, table, columns, refill, reindexer);
        for (int i : oneAlter ? List.<Integer>of() : added) {
            createIndex(c, table, columns.get(i), sqlIndexes.get(i), spec.index(i));
        }
        Registry.Entry e = new Registry.Entry(spec.name(), spec.keyType(), table, indexes, columns, sqlIndexes, stale);
        registry.updateIndexes(c, e);
        LOG.info("collection {}: indexes changed from {} to {} (kept, not maintained by this declaration: {})", spec.name(),
                names(stored.indexes()), names(spec.indexes()), kept);
        if (!added.isEmpty()) {
            // The one gap Depot cannot see: processes that opened the collection before keep writing around these.
            LOG.warn("collection {}: added indexes {}; a process still running with a declaration that lacks them does not"
                    + " maintain them. Once none runs, call JdbcDepots.rebuildIndexes (CONTRACT §2, the rolling-deploy hazard)",
                    spec.name(), added.stream().map(i -> spec.index(i).name()).toList());
        }
        return e;
    }

    /**
     * Drops the columns and SQL indexes of the indexes marked stale (declared by no declaration opened
     * since), and their registry lines; returns their index names. For {@link JdbcDepots#dropStaleIndexes}.
     */
    List<String> dropStale(Connection c, Registry.Entry stored) throws SQLException {
        List<IndexSpec> indexes = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        List<String> sqlIndexes = new ArrayList<>();
        List<Boolean> stale = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (int i = 0; i < stored.indexes().size(); i++) {
            if (stored.stale().get(i)) {
                Dialect.execute(c, d.dropIndex(stored.table(), stored.sqlIndexes().get(i)));
                rebuilding.accept(stored.table());
                Dialect.execute(c, "ALTER TABLE " + stored.table() + " DROP COLUMN " + stored.columns().get(i));
                dropped.add(stored.indexes().get(i).name());
            } else {
                indexes.add(stored.indexes().get(i));
                columns.add(stored.columns().get(i));
                sqlIndexes.add(stored.sqlIndexes().get(i));
                stale.add(false);
            }
        }
        if (!dropped.isEmpty()) {
            registry.updateIndexes(c, new Registry.Entry(stored.collection(), stored.keyType(), stored.table(), indexes, columns,
                    sqlIndexes, stale));
            LOG.info("collection {}: dropped the stale indexes {}", stored.collection(), dropped);
        }
        return dropped;
    }

    private void createIndex(Connection c, String table, String column, String name, IndexSpec index) throws SQLException {
        Dialect.execute(c, createIndexSql(table, column, name, index));
    }

    private String createIndexSql(String table, String column, String name, IndexSpec index) {
        // A unique index covers the value alone (NULLs are never constrained); others add the key for ordering.
        boolean unique = index.unique();
        return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS " + name
                + " ON " + table + " (" + (unique ? column : d.indexColumns(column)) + ")";
    }

    private void checkUnique(Connection c, CollectionSpec spec, Registry.Entry stored, List<Integer> added, Reindexer r)
            throws SQLException {
        List<Integer> unique = added.stream().filter(i -> spec.index(i).unique()).toList();
        if (unique.isEmpty()) {
            return;
        }
        List<Set<Object>> seen = new ArrayList<>();
        unique.forEach(i -> seen.add(new HashSet<>()));
        scan(c, spec, stored.table(), (key, doc) -> {
            Object[] values = r.indexValues(doc);
            for (int u = 0; u < unique.size(); u++) {
                Object v = values[unique.get(u)];
                if (v != null && !seen.get(u).add(v)) {
                    throw Conflicts.uniqueOnExistingRecords(spec.name(), spec.index(unique.get(u)).name());
                }
            }
        });
    }

    private void backfill(Connection c, CollectionSpec spec, String table, List<String> columns, List<Integer> added,
            Reindexer r) throws SQLException {
        if (added.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET ");
        for (int n = 0; n < added.size(); n++) {
            sql.append(n == 0 ? "" : ", ").append(columns.get(added.get(n))).append(" = ?");
        }
        sql.append(" WHERE k = ?");
        long[] done = new long[1];
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            scan(c, spec, table, (key, doc) -> {
                Object[] values = r.indexValues(doc);
                int p = 1;
                for (int i : added) {
                    d.bindValue(ps, p++, spec.index(i).type(), values[i]);
                }
                d.bindKey(ps, p, spec.keyType(), key);
                ps.addBatch();
                if (++done[0] % PAGE == 0) {
                    ps.executeBatch();
                }
                if (done[0] % PROGRESS_EVERY == 0) {
                    LOG.info("collection {}: backfilled new indexes for {} records so far", spec.name(), done[0]);
                }
            });
            ps.executeBatch();
        }
        if (done[0] >= PROGRESS_EVERY) {
            LOG.info("collection {}: backfilled new indexes for all {} records", spec.name(), done[0]);
        }
    }

    private interface DocConsumer {
        void accept(Object key, byte[] doc) throws SQLException;
    }

    /** Visits every record in key order, a page at a time, so the table is never held in memory. */
    private void scan(Connection c, CollectionSpec spec, String table, DocConsumer each) throws SQLException {
        String first = "SELECT k, " + d.docs().columns() + " FROM " + table + " ORDER BY k LIMIT " + PAGE;
        String next = "SELECT k, " + d.docs().columns() + " FROM " + table + " WHERE k > ? ORDER BY k LIMIT " + PAGE;
        Object after = null;
        while (true) {
            List<Object> keys = new ArrayList<>(PAGE);
            List<byte[]> docs = new ArrayList<>(PAGE);
            try (PreparedStatement ps = c.prepareStatement(after == null ? first : next)) {
                if (after != null) {
                    d.bindKey(ps, 1, spec.keyType(), after);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(d.readKey(rs, 1, spec.keyType()));
                        docs.add(d.docs().read(rs, 2));
                    }
                }
            }
            for (int i = 0; i < keys.size(); i++) {
                each.accept(keys.get(i), docs.get(i));
            }
            if (keys.size() < PAGE) {
                return;
            }
            after = keys.get(keys.size() - 1);
        }
    }

    private static List<String> names(List<IndexSpec> indexes) {
        return indexes.stream().map(IndexSpec::name).toList();
    }
}
