package dev.depot.jdbc;

import dev.depot.Capabilities;
import dev.depot.Capability;
import dev.depot.DepotStats;
import dev.depot.Health;
import dev.depot.spi.Backend;
import dev.depot.spi.ChangeLog;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.Reindexer;
import dev.depot.spi.Session;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend that touches no database: opening a collection on it writes down the statements that
 * {@code ddl=create} would run on an empty database (Depot's own tables, then each collection's
 * table, SQL indexes and registry row). {@link JdbcDepots#ddl} drives it through a depot, which is
 * how it learns the schemas' collection specs.
 */
final class DdlScript implements Backend {
    private final JdbcSettings settings;
    private final SchemaEvolution evolution;
    private final Registry registry;
    private final List<String> statements = new ArrayList<>();
    private final Map<String, String> owners = new HashMap<>();
    /** Tables and SQL indexes named so far, as the registry would hold them. */
    private final java.util.Set<String> taken = new java.util.HashSet<>();

    DdlScript(JdbcSettings settings) {
        this.settings = settings;
        this.registry = new Registry(settings.tablePrefix());
        this.evolution = new SchemaEvolution(settings.dialect(), settings.tablePrefix(), registry, table -> {});
        statements.addAll(Catalog.ownTables(settings.dialect(), settings.tablePrefix()));
        statements.addAll(Catalog.ownComments(settings.dialect(), settings.tablePrefix()));
    }

    List<String> statements() {
        return List.copyOf(statements);
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.of(Capability.RECORDS);
    }

    @Override
    public void prepare(CollectionSpec spec, Reindexer reindexer) {
        String table = Names.table(settings.tablePrefix(), spec.name());
        String other = owners.putIfAbsent(table, spec.name());
        if (other != null && !other.equals(spec.name())) {
            throw new IllegalStateException("collections '" + other + "' and '" + spec.name() + "' would share the SQL table " + table
                    + "; rename one of them");
        }
        if (other != null) {
            throw new IllegalArgumentException("collection '" + spec.name() + "' is given twice");
        }
        taken.add(table);
        Registry.Entry e = evolution.entry(spec, table, taken);
        statements.addAll(evolution.createStatements(e, spec));
        statements.add(registry.insertSql(e));
    }

    @Override
    public Session autoCommit() {
        throw unsupported();
    }

    @Override
    public Session begin() {
        throw unsupported();
    }

    @Override
    public ChangeLog changes() {
        return null; // never read: the depot over this backend is used for records(schema) only
    }

    @Override
    public void clear(CollectionSpec collection) {
        throw unsupported();
    }

    @Override
    public void clearAll() {
        throw unsupported();
    }

    @Override
    public DepotStats stats() {
        throw unsupported();
    }

    @Override
    public Health health() {
        throw unsupported();
    }

    @Override
    public void close() {}

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("a DDL script only collects statements");
    }
}
