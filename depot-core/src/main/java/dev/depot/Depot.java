package dev.depot;

/**
 * The entry point: one store of records, blobs and work queues over one backend (each backend
 * declares which of them it has in {@link #capabilities()}).
 *
 * <pre>{@code
 * try (Depot depot = Depot.open("memory:")) {
 *     Records<UUID, Player> players = depot.records(PLAYERS);
 *     players.insert(new Player(id, "Ann", 42));
 * }
 * }</pre>
 *
 * <p>A depot is thread-safe. After {@link #close()} every call throws {@link IllegalStateException}.
 */
public interface Depot extends AutoCloseable {

    /**
     * Opens a depot. Schemes: {@code memory:} (private), {@code memory:NAME} (shared by name within
     * the JVM until the last one closes), and those of backend modules on the class path ({@code
     * postgresql:}, {@code mariadb:}, {@code mysql:}, {@code h2:}, {@code sqlite:}, {@code file:}); a {@code jdbc:}
     * prefix is ignored. An unknown scheme is an {@link IllegalArgumentException} listing the known
     * ones.
     */
    static Depot open(String url) {
        return open(url, DepotOptions.defaults());
    }

    /** Opens a depot with settings: clock, pool size, change retention. */
    static Depot open(String url, DepotOptions options) {
        return Backends.open(url, options);
    }

    /**
     * Opens the depot named by {@code DEPOT_URL}, else {@code DATABASE_URL}, else {@code memory:} with
     * one warning that the data is ephemeral.
     */
    static Depot fromEnvironment() {
        return Backends.fromEnvironment(System.getenv(), DepotOptions.defaults());
    }

    /**
     * The name this depot's writes carry in the change feed ({@link ChangeEvent#origin()}): the one
     * {@link DepotOptions#origin(String)} gave, else a random one fixed when the depot opened. A
     * subscriber can leave out its own depot's writes ({@link SubscribeOptions#withoutOwnWrites()}),
     * e.g. a cache that applies its own writes at once and needs only other processes'.
     */
    String origin();

    /** The records of a collection; each call on them is its own atomic transaction. */
    <K, V> Records<K, V> records(Schema<K, V> schema);

    /**
     * The blobs of a bucket ({@code [a-z][a-z0-9_]{0,62}}, like collection names); see {@link Blobs}.
     * {@link UnsupportedOperationException} on a backend without {@link Capability#BLOBS}.
     */
    Blobs blobs(String bucket);

    /**
     * Runs {@code work} in a transaction: commit when it returns, rollback when it throws (the
     * exception is rethrown) or when it called {@link Transaction#setRollbackOnly()}. Snapshot isolation, first committer wins: a commit that loses a race
     * throws {@link ConflictException} and applies nothing. A commit that fails because the backend
     * became unreachable throws {@link CommitOutcomeUnknownException}: it may have been applied; ask
     * {@link #commitOutcome} before retrying.
     */
    <T> T transact(TransactionWork<T> work);

    /** Like {@link #transact(TransactionWork)}, re-running {@code work} on conflict as {@code retry} says. */
    <T> T transact(Retry retry, TransactionWork<T> work);

    /**
     * Like {@link #transact(TransactionWork)} for work that returns nothing: {@code
     * depot.inTransaction(tx -> accounts(tx).update(...))}. A different name, not an overload, so
     * that a lambda never fits both forms.
     */
    default void inTransaction(TransactionAction action) {
        inTransaction(Retry.never(), action);
    }

    /** Like {@link #inTransaction(TransactionAction)}, re-running {@code action} on conflict as {@code retry} says. */
    default void inTransaction(Retry retry, TransactionAction action) {
        java.util.Objects.requireNonNull(action, "action");
        transact(retry, tx -> {
            action.run(tx);
            return null;
        });
    }

    /**
     * Applies, in list order, every migration this depot has not recorded as applied, each in a
     * transaction of its own that also records it (in the reserved collection {@code
     * depot_migrations}), so each is applied at most once per depot — also when several processes
     * migrate at once: the ledger is one record, first committer wins, and the loser's retry finds the
     * step recorded and skips it. Returns the ids this call applied, in order.
     *
     * <p>Refused before anything runs: a null or repeated entry ({@link NullPointerException}, {@link
     * IllegalArgumentException} naming it), and a listed migration that is not applied while one
     * listed after it is ({@link IllegalStateException} naming both: it would run after its
     * successor). Applied ids that are not listed are ignored. If a step fails, {@link
     * MigrationFailedException} names it; nothing of it or of the migrations after it is applied, and
     * calling again applies only what is not recorded. A step's writes through its transaction are
     * atomic with its record; anything else it does (another depot, blobs, queues outside the
     * transaction) may run again if its transaction does not commit. Declare new schemas (open them
     * with {@link #records}) before migrating, not inside a step. {@link UnsupportedOperationException}
     * on a backend without {@link Capability#RECORDS}.
     */
    default java.util.List<String> migrate(java.util.List<Migration> migrations) {
        return Migrator.migrate(this, migrations, java.time.InstantSource.system());
    }

