package dev.depot.jdbc;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.testing.TestClock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The database depots one differential suite (records, queues, blobs) compares memory with: each
 * database's URL resolved once, its depot opened once and kept across programs, its clock, and a
 * table prefix of this run alone — builds of other checkouts may run the same suite on the same
 * server at once, and each drops its prefix's tables when it starts and when its classes end.
 */
final class DifferentialDepots {
    private final String prefix;
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private final Map<String, Depot> open = new ConcurrentHashMap<>();
    private final Map<String, TestClock> clocks = new ConcurrentHashMap<>();

    /** {@code tag} names the suite in its tables' prefix. */
    DifferentialDepots(String tag) {
        this.prefix = tag + Long.toString(ProcessHandle.current().pid(), 36) + "_";
    }

    /** Each database's resolved URL, by name ({@link DatabaseProperties#urls()}). */
    Map<String, String> urls() {
        return urls;
    }

    /** A fresh URL for the suite's tables on the database at {@code url}. */
    String prefixed(String url) {
        return TestDatabases.fresh(url, prefix);
    }

    /** The clock of database {@code name}'s programs, made at {@code start} the first time. */
    TestClock clock(String name, Instant start) {
        return clocks.computeIfAbsent(name, n -> new TestClock(start));
    }

    /** Database {@code name}'s depot on {@code clock}, opened the first time. */
    Depot depot(String name, TestClock clock) {
        return open.computeIfAbsent(name, n -> Depot.open(urls.get(n), DepotOptions.defaults().clock(clock)));
    }

    /** Closes the depots and drops the suite's tables on the servers (opening a depot creates them again). */
    void closeAll() {
        open.values().forEach(Depot::close);
        open.clear();
        urls.values().stream().filter(u -> u.startsWith("postgresql:") || u.startsWith("mariadb:"))
                .forEach(u -> TestDatabases.dropTables(u, prefix));
    }
}
