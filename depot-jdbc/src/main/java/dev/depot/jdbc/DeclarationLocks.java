package dev.depot.jdbc;

import dev.depot.spi.Conflicts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Orders the writes of this process against (re)declarations of their collections. A write holds its
 * collection's lock shared from the check that the declaration it was made with is still current
 * through its COMMIT; a declaration holds it exclusively while it alters the table, backfills it and
 * installs the new layout. So a write either commits before the change (whose backfill then sees its
 * rows) or finds the new declaration and is refused as stale, as memory refuses it — it never writes
 * rows in the old layout after the backfill, which left them out of the new index.
 *
 * <p>A write must not hold the lock while it holds a database lock that the declaration's ALTER waits
 * for: a transaction's commit ends its snapshot first, and an auto-commit write takes the lock before
 * its data transaction begins. Writers of other processes are not ordered by it: that is the
 * rolling-deploy hazard CONTRACT §2 describes.
 */
final class DeclarationLocks {
    private final Map<String, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();

    private ReentrantReadWriteLock of(String collection) {
        return locks.computeIfAbsent(collection, c -> new ReentrantReadWriteLock());
    }

    /** Whether a declaration of {@code collection} is under way in this depot (its lock is held exclusively). */
    boolean isDeclaring(String collection) {
        ReentrantReadWriteLock lock = locks.get(collection);
        return lock != null && lock.isWriteLocked();
    }

    /** Runs {@code change} holding {@code collection}'s lock exclusively. */
    <T> T declaring(String collection, java.util.function.Supplier<T> change) {
        Lock lock = of(collection).writeLock();
        lock.lock();
        try {
            return change.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Holds the locks of the collections of {@code written} shared (in name order) until the result is
     * closed, after checking that each table is still its collection's current one by {@code current};
     * throws {@link Conflicts#redeclared} otherwise, holding nothing.
     */
    Held share(Collection<Table> written, Function<String, Table> current) {
        if (written.size() == 1) {
            return share(written.iterator().next(), current);
        }
        List<Table> tables = new ArrayList<>(written);
        tables.sort(java.util.Comparator.comparing(t -> t.spec.name()));
        List<Lock> held = new ArrayList<>(tables.size());
        try {
            for (Table t : tables) {
                Lock lock = of(t.spec.name()).readLock();
                lock.lock();
                held.add(lock);
                requireCurrent(t, current);
            }
            return new Several(held);
        } catch (RuntimeException | Error e) {
            new Several(held).close();
            throw e;
        }
    }

    /** {@link #share(Collection, Function)} for one table: every auto-commit write, so no copy, sort or list. */
    Held share(Table t, Function<String, Table> current) {
        Lock lock = of(t.spec.name()).readLock();
        lock.lock();
        try {
            requireCurrent(t, current);
            return new One(lock);
        } catch (RuntimeException | Error e) {
            lock.unlock();
            throw e;
        }
    }

    private static void requireCurrent(Table t, Function<String, Table> current) {
        Table now = current.apply(t.spec.name());
        if (now != t && (now == null || !now.spec.equals(t.spec))) {
            throw Conflicts.redeclared(t.spec.name());
        }
    }

    /** Shared locks held by one write; closing releases them. */
    sealed interface Held extends AutoCloseable permits One, Several {
        @Override
        void close();
    }

    private record One(Lock lock) implements Held {
        @Override
        public void close() {
            lock.unlock();
        }
    }

    private record Several(List<Lock> locks) implements Held {
        @Override
        public void close() {
            for (int i = locks.size() - 1; i >= 0; i--) {
                locks.get(i).unlock();
            }
        }
    }
}
