package dev.depot.memory;

import dev.depot.spi.AccessPath;
import dev.depot.spi.Filter;
import dev.depot.spi.IndexRange;
import dev.depot.spi.IndexType;
import dev.depot.spi.Predicate;
import dev.depot.spi.QueryPlan;
import dev.depot.spi.StoredRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link QueryPlan} on a memory collection at a snapshot, merged with a transaction's own
 * writes, along the {@link AccessPath} Depot plans for it (the one {@code explain()} reports). An
 * ordered walk starts at its bound and stops as soon as enough rows are found: an indexed equality,
 * range or ordered page costs O(log n + k); an OR reads the union of its branches' ranges.
 */
final class QueryExecutor {
    /** Range scans that match more than this many rows beyond what is needed give up on sorting. */
    private static final int SORT_BUDGET = 1024;

    private QueryExecutor() {}

    /** A consumer of matching versions; returns false to stop the scan. */
    @FunctionalInterface
    interface Sink {
        boolean accept(Version v);
    }

    static List<StoredRecord> list(MemoryCollection c, QueryPlan plan, long snapshot, Map<Object, Pending> own) {
        List<Pending> ownMatches = ownMatches(c, plan, own);
        long wanted = needed(plan);
        List<StoredRecord> rows = new ArrayList<>();
        if (ownMatches.isEmpty()) {
            long[] skip = {plan.offset()};
            scan(c, plan, snapshot, own, v -> {
                if (skip[0] > 0) {
                    skip[0]--;
                    return true;
                }
                rows.add(v);
                return rows.size() < plan.limit();
            });
            return rows;
        }
        scan(c, plan, snapshot, own, v -> {
            rows.add(v);
            return rows.size() < wanted;
        });
        rows.addAll(ownMatches);
        rows.sort(order(c, plan));
        int from = (int) Math.min(rows.size(), plan.offset());
        int to = (int) Math.min(rows.size(), wanted);
        return new ArrayList<>(rows.subList(from, to));
    }

    /** Rows a plan needs before its limit is reached: offset + limit, saturated (an offset may be near {@code Long.MAX_VALUE}). */
    private static long needed(QueryPlan plan) {
        if (plan.limit() == QueryPlan.NO_LIMIT || plan.offset() > Long.MAX_VALUE - plan.limit()) {
            return Long.MAX_VALUE;
        }
        return plan.offset() + plan.limit();
    }

    static long count(MemoryCollection c, QueryPlan plan, long snapshot, Map<Object, Pending> own) {
        long[] n = {0};
        QueryPlan unbounded = new QueryPlan(plan.filters(), QueryPlan.KEY_ORDER, false, null, 0, QueryPlan.NO_LIMIT);
        scan(c, unbounded, snapshot, own, v -> {
            n[0]++;
            return true;
        });
        return n[0] + ownMatches(c, unbounded, own).size();
    }

    /** Own (uncommitted) writes that match the predicates and lie after the bound. */
    private static List<Pending> ownMatches(MemoryCollection c, QueryPlan plan, Map<Object, Pending> own) {
        if (own.isEmpty()) {
            return List.of();
        }
        List<Pending> out = new ArrayList<>();
        Comparator<StoredRecord> order = order(c, plan);
        StoredRecord bound = plan.after() == null ? null : boundRecord(c, plan);
        for (Pending p : own.values()) {
            if (!p.isDelete() && plan.matches(c.spec, p.indexValues())
                    && (bound == null || order.compare(p, bound) > 0)) {
                out.add(p);
            }
        }
        return out;
    }

    private static StoredRecord boundRecord(MemoryCollection c, QueryPlan plan) {
        Object[] values = new Object[c.spec.indexes().size()];
        if (plan.orderIndex() != QueryPlan.KEY_ORDER) {
            values[plan.orderIndex()] = plan.after().value();
        }
        return new Pending(plan.after().key(), 0, new byte[0], values);
    }

    /** The plan's order over stored records (a version or an own write). */
    static Comparator<StoredRecord> order(MemoryCollection c, QueryPlan plan) {
        int i = plan.orderIndex();
        return plan.order(c.spec, StoredRecord::key, r -> i == QueryPlan.KEY_ORDER ? null : indexValue(r, i));
    }

    private static Object indexValue(StoredRecord r, int i) {
        return r instanceof Version v ? v.indexValue(i) : ((Pending) r).indexValues()[i];
    }


    // ---- access paths ----

