package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Attempt;
import dev.depot.Lease;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the producers and consumers of a delivery test saw, recorded concurrently and checked
 * afterwards against the queue contract: every item completed exactly once, none lost, every
 * redelivery preceded by an expiry (in clock time) or a successful retry, leases numbered without
 * gaps or repeats, and each item's own history agreeing with what its holders did.
 */
final class QueueHistory {
    private final Set<String> produced = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Lease> leases = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Lease> completed = new ConcurrentLinkedQueue<>();
    private final Set<String> retried = ConcurrentHashMap.newKeySet(); // tokens
    private final ConcurrentLinkedQueue<Lease> refused = new ConcurrentLinkedQueue<>();
    private final AtomicInteger completions = new AtomicInteger();

    void produced(List<String> ids) {
        produced.addAll(ids);
    }

    void leased(List<Lease> granted) {
        leases.addAll(granted);
    }

    void completed(List<Lease> done) {
        completed.addAll(done);
        completions.addAndGet(done.size());
    }

    void retried(Lease lease) {
        retried.add(lease.token());
    }

    /** A complete or retry that the queue refused as stale. */
    void refused(List<Lease> stale) {
        refused.addAll(stale);
    }

    int completions() {
        return completions.get();
    }

    int leaseCount() {
        return leases.size();
    }

    int refusals() {
        return refused.size();
    }

    int redeliveries() {
        return leases.size() - produced.size();
    }

    void check(int expectedItems) {
        assertThat(produced).as("produced ids are unique").hasSize(expectedItems);
        Map<String, Integer> completedCount = new HashMap<>();
        Map<String, Lease> completedBy = new HashMap<>();
        for (Lease l : completed) {
            completedCount.merge(l.id(), 1, Integer::sum);
            completedBy.put(l.id(), l);
        }
        assertThat(completedCount.keySet().equals(produced)).as("every produced item was completed, none lost: %d of %d",
                completedCount.size(), produced.size()).isTrue();
        completedCount.forEach((id, n) -> assertThat(n).as("item %s completed exactly once", id).isEqualTo(1));

        Map<String, List<Lease>> byItem = new HashMap<>();
        Set<String> tokens = new HashSet<>();
        for (Lease l : leases) {
            byItem.computeIfAbsent(l.id(), k -> new ArrayList<>()).add(l);
            assertThat(tokens.add(l.token())).as("fresh token per lease: %s", l).isTrue();
        }
        assertThat(produced.containsAll(byItem.keySet())).as("only produced items were leased").isTrue();
        for (Map.Entry<String, List<Lease>> e : byItem.entrySet()) {
            List<Lease> ls = e.getValue();
            ls.sort(Comparator.comparingInt(Lease::attempt));
            for (int i = 0; i < ls.size(); i++) {
                Lease l = ls.get(i);
                assertThat(l.attempt()).as("item %s: attempts 1..n, each leased once", e.getKey()).isEqualTo(i + 1);
                assertThat(l.history()).as("item %s attempt %d carries the earlier attempts", e.getKey(), l.attempt()).hasSize(i);
                if (i > 0) {
                    Lease before = ls.get(i - 1);
                    Attempt ended = l.history().get(i - 1);
                    assertThat(ended.number()).isEqualTo(before.attempt());
                    assertThat(ended.holder()).isEqualTo(before.holder());
                    if (retried.contains(before.token())) {
                        assertThat(ended.outcome()).as("item %s attempt %d was retried", e.getKey(), before.attempt())
                                .isEqualTo(Attempt.Outcome.RETRIED);
                    } else {
                        assertThat(ended.outcome()).as("item %s attempt %d was abandoned", e.getKey(), before.attempt())
                                .isEqualTo(Attempt.Outcome.EXPIRED);
                        assertThat(l.leasedAt()).as("item %s redelivered only after its lease expired", e.getKey())
                                .isAfterOrEqualTo(before.expiresAt());
                        assertThat(ended.endedAt()).isEqualTo(before.expiresAt());
                    }
                }
            }
            Lease last = ls.getLast();
            assertThat(completedBy.get(e.getKey()).token()).as("item %s was completed through its latest lease", e.getKey())
                    .isEqualTo(last.token());
        }
        for (Lease r : refused) {
            assertThat(tokens.contains(r.token())).as("a refused lease %s was granted", r).isTrue(); // a set lookup, not a scan
            List<Lease> ls = byItem.get(r.id());
            assertThat(ls.getLast().attempt()).as("a refused lease of item %s was superseded", r.id()).isGreaterThan(r.attempt());
        }
    }
}
