package dev.depot;

import dev.depot.spi.Session;

/** A transaction handed to user code; unusable once its callback has returned. */
final class DefaultTransaction implements Transaction {
    private final DefaultDepot depot;
    private final Session session;
    private final String id;
    private volatile boolean active = true;
    private volatile boolean rollbackOnly;
    /** The thread that began the transaction, where its callback runs. */
    final Thread owner = Thread.currentThread();
    /**
     * Collections this transaction has called on (a SQL snapshot may hold their tables until it ends):
     * a copy-on-write array, since a transaction names a few collections and checks each call.
     */
    private volatile String[] used = NONE;
    private static final String[] NONE = {};

    /** {@code knownSequence}: a sequence committed before this transaction began, see {@link CommitIds}. */
    DefaultTransaction(DefaultDepot depot, Session session, long knownSequence) {
        this.depot = depot;
        this.session = session;
        this.id = CommitIds.next(knownSequence);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public <K, V> Records<K, V> records(Schema<K, V> schema) {
        checkActive();
        depot.prepare(schema);
        String collection = schema.name();
        return new DefaultRecords<>(schema, () -> {
            Session s = session();
            if (!uses(collection)) {
                noteUse(collection);
            }
            return s;
        }, null);
    }

    @Override
    public TransactionQueue queue(String name) {
        checkActive();
        depot.requireQueues();
        return new DefaultTransactionQueue(QueueRules.checkName(name, "queue"), this);
    }

    @Override
    public void setRollbackOnly() {
        checkActive();
        rollbackOnly = true;
    }

    @Override
    public boolean isRollbackOnly() {
        return rollbackOnly;
    }

    /** Whether a call of this transaction has named {@code collection}. */
    boolean uses(String collection) {
        for (String name : used) {
            if (name.equals(collection)) {
                return true;
            }
        }
        return false;
    }

    private synchronized void noteUse(String collection) {
        if (!uses(collection)) {
            String[] more = java.util.Arrays.copyOf(used, used.length + 1);
            more[used.length] = collection;
            used = more;
        }
    }

    Session session() {
        checkActive();
        return session;
    }

    void end() {
        active = false;
    }

    private void checkActive() {
        if (!active) {
            throw new IllegalStateException("the transaction has ended; use records inside the callback only");
        }
        depot.checkOpen();
    }
}