    private static void scan(MemoryCollection c, QueryPlan plan, long snapshot, Map<Object, Pending> own, Sink sink) {
        Visibility visible = new Visibility(c, plan.filters(), snapshot, own);
        AccessPath path = AccessPath.of(c.spec, plan);
        // Rows read through the path's ranges (entries of its exact index) skip the tests those ranges hold.
        List<Filter> residual = path.residual(plan.filters());
        Visibility inRanges = residual == plan.filters() ? visible : new Visibility(c, residual, snapshot, own);
        switch (path.order()) {
            case KEYS -> scanKeys(c, plan, visible, sink);
            case INDEX -> {
                if (plan.orderIndex() == QueryPlan.KEY_ORDER) {
                    IndexRange r = path.ranges().get(0);
                    scanEqualInKeyOrder(c, r.index(), r.low(), plan, inRanges, sink);
                } else {
                    scanOrdered(c, plan, path.ranges(), inRanges, sink);
                }
            }
            case SORT -> {
                if (!collectThenSort(c, path.ranges(), plan, inRanges, sink)) {
                    walkOrder(c, plan, visible, sink);
                }
            }
        }
    }

    /** The plan's order walked from its bound over the whole collection, each row tested. */
    private static void walkOrder(MemoryCollection c, QueryPlan plan, Visibility visible, Sink sink) {
        if (plan.orderIndex() == QueryPlan.KEY_ORDER) {
            scanKeys(c, plan, visible, sink);
        } else {
            scanOrdered(c, plan, List.of(new IndexRange(plan.orderIndex(), null, true, null, false)), visible, sink);
        }
    }

    /** Key order, from the bound. */
    private static void scanKeys(MemoryCollection c, QueryPlan plan, Visibility visible, Sink sink) {
        Iterable<Object> keys = c.keys.between(plan.after() == null ? null : plan.after().key(), null);
        HeadsBatch<Object> batch = new HeadsBatch<>(c.heads, (k, head) -> {
            Version v = visible.byHead(k, head);
            return v == null || sink.accept(v);
        });
        for (Object k : keys) {
            if (!batch.add(k, k)) {
                return;
            }
        }
        batch.flush();
    }

    /** Equality on an index: its entries for one value are already in key order. */
    private static void scanEqualInKeyOrder(MemoryCollection c, int index, Object value, QueryPlan plan,
            Visibility visible, Sink sink) {
        Object fromKey = plan.after() == null ? IndexEntry.LOW : plan.after().key();
        Iterable<IndexEntry> range = c.indexes[index].between(new IndexEntry(value, fromKey), above(value));
        emit(c, range, index, visible, sink);
    }

    /**
     * Index ranges (an OR's union, possibly over several indexes) collected, deduplicated and sorted
     * in the plan's order. Returns false, having emitted nothing, when the ranges hold too many rows
     * for that to beat walking the order and stopping at the limit.
     */
    private static boolean collectThenSort(MemoryCollection c, List<IndexRange> ranges, QueryPlan plan,
            Visibility visible, Sink sink) {
        long needed = needed(plan);
        long budget = needed > (Long.MAX_VALUE - SORT_BUDGET) / 8 ? Long.MAX_VALUE : needed * 8 + SORT_BUDGET;
        Comparator<StoredRecord> order = order(c, plan);
        StoredRecord bound = plan.after() == null ? null : boundRecord(c, plan);
        // Ranges of one index are disjoint; rows reached through two indexes must be counted once.
        Set<Object> seenKeys = ranges.stream().map(IndexRange::index).distinct().count() > 1 ? new HashSet<>() : null;
        List<Version> found = new ArrayList<>();
        long seen = 0;
        for (IndexRange r : ranges) {
            int index = r.index();
            HeadsBatch<IndexEntry> batch = new HeadsBatch<>(c.heads, (e, head) -> {
                Version v = visible.byEntry(index, e, head);
                if (v != null && (bound == null || order.compare(v, bound) > 0) && (seenKeys == null || seenKeys.add(v.key))) {
                    found.add(v);
                }
                return true;
            });
            for (IndexEntry e : range(c, r).entries()) {
                if (++seen > budget) {
                    return false;
                }
                batch.add(e.key(), e);
            }
            batch.flush();
        }
        found.sort(order);
        for (Version v : found) {
            if (!sink.accept(v)) {
                break;
            }
        }
        return true;
    }

    /** Ordered by an index: walk its ranges in order, from the bound. */
    private static void scanOrdered(MemoryCollection c, QueryPlan plan, List<IndexRange> ranges, Visibility visible, Sink sink) {
        if (!plan.descending()) {
            for (IndexRange r : ranges) {
                if (!scanAscending(c, plan, range(c, r), visible, sink)) {
                    return;
                }
            }
            return;
        }
        for (int i = ranges.size() - 1; i >= 0; i--) {
            if (!scanDescending(c, plan, range(c, ranges.get(i)), visible, sink)) {
                return;
            }
        }
    }

    private static boolean scanAscending(MemoryCollection c, QueryPlan plan, Range range, Visibility visible, Sink sink) {
        QueryPlan.Bound after = plan.after();
        Range from = after == null ? range : range.raiseLow(new IndexEntry(after.value(), after.key()));
        return emit(c, from.entries(), plan.orderIndex(), visible, sink);
    }

