package dev.depot;

import java.time.Duration;
import java.util.List;

/**
 * A work queue seen from inside {@link Depot#transact}: what is done here takes effect when the
 * transaction commits, together with its record writes, or not at all. Produced items are invisible
 * to consumers until then. Leases are checked at commit: if any is no longer current, the commit
 * throws {@link LeaseExpiredException} and applies nothing — records included. Leasing itself is not
 * transactional (lease outside, settle inside).
 */
public interface TransactionQueue {

    String name();

    /** Produces at commit (dedup is decided then). */
    void produce(Message message);

    /** Produces 1 to 1,000 items at commit. */
    void produce(List<Message> messages);

    /** Completes at commit. */
    void complete(Lease lease);

    /** Completes 1 to 1,000 leases at commit; all or nothing. */
    void complete(List<Lease> leases);

    /** Retries at commit, as {@link WorkQueue#retry(Lease, Duration)}. */
    void retry(Lease lease, Duration delay);

    /** Dead-letters at commit, as {@link WorkQueue#deadLetter(Lease, String)}. */
    void deadLetter(Lease lease, String reason);
}
