package dev.depot;

import dev.depot.DepotObserver.Operation;
import dev.depot.DepotObserver.Outcome;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.QueryPlan;
import dev.depot.spi.Session;
import dev.depot.spi.StoredRecord;
import dev.depot.spi.Write;
import dev.depot.spi.WriteResult;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link Session} that times each call and reports it, with its outcome, to a {@link
 * DepotObserver} on the calling thread once the call returned or threw. It passes on nothing but the
 * collection name: keys, documents and exception messages stay here.
 */
final class ObservedSession implements Session {
    private final Session session;
    private final DepotObserver observer;

    ObservedSession(Session session, DepotObserver observer) {
        this.session = session;
        this.observer = observer;
    }

    boolean wraps(Session raw) {
        return session == raw;
    }

    @Override
    public StoredRecord get(CollectionSpec collection, Object key) {
        long start = System.nanoTime(); // written out, not through observe(): the hottest call
        StoredRecord r;
        try {
            r = session.get(collection, key);
        } catch (RuntimeException | Error e) {
            observer.operationFinished(collection.name(), Operation.GET, outcomeOf(e), System.nanoTime() - start);
            throw e;
        }
        observer.operationFinished(collection.name(), Operation.GET, r == null ? Outcome.NOT_FOUND : Outcome.OK,
                System.nanoTime() - start);
        return r;
    }

    @Override
    public List<StoredRecord> getAll(CollectionSpec collection, List<Object> keys) {
        return observe(collection.name(), Operation.GET_ALL, () -> session.getAll(collection, keys), r -> Outcome.OK);
    }

    @Override
    public WriteResult write(CollectionSpec collection, Write write) {
        return observe(collection.name(), Operation.WRITE, () -> session.write(collection, write), ObservedSession::outcomeOf);
    }

    @Override
    public List<WriteResult> writeAll(CollectionSpec collection, List<Write> writes) {
        return observe(collection.name(), Operation.WRITE_ALL, () -> session.writeAll(collection, writes),
                results -> results.stream().filter(r -> !r.ok()).findFirst().map(ObservedSession::outcomeOf).orElse(Outcome.OK));
    }

    @Override
    public WriteResult delete(CollectionSpec collection, Object key, long expectedVersion) {
        return observe(collection.name(), Operation.DELETE, () -> session.delete(collection, key, expectedVersion),
                ObservedSession::outcomeOf);
    }

    @Override
    public List<StoredRecord> query(CollectionSpec collection, QueryPlan plan) {
        return observe(collection.name(), Operation.QUERY, () -> session.query(collection, plan), r -> Outcome.OK);
    }

    @Override
    public long count(CollectionSpec collection, QueryPlan plan) {
        return observe(collection.name(), Operation.COUNT, () -> session.count(collection, plan), r -> Outcome.OK);
    }

    @Override
    public void commit() {
        observe("", Operation.COMMIT, () -> {
            session.commit();
            return null;
        }, r -> Outcome.OK);
    }

    @Override
    public void commit(String commitId) {
        observe("", Operation.COMMIT, () -> {
            session.commit(commitId);
            return null;
        }, r -> Outcome.OK);
    }

    /** Queue operations are not observed yet; they pass straight through. */
    @Override
    public void queue(dev.depot.spi.QueueOp op) {
        session.queue(op);
    }

    @Override
    public void rollback() {
        session.rollback(); // not an operation of its own: the failure that caused it was reported
    }

    private <T> T observe(String collection, Operation operation, Supplier<T> call, Function<T, Outcome> outcome) {
        long start = System.nanoTime();
        T result;
        try {
            result = call.get();
        } catch (RuntimeException | Error e) {
            observer.operationFinished(collection, operation, outcomeOf(e), System.nanoTime() - start);
            throw e;
        }
        observer.operationFinished(collection, operation, outcome.apply(result), System.nanoTime() - start);
        return result;
    }

    static Outcome outcomeOf(WriteResult r) {
        return switch (r.status()) {
            case OK -> Outcome.OK;
            case EXISTS -> Outcome.ALREADY_EXISTS;
            case MISSING -> Outcome.NOT_FOUND;
            case STALE -> Outcome.VERSION_CONFLICT;
            case UNIQUE -> Outcome.UNIQUE;
        };
    }

    static Outcome outcomeOf(Throwable e) {
        if (e instanceof ConflictException) {
            return Outcome.CONFLICT;
        } else if (e instanceof UniqueConstraintException) {
            return Outcome.UNIQUE;
        } else if (e instanceof VersionConflictException) {
            return Outcome.VERSION_CONFLICT;
        } else if (e instanceof NotFoundException) {
            return Outcome.NOT_FOUND;
        } else if (e instanceof AlreadyExistsException) {
            return Outcome.ALREADY_EXISTS;
        } else if (e instanceof BackendUnavailableException) {
            return Outcome.UNAVAILABLE;
        }
        return Outcome.ERROR;
    }
}