    /** Descending by value, but ties stay in ascending key order: walk value groups downwards, each group upwards. */
    private static boolean scanDescending(MemoryCollection c, QueryPlan plan, Range range, Visibility visible, Sink sink) {
        int index = plan.orderIndex();
        QueryPlan.Bound after = plan.after();
        IndexEntry group;
        if (after != null) {
            Range rest = range.raiseLow(new IndexEntry(after.value(), after.key())).lowerHigh(above(after.value()));
            if (!emit(c, rest.entries(), index, visible, sink)) {
                return false;
            }
            group = range.lowerWithin(below(after.value()));
        } else {
            group = range.lowerWithin(null);
        }
        while (group != null) {
            Object value = group.value();
            if (!emit(c, range.raiseLow(below(value)).lowerHigh(above(value)).entries(), index, visible, sink)) {
                return false;
            }
            group = range.lowerWithin(below(value));
        }
        return true;
    }

    /** Emits the visible, confirmed rows of index entries in their order; returns false if the sink stopped. */
    private static boolean emit(MemoryCollection c, Iterable<IndexEntry> entries, int index, Visibility visible, Sink sink) {
        HeadsBatch<IndexEntry> batch = new HeadsBatch<>(c.heads, (e, head) -> {
            Version v = visible.byEntry(index, e, head);
            return v == null || sink.accept(v);
        });
        for (IndexEntry e : entries) {
            if (!batch.add(e.key(), e)) {
                return false;
            }
        }
        return batch.flush();
    }

    /** An index range as a slice of the index between sentinel-keyed exclusive bounds. */
    private static Range range(MemoryCollection c, IndexRange r) {
        IndexType type = c.spec.index(r.index()).type();
        Range all = new Range(c.indexes[r.index()], IndexEntry.comparator(type, c.keyType), null, null);
        IndexEntry low = r.lowInclusive() ? below(r.low()) : above(r.low());
        IndexEntry high = r.unboundedAbove() ? null : r.highInclusive() ? above(r.high()) : below(r.high());
        return all.raiseLow(low).lowerHigh(high);
    }

    /** A slice of an index between two exclusive bounds (null = open). */
    private record Range(OrderedRuns<IndexEntry> runs, Comparator<IndexEntry> cmp, IndexEntry low, IndexEntry high) {
        Range raiseLow(IndexEntry bound) {
            if (bound == null || (low != null && cmp.compare(bound, low) <= 0)) {
                return this;
            }
            return new Range(runs, cmp, bound, high);
        }

        Range lowerHigh(IndexEntry bound) {
            if (bound == null || (high != null && cmp.compare(bound, high) >= 0)) {
                return this;
            }
            return new Range(runs, cmp, low, bound);
        }

        Iterable<IndexEntry> entries() {
            if (low != null && high != null && cmp.compare(low, high) >= 0) {
                return List.of();
            }
            return runs.between(low, high);
        }

        /** The greatest entry below {@code bound} (null: below the high end) that lies in the range. */
        IndexEntry lowerWithin(IndexEntry bound) {
            IndexEntry b = bound == null || (high != null && cmp.compare(bound, high) > 0) ? high : bound;
            IndexEntry e = runs.lower(b);
            return e == null || (low != null && cmp.compare(e, low) <= 0) ? null : e;
        }
    }

    /** Which index values {@code filters} read: only those are decoded for a row's test. */
    static boolean[] testedIndexes(List<Filter> filters, int indexCount) {
        boolean[] tested = new boolean[indexCount];
        markTested(filters, tested);
        return tested;
    }

    private static void markTested(List<Filter> filters, boolean[] tested) {
        for (Filter f : filters) {
            switch (f) {
                case Predicate p -> tested[p.index()] = true;
                case Filter.AnyOf any -> markTested(any.filters(), tested);
                case Filter.AllOf all -> markTested(all.filters(), tested);
            }
        }
    }

    private static IndexEntry below(Object value) {
        return new IndexEntry(value, IndexEntry.LOW);
    }

    private static IndexEntry above(Object value) {
        return new IndexEntry(value, IndexEntry.HIGH);
    }

    /**
     * Resolves index entries and keys, given the newest version of the key (looked up by a {@link
     * HeadsBatch}), to the version a snapshot sees, skipping keys the transaction itself wrote
     * (those come from its own writes), stale entries and non-matches.
     */
    private record Visibility(MemoryCollection c, List<Filter> filters, long snapshot, Map<Object, Pending> own, boolean[] tested) {
        Visibility(MemoryCollection c, List<Filter> filters, long snapshot, Map<Object, Pending> own) {
            this(c, filters, snapshot, own, testedIndexes(filters, c.spec.indexes().size()));
        }

        Version byHead(Object key, Version head) {
            if (!own.isEmpty() && own.containsKey(key)) {
                return null;
            }
            Version v = MemoryCollection.visibleFrom(head, snapshot);
            return v != null && (filters.isEmpty() || QueryPlan.allHold(filters, c.spec, v.indexValues(tested))) ? v : null;
        }

        Version byEntry(int index, IndexEntry e, Version head) {
            Version v = byHead(e.key(), head);
            return v != null && v.holds(index, e.value()) ? v : null;
        }
    }
}
