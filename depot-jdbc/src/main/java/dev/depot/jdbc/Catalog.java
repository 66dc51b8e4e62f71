package dev.depot.jdbc;

import dev.depot.spi.CollectionSpec;
import dev.depot.spi.Conflicts;
import dev.depot.spi.Reindexer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Depot's own tables (registry, sequence counter, change feed) and the prepared collections of this
 * backend. {@link #prepare} runs under the sequence counter's lock, so concurrent opens of one
 * collection (from any process) evolve it once; in this process, one collection's preparation holds
 * that collection's declaration lock ({@link DeclarationLocks}), not the whole catalog, so a change
 * waiting for a transaction does not hold up that transaction's declaration of another collection.
 */
final class Catalog {
    private final JdbcBackend backend;
    private final Dialect d;
    private final String prefix;
    private final Registry registry;
    private final SchemaEvolution evolution;
    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    /** Orders this process's writes against declarations of their collections ({@link #holdDeclarations}). */
    private final DeclarationLocks declarations = new DeclarationLocks();
    /**
     * The tables this process created, with the {@link #ddlEpoch} of their creation: a transaction
     * whose snapshot began before cannot read them (InnoDB refuses a consistent read of a table newer
     * than the read view, SQLite's snapshot has no such table, H2's snapshot does not cover it and
     * shows later commits), and needs none of them: the collection was empty for it.
     */
    private final Map<String, Long> born = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong ddlEpoch = new java.util.concurrent.atomic.AtomicLong();
    private final Ddl ddl;
    private final String display;

    Catalog(JdbcBackend backend, String prefix, Ddl ddl, String display) {
        this.backend = backend;
        this.ddl = ddl;
        this.display = display;
        this.d = backend.dialect;
        this.prefix = prefix;
        this.registry = new Registry(prefix);
        this.evolution = new SchemaEvolution(d, prefix, registry, backend::rebuilding);
    }

    /** Creates Depot's own tables if missing (with {@code ddl=create}), or checks they exist ({@code validate}). */
    void init(Connection c) throws SQLException {
        if (ddl == Ddl.CREATE) {
            createOwnTables(c);
        } else if (ddl == Ddl.VALIDATE) {
            SchemaCheck check = new SchemaCheck();
            check.table(c, prefix + "meta", List.of("name", "val"), List.of());
            // An earlier layout's event times (t_sec, t_nano) are refused below, with the statements that convert them.
            check.table(c, prefix + "changes", List.of("seq", "coll", "rkey", "op", "ver", timeColumn(c, "changes"), "commit_id"), List.of());
            check.table(c, prefix + "collections", List.of("coll", "key_type", "tbl", "idx"), List.of());
            check.table(c, prefix + "outbox", List.of("id", "s", "coll", "rkey", "op", "ver", timeColumn(c, "outbox"), "commit_id"), List.of());
            check.table(c, prefix + "commits", List.of("id", "t_sec"), List.of());
            new BlobTables(prefix).check(check, c, prefix);
            QueueTables.check(check, c, prefix);
            check.failIfMissing("opening the depot", display);
        }
        insertCounter(c);
        upgradeOps(c);
        addOriginColumns(c);
        backend.feed.init(c);
    }

    /**
     * Adds the {@code origin} column to the feed tables of an earlier Depot under {@code ddl=create};
     * refuses them, with the statements, under {@code validate}. Their events, and those a process of
     * an earlier version still numbers, have none: they read as an empty origin.
     */
    private void addOriginColumns(Connection c) throws SQLException {
        if (ddl == Ddl.NONE) {
            return;
        }
        List<String> missing = new java.util.ArrayList<>();
        for (String table : List.of(prefix + "changes", prefix + "outbox")) {
            if (!Dialect.hasColumn(c, table, "origin")) {
                missing.add(table);
            }
        }
        if (ddl == Ddl.VALIDATE && !missing.isEmpty()) {
            throw new IllegalStateException("opening the depot: tables " + prefix + "changes and " + prefix + "outbox lack the"
                    + " origin column of change events (" + display + "); with ddl=validate Depot changes nothing. Run: "
                    + String.join("; ", missing.stream().map(t -> Dialect.addColumnSql(t, "origin", "VARCHAR(64)")).toList()));
        }
        for (String table : missing) {
            addFeedColumn(c, table, "origin", "VARCHAR(64)");
        }
    }

    /**
     * Adds a nullable column to one of the feed tables unless it has it, waiting for the table in
     * short attempts ({@link JdbcBackend#alterOn}): a transaction holding the table delays the open,
     * not the table's readers, until statementTimeout. A failed ALTER is fine when another process
     * added the column meanwhile (opens of an upgraded Depot race).
     */
    void addFeedColumn(Connection c, String table, String column, String type) throws SQLException {
        if (Dialect.hasColumn(c, table, column)) {
            return;
        }
        try {
            backend.alterOn(c, "opening the depot: adding column " + column + " to " + table, "table " + table, FEED_HOLDERS, false,
                    tx -> {
                        if (!Dialect.hasColumn(c, table, column)) {
                            Dialect.execute(c, Dialect.addColumnSql(table, column, type));
                        }
                        return null;
                    });
        } catch (SQLException e) {
            if (!Dialect.hasColumn(c, table, column)) {
                throw e;
            }
        }
    }

    /** What a transaction has done to hold a feed table (for the message when an upgrade waited too long). */
    private static final String FEED_HOLDERS = "written to or read it";

    /**
     * Brings the feed's {@code op} columns of an earlier Depot to names: in place under {@code
     * ddl=create} (under the counter lock, so concurrent openers do it once, and no commit numbers
     * events meanwhile), refused with the statements under {@code ddl=validate}.
     */
    private void upgradeOps(Connection c) throws SQLException {
        if (ddl == Ddl.NONE || opUpgrade(c).isEmpty()) {
            return;
        }
        if (ddl == Ddl.VALIDATE) {
            throw new IllegalStateException("opening the depot: tables " + prefix + "changes and " + prefix + "outbox have the layout of"
                    + " an earlier Depot (the operation as a number, or event times as t_sec and t_nano) (" + display + "); with ddl=validate Depot changes nothing. Run: "
                    + String.join("; ", opUpgrade(c)));
        }
        // A table at a time (MariaDB commits each ALTER: what a later table's wait refuses leaves the
        // earlier one done), each with short lock waits: a waiting ALTER queues the table's readers.
        for (String t : OP_TABLES) {
            String table = prefix + t;
            if (opUpgrade(c, t).isEmpty()) {
                continue;
            }
            backend.alterOn(c, "opening the depot: upgrading the feed table " + table, "table " + table, FEED_HOLDERS, true, tx -> {
                for (String sql : opUpgrade(c, t)) {
                    Dialect.execute(c, sql);
                }
                return null;
            });
        }
    }

    private void createOwnTables(Connection c) throws SQLException {
        // Comments only on a first open: concurrent COMMENT ON of one table can fail on PostgreSQL.
        boolean fresh = !exists(c, prefix + "meta");
        // A feed of the earlier layout has no t to index yet: its conversion (upgradeOps) makes the index.
        boolean oldTimes = Dialect.hasColumn(c, prefix + "changes", "t_sec");
        Map<String, java.util.Set<String>> indexes = new java.util.HashMap<>();
        for (String sql : ownTables(d, prefix)) {
            if (oldTimes && sql.equals(changesTimeIndex(prefix))) {
                continue;
            }
            java.util.regex.Matcher index = CREATE_INDEX.matcher(sql);
            if (!fresh && index.matches() && !indexes.containsKey(index.group(2))) {
                indexes.put(index.group(2), SchemaCheck.indexes(c, index.group(2)));
            }
            if (!fresh && index.matches() && indexes.get(index.group(2)).contains(index.group(1).toLowerCase(java.util.Locale.ROOT))) {
                // Present: PostgreSQL's CREATE INDEX IF NOT EXISTS would first wait for a SHARE lock on
                // the table, behind every open write transaction, and every later write would queue behind it.
                continue;
            }
            Dialect.execute(c, sql);
        }
        if (fresh) {
            for (String sql : ownComments(d, prefix)) {
                Dialect.execute(c, sql);
            }
        }
    }

    /** One of {@link #ownTables}' index statements: group 1 the index, group 2 the table. */
    private static final java.util.regex.Pattern CREATE_INDEX =
            java.util.regex.Pattern.compile("CREATE (?:UNIQUE )?INDEX IF NOT EXISTS (\\S+) ON (\\S+) .*");

    private static boolean exists(Connection c, String table) throws SQLException {
        var md = c.getMetaData();
        for (String t : new java.util.TreeSet<>(List.of(table, table.toUpperCase(java.util.Locale.ROOT)))) {
            try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), t, null)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** What each of Depot's own tables keeps, as table comments. */
    private static final Map<String, String> OWN = new java.util.LinkedHashMap<>();

    static {
        OWN.put("meta", "Depot's counters: seq (last numbered change event), stamps (next stamp block), trim (feed floor).");
        OWN.put("changes", "Depot's change feed: one row per committed write, numbered by seq in commit order.");
        OWN.put("collections", "Depot's registry: per collection its table, key type and index columns.");
        OWN.put("outbox", "Depot's outbox: events of committed writes waiting to be numbered into the change feed.");
        OWN.put("commits", "Depot's commit ids of recent transactions, for looking up whether a commit happened.");
    }

    /** Comments on Depot's own tables (and the blob and queue tables' columns), as statements ({@code COMMENT ON}, or MariaDB's {@code ALTER TABLE ... COMMENT}). */
    static List<String> ownComments(Dialect d, String prefix) {
        List<String> out = new java.util.ArrayList<>();
        OWN.forEach((table, text) -> {
            out.addAll(d.commentStatements(prefix + table, text, Map.of()));
            if (!d.tableComment(text).isEmpty()) {
                out.add("ALTER TABLE " + prefix + table + d.tableComment(text));
            }
        });
        out.addAll(StoreComments.statements(d, prefix));
        return out;
    }

    /** The tables whose {@code op} column held ordinals, and event times two integers, in the first layout. */
    private static final List<String> OP_TABLES = List.of("changes", "outbox");

    /**
     * The statements that turn the ordinal {@code op} columns of an earlier Depot's feed tables into
     * names and their event times ({@code t_sec}, {@code t_nano}) into the one column {@code t}; none if
     * they have this layout (read from the catalog, and on SQLite from the rows).
     */
    List<String> opUpgrade(Connection c) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        for (String t : OP_TABLES) {
            out.addAll(opUpgrade(c, t));
        }
        return out;
    }

    /** {@link #opUpgrade(Connection)}'s statements for one of {@link #OP_TABLES}. */
    private List<String> opUpgrade(Connection c, String t) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        if (d.ordinalOps(c, prefix + t)) {
            out.addAll(d.opsToNames(prefix + t));
        }
        if (Dialect.hasColumn(c, prefix + t, "t_sec")) {
            out.addAll(d.eventTimesToOneColumn(prefix + t, t.equals("changes") ? prefix + "changes_time" : null));
        }
        return out;
    }

    private static String changesTimeIndex(String prefix) {
        return "CREATE INDEX IF NOT EXISTS " + prefix + "changes_time ON " + prefix + "changes (t)";
    }

    /** The event time column a feed table has: {@code t}, or {@code t_sec} in the earlier layout. */
    private String timeColumn(Connection c, String table) throws SQLException {
        return Dialect.hasColumn(c, prefix + table, "t_sec") ? "t_sec" : "t";
    }

    /**
     * The DDL of Depot's own tables: counters, change feed, registry of collections, the outbox where
     * commits leave their events for the sequencer, and the ids of commits (see {@link Sequencer}).
     */
    static List<String> ownTables(Dialect d, String prefix) {
        String opts = d.tableOptions();
        List<String> out = new java.util.ArrayList<>(List.of(
                "CREATE TABLE IF NOT EXISTS " + prefix + "meta (name VARCHAR(64) NOT NULL PRIMARY KEY, val BIGINT NOT NULL)" + opts,
                "CREATE TABLE IF NOT EXISTS " + prefix + "changes (seq BIGINT NOT NULL PRIMARY KEY, coll VARCHAR(64) NOT NULL, "
                        + "rkey " + d.textType() + " NOT NULL, " + d.opColumn() + ", ver BIGINT NOT NULL, t " + d.eventTimeType()
                        + " NOT NULL, commit_id VARCHAR(64), origin VARCHAR(64))" + opts,
                changesTimeIndex(prefix),
                Registry.ddl(prefix, d),
                "CREATE TABLE IF NOT EXISTS " + prefix + "outbox (" + d.identityColumn() + ", s BIGINT NOT NULL, "
                        + "coll VARCHAR(64) NOT NULL, rkey " + d.textType() + " NOT NULL, " + d.opColumn() + ", ver BIGINT NOT NULL, "
                        + "t " + d.eventTimeType() + " NOT NULL, commit_id VARCHAR(64), origin VARCHAR(64))" + opts,
                "CREATE TABLE IF NOT EXISTS " + prefix + "commits (id VARCHAR(64) NOT NULL PRIMARY KEY, t_sec BIGINT NOT NULL)" + opts));
        out.addAll(BlobTables.ddl(d, prefix));
        out.addAll(QueueTables.ddl(d, prefix));
        return out;
    }

    /**
     * The sequence counter ({@code seq}) and the stamp counter ({@code stamps}). Stamps start far above
     * any sequence: rows written by earlier versions carry their feed sequence as stamp, and a process
     * of an earlier version still writing beside this one keeps doing so, so a new stamp must never
     * equal one of those.
     */
    private void insertCounter(Connection c) throws SQLException {
        insertMeta(c, "seq", "0");
        insertMeta(c, "stamps", Long.toString(StampBlock.FIRST));
    }

    private void insertMeta(Connection c, String name, String initial) throws SQLException {
        boolean present;
        try (PreparedStatement ps = c.prepareStatement("SELECT val FROM " + prefix + "meta WHERE name = '" + name + "'");
                ResultSet rs = ps.executeQuery()) {
            present = rs.next();
        }
        if (!present) {
            try {
                Dialect.execute(c, "INSERT INTO " + prefix + "meta (name, val) VALUES ('" + name + "', " + initial + ")");
            } catch (SQLException e) {
                if (d.classify(e) != Dialect.Failure.UNIQUE) {
                    throw e; // else another process inserted it first
                }
            }
        }
    }

    /** Counts the tables this process created; a transaction notes it before taking its snapshot. */
    long ddlEpoch() {
        return ddlEpoch.get();
    }

    /**
     * Whether {@code t} was created by this process after {@code epoch} (read before a snapshot
     * began), so that the snapshot may predate the table: the collection was empty in it.
     */
    boolean bornAfter(Table t, long epoch) {
        Long b = born.get(t.name);
        return b != null && b > epoch;
    }

    /**
     * Makes the collection ready for {@code spec}, holding its declaration lock exclusively, so no write
     * of this process made with another declaration commits after the change ({@link DeclarationLocks}).
     */
    void prepare(CollectionSpec spec, Reindexer reindexer) {
        Table known = tables.get(spec.name());
        if (known != null && known.spec.equals(spec)) {
            return;
        }
        declarations.declaring(spec.name(), () -> {
            prepareDeclaring(spec, reindexer);
            return null;
        });
    }

    /**
     * Holds the declarations of the tables {@code written} until the result is closed (from before a
     * write's data transaction through its COMMIT); throws {@code IllegalStateException} when one has
     * been redeclared since the write took it, holding nothing.
     */
    DeclarationLocks.Held holdDeclarations(java.util.Collection<Table> written) {
        return declarations.share(written, tables::get);
    }

    /** Whether this depot is declaring {@code collection} anew right now ({@link DeclarationLocks#isDeclaring}). */
    boolean isDeclaring(String collection) {
        return declarations.isDeclaring(collection);
    }

    /** {@link #holdDeclarations(java.util.Collection)} for an auto-commit write of one table. */
    DeclarationLocks.Held holdDeclaration(Table written) {
        return declarations.share(written, tables::get);
    }

    private void prepareDeclaring(CollectionSpec spec, Reindexer reindexer) {
        Table known = tables.get(spec.name());
        if (known != null && known.spec.equals(spec)) {
            return;
        }
        if (ddl != Ddl.CREATE) {
            tables.put(spec.name(), backend.read("checking collection '" + spec.name() + "'", c -> adopt(c, spec)));
            return;
        }
        boolean[] created = new boolean[1];
        Registry.Entry e = backend.alter("preparing collection '" + spec.name() + "'", true, tx -> {
            Registry.Entry stored = registry.find(tx.conn, spec.name());
            created[0] = stored == null;
            String table = stored == null ? Names.table(prefix, spec.name()) : stored.table();
            // Never adopt (nor keep using) a table whose records belong to another collection.
            String owner = registry.otherOwner(tx.conn, table, spec.name());
            if (owner != null) {
                throw new IllegalStateException("collection '" + spec.name() + "' cannot use SQL table " + table
                        + ": it holds the records of collection '" + owner + "'"
                        + (stored == null ? "; rename one of them" : " too (created before table names were unique)"));
            }
            if (stored == null) {
                backend.creating(table); // under the exclusive gate: an older snapshot reads the new table as empty
                return evolution.create(tx.conn, spec, table);
            }
            return evolution.evolve(tx.conn, evolution.upgrade(tx.conn, stored), spec, reindexer);
        });
        if (created[0]) {
            born.put(e.table(), ddlEpoch.incrementAndGet()); // before the table can be used
        }
        tables.put(spec.name(), new Table(spec, e.table(), e.columnsFor(spec), d));
    }

    /** Prepares the collection and refills every declared index from the stored documents ({@link JdbcDepots#rebuildIndexes}). */
    void rebuild(CollectionSpec spec, Reindexer reindexer) {
        declarations.declaring(spec.name(), () -> {
            rebuildDeclaring(spec, reindexer);
            return null;
        });
    }

    private void rebuildDeclaring(CollectionSpec spec, Reindexer reindexer) {
        Registry.Entry e = backend.alter("rebuilding the indexes of collection '" + spec.name() + "'", false, tx -> {
            Registry.Entry stored = registry.find(tx.conn, spec.name());
            if (stored == null) {
                throw new IllegalStateException("collection '" + spec.name() + "' has no table in the database (" + display
                        + "): nothing to rebuild");
            }
            return evolution.evolve(tx.conn, evolution.upgrade(tx.conn, stored), spec, reindexer, true);
        });
        tables.put(spec.name(), new Table(spec, e.table(), e.columnsFor(spec), d));
    }

    /** Drops the stale index columns of these collections (all stored ones when none is named); index names by collection. */
    Map<String, List<String>> dropStale(List<String> collections) {
        return backend.alter("dropping stale indexes", false, tx -> {
            Map<String, Registry.Entry> all = registry.all(tx.conn);
            for (String name : collections) {
                if (!all.containsKey(name)) {
                    throw new IllegalArgumentException("collection '" + name + "' has no table in the database (" + display + ")");
                }
            }
            Map<String, List<String>> out = new java.util.TreeMap<>();
            for (Registry.Entry e : all.values()) {
                if (collections.isEmpty() || collections.contains(e.collection())) {
                    List<String> dropped = evolution.dropStale(tx.conn, e);
                    if (!dropped.isEmpty()) {
                        out.put(e.collection(), dropped);
                    }
                }
            }
            return out;
        });
    }

    /**
     * With {@code ddl=validate} or {@code none}: the collection's table as made beforehand, found in
     * the registry, never changed. Every declared index must be there; indexes the database has and
     * this declaration lacks (another version's) are left alone.
     */
    private Table adopt(Connection c, CollectionSpec spec) throws SQLException {
        Registry.Entry stored = registry.find(c, spec.name());
        if (stored == null) {
            throw new IllegalStateException("collection '" + spec.name() + "' has no table in the database (" + display + "): with ddl="
                    + ddl.name().toLowerCase(java.util.Locale.ROOT) + " Depot creates nothing; apply Depot's DDL for it first"
                    + " (JdbcDepots.ddl) or open once with ddl=create");
        }
        if (stored.keyType() != spec.keyType()) {
            throw Conflicts.keyTypeChanged(spec.name(), stored.keyType(), spec.keyType());
        }
        List<String> columns = new java.util.ArrayList<>();
        List<String> sqlIndexes = new java.util.ArrayList<>();
        List<String> undeclared = new java.util.ArrayList<>();
        for (var index : spec.indexes()) {
            int at = stored.indexes().indexOf(index);
            if (at < 0 || stored.stale().get(at)) {
                undeclared.add(index.name());
            } else {
                columns.add(stored.columns().get(at));
                sqlIndexes.add(stored.sqlIndexes().get(at));
            }
        }
        if (!undeclared.isEmpty()) {
            throw new IllegalStateException("collection '" + spec.name() + "': the database lacks the indexes " + undeclared
                    + " as declared (name, type, uniqueness) (" + display + "); with ddl=" + ddl.name().toLowerCase(java.util.Locale.ROOT)
                    + " Depot adds none: apply Depot's DDL for them first or open once with ddl=create");
        }
        if (ddl == Ddl.VALIDATE) {
            List<String> upgrade = evolution.upgradeStatements(c, stored);
            if (!upgrade.isEmpty()) {
                throw new IllegalStateException("collection '" + spec.name() + "': table " + stored.table()
                        + " has the layout of an earlier Depot (" + display
                        + "); with ddl=validate Depot changes nothing. Run: " + String.join("; ", upgrade)
                        + " (documents moved to raw stay readable from there; opening once with ddl=create also fills doc from them)");
            }
            SchemaCheck check = new SchemaCheck();
            List<String> all = new java.util.ArrayList<>(List.of("k", "ver", "s"));
            all.addAll(d.docs().comments().keySet());
            all.addAll(columns);
            check.table(c, stored.table(), all, sqlIndexes);
            check.failIfMissing("collection '" + spec.name() + "'", display);
        }
        return new Table(spec, stored.table(), columns, d);
    }

    /** The prepared table of a collection. */
    Table table(CollectionSpec spec) {
        Table t = tables.get(spec.name());
        if (t == null) {
            throw new IllegalStateException("collection '" + spec.name() + "' was not prepared");
        }
        if (!t.spec.equals(spec)) {
            throw Conflicts.redeclared(spec.name());
        }
        return t;
    }

    /** Every collection stored in this database (also those this process has not opened). */
    Map<String, Registry.Entry> stored(Connection c) throws SQLException {
        return registry.all(c);
    }
}
