package dev.depot.memory;

import dev.depot.Condition;
import dev.depot.spi.CodePoints;
import dev.depot.spi.IndexType;
import dev.depot.spi.Predicate;
import dev.depot.spi.QueryPlan;
import dev.depot.spi.StoredRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a {@link QueryPlan} on a memory collection at a snapshot, merged with a transaction's own
 * writes. Every access path walks an ordered structure from its start point and stops as soon as
 * enough rows are found: an indexed equality, range or ordered page costs O(log n + k).
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
        long wanted = plan.limit() == QueryPlan.NO_LIMIT ? Long.MAX_VALUE : plan.offset() + plan.limit();
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

    static long count(MemoryCollection c, QueryPlan plan, long snapshot, Map<Object, Pending> own) {
        long[] n = {0};
        QueryPlan unbounded = new QueryPlan(plan.predicates(), QueryPlan.KEY_ORDER, false, null, 0, QueryPlan.NO_LIMIT);
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
        Visibility visible = new Visibility(c, plan, snapshot, own);
        if (plan.orderIndex() != QueryPlan.KEY_ORDER) {
            scanOrdered(c, plan, visible, sink);
            return;
        }
        Predicate best = bestPredicate(plan.predicates());
        if (best == null) {
            scanKeys(c, plan, visible, sink);
        } else if (best.operator() == Condition.Operator.EQ) {
            scanEqualInKeyOrder(c, best.index(), best.value(), plan, visible, sink);
        } else if (!scanRangeThenSort(c, best, plan, visible, sink)) {
            scanKeys(c, plan, visible, sink);
        }
    }

    /** Key order, from the bound. */
    private static void scanKeys(MemoryCollection c, QueryPlan plan, Visibility visible, Sink sink) {
        Iterable<Object> keys = c.keys.between(plan.after() == null ? null : plan.after().key(), null);
        for (Object k : keys) {
            Version v = visible.byKey(k);
            if (v != null && !sink.accept(v)) {
                return;
            }
        }
    }

    /** Equality on an index: its entries for one value are already in key order. */
    private static void scanEqualInKeyOrder(MemoryCollection c, int index, Object value, QueryPlan plan,
            Visibility visible, Sink sink) {
        Object fromKey = plan.after() == null ? IndexEntry.LOW : plan.after().key();
        Iterable<IndexEntry> range = c.indexes[index].between(new IndexEntry(value, fromKey), above(value));
        for (IndexEntry e : range) {
            Version v = visible.byEntry(index, e);
            if (v != null && !sink.accept(v)) {
                return;
            }
        }
    }

    /**
     * A range (or IN, prefix, null test) on an index with results wanted in key order: collect the
     * matches and sort them by key. Returns false, having emitted nothing, when the range holds too
     * many rows for that to beat a key-order scan.
     */
    private static boolean scanRangeThenSort(MemoryCollection c, Predicate best, QueryPlan plan,
            Visibility visible, Sink sink) {
        long needed = plan.limit() == QueryPlan.NO_LIMIT ? Long.MAX_VALUE : plan.offset() + plan.limit();
        long budget = needed == Long.MAX_VALUE ? Long.MAX_VALUE : needed * 8 + SORT_BUDGET;
        Iterable<IndexEntry> range = range(c, best.index(), plan.predicates()).entries();
        List<Version> found = new ArrayList<>();
        long seen = 0;
        for (IndexEntry e : range) {
            if (++seen > budget) {
                return false;
            }
            Version v = visible.byEntry(best.index(), e);
            if (v != null && (plan.after() == null || c.keyType.compare(v.key, plan.after().key()) > 0)) {
                found.add(v);
            }
        }
        found.sort((a, b) -> c.keyType.compare(a.key, b.key));
        for (Version v : found) {
            if (!sink.accept(v)) {
                break;
            }
        }
        return true;
    }

    /** Ordered by an index: walk it in order within the predicates' range, from the bound. */
    private static void scanOrdered(MemoryCollection c, QueryPlan plan, Visibility visible, Sink sink) {
        int index = plan.orderIndex();
        Range range = range(c, index, plan.predicates());
        QueryPlan.Bound after = plan.after();
        if (!plan.descending()) {
            Range from = after == null ? range : range.raiseLow(new IndexEntry(after.value(), after.key()));
            emit(from.entries(), index, visible, sink);
            return;
        }
        // Descending by value, but ties stay in ascending key order: walk value groups downwards,
        // each group upwards.
        IndexEntry group;
        if (after != null) {
            Range rest = range.raiseLow(new IndexEntry(after.value(), after.key())).lowerHigh(above(after.value()));
            if (!emit(rest.entries(), index, visible, sink)) {
                return;
            }
            group = range.lowerWithin(below(after.value()));
        } else {
            group = range.lowerWithin(null);
        }
        while (group != null) {
            Object value = group.value();
            if (!emit(range.raiseLow(below(value)).lowerHigh(above(value)).entries(), index, visible, sink)) {
                return;
            }
            group = range.lowerWithin(below(value));
        }
    }

    private static boolean emit(Iterable<IndexEntry> entries, int index, Visibility visible, Sink sink) {
        for (IndexEntry e : entries) {
            Version v = visible.byEntry(index, e);
            if (v != null && !sink.accept(v)) {
                return false;
            }
        }
        return true;
    }

    /** The part of an index that the predicates on it allow. */
    private static Range range(MemoryCollection c, int index, List<Predicate> predicates) {
        IndexType type = c.spec.index(index).type();
        Range r = new Range(c.indexes[index], IndexEntry.comparator(type, c.keyType), null, null);
        for (Predicate p : predicates) {
            if (p.index() == index) {
                IndexEntry[] b = bounds(type, p);
                r = r.raiseLow(b[0]).lowerHigh(b[1]);
            }
        }
        return r;
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

    /** Sentinel-keyed exclusive bounds {low, high} of one predicate; null where unbounded. */
    private static IndexEntry[] bounds(IndexType type, Predicate p) {
        IndexEntry afterNulls = new IndexEntry(null, IndexEntry.HIGH);
        return switch (p.operator()) {
            case EQ -> new IndexEntry[] {below(p.value()), above(p.value())};
            case IN -> new IndexEntry[] {below(p.values().get(0)), above(p.values().get(p.values().size() - 1))};
            case LT -> new IndexEntry[] {afterNulls, below(p.value())};
            case LE -> new IndexEntry[] {afterNulls, above(p.value())};
            case GT -> new IndexEntry[] {above(p.value()), null};
            case GE -> new IndexEntry[] {below(p.value()), null};
            case BETWEEN -> new IndexEntry[] {below(p.values().get(0)), above(p.values().get(1))};
            case STARTS_WITH -> {
                String upper = CodePoints.prefixUpperBound((String) p.value());
                yield new IndexEntry[] {below(p.value()), upper == null ? null : below(upper)};
            }
            case IS_NULL -> new IndexEntry[] {below(null), afterNulls};
            case IS_NOT_NULL -> new IndexEntry[] {afterNulls, null};
        };
    }

    private static IndexEntry below(Object value) {
        return new IndexEntry(value, IndexEntry.LOW);
    }

    private static IndexEntry above(Object value) {
        return new IndexEntry(value, IndexEntry.HIGH);
    }

    /** The most selective predicate to drive a key-ordered query, or null to scan keys. */
    private static Predicate bestPredicate(List<Predicate> predicates) {
        Predicate best = null;
        int bestRank = Integer.MAX_VALUE;
        for (Predicate p : predicates) {
            int rank = switch (p.operator()) {
                case EQ -> 0;
                case IN -> 1;
                case BETWEEN, STARTS_WITH -> 2;
                case LT, LE, GT, GE -> 3;
                case IS_NULL -> 4;
                case IS_NOT_NULL -> 5;
            };
            if (rank < bestRank) {
                best = p;
                bestRank = rank;
            }
        }
        return bestRank >= 5 ? null : best;
    }

    /**
     * Resolves index entries and keys to the version a snapshot sees, skipping keys the
     * transaction itself wrote (those come from its own writes), stale entries and non-matches.
     */
    private record Visibility(MemoryCollection c, QueryPlan plan, long snapshot, Map<Object, Pending> own) {
        Version byKey(Object key) {
            if (!own.isEmpty() && own.containsKey(key)) {
                return null;
            }
            Version v = c.visible(key, snapshot);
            return v != null && (plan.predicates().isEmpty() || plan.matches(c.spec, v.indexValues())) ? v : null;
        }

        Version byEntry(int index, IndexEntry e) {
            Version v = byKey(e.key());
            return v != null && Objects.equals(v.indexValue(index), e.value()) ? v : null;
        }
    }
}
