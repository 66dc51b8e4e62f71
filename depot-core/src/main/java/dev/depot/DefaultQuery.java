package dev.depot;

import dev.depot.spi.AccessPath;
import dev.depot.spi.Filter;
import dev.depot.spi.IndexRange;
import dev.depot.spi.QueryPlan;
import dev.depot.spi.StoredRecord;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The query builder: validates and coerces at each call, then hands a {@link QueryPlan} to the backend. */
final class DefaultQuery<K, V> implements Query<V> {
    static final QueryPlan ALL = new QueryPlan(List.of(), QueryPlan.KEY_ORDER, false, null, 0, QueryPlan.NO_LIMIT);
    static final int DEFAULT_PAGE_SIZE = 100;
    private static final int STREAM_BATCH = 256;

    private final DefaultRecords<K, V> records;
    private final List<Filter> filters;
    private final int orderIndex;
    private final boolean descending;
    private final String cursor;
    private final long offset;
    private final int limit; // 0 = not set

    DefaultQuery(DefaultRecords<K, V> records) {
        this(records, List.of(), QueryPlan.KEY_ORDER, false, null, 0, 0);
    }

    private DefaultQuery(DefaultRecords<K, V> records, List<Filter> filters, int orderIndex,
            boolean descending, String cursor, long offset, int limit) {
        this.records = records;
        this.filters = filters;
        this.orderIndex = orderIndex;
        this.descending = descending;
        this.cursor = cursor;
        this.offset = offset;
        this.limit = limit;
    }

    @Override
    public Query<V> where(Condition condition) {
        List<Filter> next = new ArrayList<>(filters);
        next.addAll(new ConditionCompiler(records.schemaInternal()).conjuncts(condition));
        ConditionCompiler.checkSize(records.schemaInternal().name(), next);
        return new DefaultQuery<>(records, List.copyOf(next), orderIndex, descending, cursor, offset, limit);
    }

    @Override
    public Query<V> orderBy(String field, Direction direction) {
        int index = records.schemaInternal().indexPosition(field);
        boolean desc = java.util.Objects.requireNonNull(direction, "direction") == Direction.DESC;
        return new DefaultQuery<>(records, filters, index, desc, cursor, offset, limit);
    }

    @Override
    public Query<V> limit(int n) {
        if (n < 1) {
            throw new IllegalArgumentException(records.schemaInternal().name() + ": limit must be >= 1, was " + n);
        }
        return new DefaultQuery<>(records, filters, orderIndex, descending, cursor, offset, n);
    }

    @Override
    public Query<V> after(String nextCursor) {
        java.util.Objects.requireNonNull(nextCursor, "cursor");
        return new DefaultQuery<>(records, filters, orderIndex, descending, nextCursor, offset, limit);
    }

    @Override
    public Query<V> offset(long n) {
        if (n < 0) {
            throw new IllegalArgumentException(records.schemaInternal().name() + ": offset must be >= 0, was " + n);
        }
        return new DefaultQuery<>(records, filters, orderIndex, descending, cursor, n, limit);
    }

    /** The plan; the cursor is decoded (and checked against this order) here. */
    private QueryPlan plan(int planLimit) {
        QueryPlan.Bound bound = cursor == null ? null : cursors().decode(cursor, orderIndex, descending);
        return new QueryPlan(filters, orderIndex, descending, bound, offset, planLimit);
    }

    private Cursors cursors() {
        return new Cursors(records.schemaInternal());
    }

    @Override
    public Page<V> page() {
        int size = limit == 0 ? DEFAULT_PAGE_SIZE : limit;
        // One more than the page tells whether another follows; a page of every match (NO_LIMIT) has none after it.
        List<StoredRecord> rows = records.session().query(records.spec(), plan(size == QueryPlan.NO_LIMIT ? size : size + 1));
        boolean more = rows.size() > size;
        List<V> items = new ArrayList<>(Math.min(rows.size(), size));
        V last = null;
        StoredRecord lastRow = null;
        for (int i = 0; i < Math.min(rows.size(), size); i++) {
            lastRow = rows.get(i);
            last = records.decode(lastRow);
            items.add(last);
        }
        String next = more ? cursors().encode(orderIndex, descending, orderValue(last), lastRow.key()) : null;
        return new Page<>(items, next);
    }

    private Object orderValue(V value) {
        if (orderIndex == QueryPlan.KEY_ORDER) {
            return null;
        }
        Schema.IndexDefinition<V> d = records.schemaInternal().indexDefinitions().get(orderIndex);
        return d.type().coerce(d.extractor().apply(value));
    }

    @Override
    public List<V> list() {
        List<StoredRecord> rows = records.session().query(records.spec(), plan(limit == 0 ? QueryPlan.NO_LIMIT : limit));
        List<V> out = new ArrayList<>(rows.size());
        for (StoredRecord r : rows) {
            out.add(records.decode(r));
        }
        return List.copyOf(out);
    }

    @Override
    public Optional<V> first() {
        List<StoredRecord> rows = records.session().query(records.spec(), plan(1));
        return rows.isEmpty() ? Optional.empty() : Optional.of(records.decode(rows.get(0)));
    }

    @Override
    public long count() {
        return records.session().count(records.spec(), plan(QueryPlan.NO_LIMIT));
    }

    @Override
    public Explanation explain() {
        AccessPath path = AccessPath.of(records.spec(), plan(limit == 0 ? QueryPlan.NO_LIMIT : limit));
        List<Explanation.Range> ranges = new ArrayList<>(path.ranges().size());
        for (IndexRange r : path.ranges()) {
            ranges.add(new Explanation.Range(records.spec().index(r.index()).name(), r.interval()));
        }
        return new Explanation(ranges, path.scans(), path.order());
    }

    @Override
    public Stream<V> stream() {
        QueryPlan first = plan(limit == 0 ? STREAM_BATCH : Math.min(limit, STREAM_BATCH));
        Iterator<V> it = new Batches(first);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** Walks the matches in keyset batches, so a stream never holds more than one batch. */
    private final class Batches implements Iterator<V> {
        private QueryPlan next;
        private List<StoredRecord> batch = List.of();
        private int pos;
        private long remaining = limit == 0 ? Long.MAX_VALUE : limit;

        Batches(QueryPlan first) {
            this.next = first;
        }

        @Override
        public boolean hasNext() {
            if (remaining <= 0) {
                return false;
            }
            if (pos < batch.size()) {
                return true;
            }
            if (next == null) {
                return false;
            }
            batch = records.session().query(records.spec(), next);
            pos = 0;
            if (batch.size() < next.limit() || batch.isEmpty()) {
                next = null;
            } else {
                StoredRecord last = batch.get(batch.size() - 1);
                Object ov = orderIndex == QueryPlan.KEY_ORDER ? null : orderValue(records.decode(last));
                int n = (int) Math.min(STREAM_BATCH, remaining - batch.size());
                next = n <= 0 ? null : new QueryPlan(filters, orderIndex, descending,
                        new QueryPlan.Bound(ov, last.key()), 0, n);
            }
            return pos < batch.size();
        }

        @Override
        public V next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            remaining--;
            return records.decode(batch.get(pos++));
        }
    }
}