    /** {@link #migrate(java.util.List)} of these migrations. */
    default java.util.List<String> migrate(Migration... migrations) {
        java.util.Objects.requireNonNull(migrations, "migrations");
        return migrate(java.util.Arrays.asList(migrations));
    }

    /** The migrations this depot has recorded as applied, in the order they were applied. */
    default java.util.List<AppliedMigration> migrations() {
        return Migrator.applied(this);
    }

    /**
     * The work queue {@code name} (same rule as collection names), created on first use with
     * {@link QueueOptions#defaults()}, else with the options it has. Throws
     * {@link UnsupportedOperationException} on a backend without {@link Capability#QUEUES}.
     */
    WorkQueue queue(String name);

    /**
     * The work queue {@code name}, whose options become {@code options} (for every handle; later
     * events only). A dead-letter queue may not be the queue itself nor have one of its own:
     * {@link IllegalArgumentException}.
     */
    WorkQueue queue(String name, QueueOptions options);

    /**
     * The name and options of every work queue that exists in this depot (was opened once and not
     * dropped with {@link #dropQueue}), by name: what tools such as {@code depot copy} walk. {@link
     * UnsupportedOperationException} on a backend without {@link Capability#QUEUES}.
     */
    java.util.SortedMap<String, QueueOptions> queues();

    /**
     * Drops the work queue {@code name}: its items in every state (ready, scheduled, leased, dead),
     * their dedup keys and its options go, so {@link #queues()} no longer lists it and a later
     * {@link #queue(String, QueueOptions)} starts a fresh queue. Returns whether it existed. Leases
     * of its items become stale ({@link LeaseExpiredException}); consumers of this depot waiting in
     * {@code lease} return an empty list. A handle opened before the drop names the queue: its
     * {@code produce} fails with {@link IllegalStateException} while no queue of that name exists,
     * its other calls see an empty queue, and once the queue is opened again it acts on the new one.
     * Not transactional (a {@link Transaction} has no drop). Refused with {@link
     * IllegalStateException}, changing nothing, while another queue names it as its dead-letter
     * queue; a name not matching the queue-name rule is an {@link IllegalArgumentException}. {@link
     * UnsupportedOperationException} on a backend without {@link Capability#QUEUES}.
     */
    boolean dropQueue(String name);

    /** The change feed of every committed write. */
    ChangeFeed changes();

    /**
     * This depot's calls as {@link java.util.concurrent.CompletableFuture}s, each run on a virtual
     * thread of its own (see {@link AsyncDepot}). Nothing to close: a call made after the depot
     * closed fails as the blocking call would.
     */
    default AsyncDepot async() {
        return new DefaultAsyncDepot(this, DefaultAsyncDepot.VIRTUAL_THREADS);
    }

    /** As {@link #async()}, running calls on {@code executor}. */
    default AsyncDepot async(java.util.concurrent.Executor executor) {
        return new DefaultAsyncDepot(this, executor);
    }

    /**
     * Whether the transaction with this {@link Transaction#id() id} was committed, from the change
     * feed: {@code COMMITTED} with its sequences, {@code NOT_COMMITTED} (certain: retrying is safe) or
     * {@code UNKNOWN} when retention or a {@link #clear()} has dropped events it could have had. Waits
     * for commits in flight to end first. Meant for recovery after a {@link
     * CommitOutcomeUnknownException}: it reads the retained feed (no index on the id), so do not call it
     * per transaction. An id not made by {@link Transaction#id()} is an {@link IllegalArgumentException}.
     */
    CommitOutcome commitOutcome(String commitId);

    /**
     * Empties every collection, the change feed (no event for the removed records), every blob
     * bucket and every queue (whose options go back to the defaults). What a test calls between cases.
     */
    void clear();

    DepotStats stats();

    /** Pings the backend; never throws. */
    Health health();

    Capabilities capabilities();

    /** Closes the depot and its subscriptions. Idempotent. */
    @Override
    void close();
}
