package dev.depot;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@link WorkQueue#list} and {@link WorkQueue#inspect} show of an item: enough to see what is
 * stuck and why. A snapshot; it does not change when the item does.
 *
 * @param id the item's id
 * @param state where it stands
 * @param payload its bytes (a copy is returned)
 * @param headers its headers
 * @param dedupKey its dedup key, or null
 * @param attempts leases it got in this queue so far
 * @param producedAt when it was produced
 * @param readyAt when it became (or becomes, if scheduled) ready
 * @param expiresAt the deadline set by {@code expireAfter}, or null
 * @param leaseExpiresAt for a leased item, when the current lease ends; else null
 * @param holder for a leased item, who holds it; else null
 * @param deadReason for a dead item, or one that came from another queue as a dead letter, why it
 *     died; else null
 * @param deadFrom the queue it died in, if it came here as a dead letter; else null
 * @param history its leases that ended without completion, oldest first
 */
public record QueueItem(String id, ItemState state, byte[] payload, Map<String, String> headers, String dedupKey, int attempts,
        Instant producedAt, Instant readyAt, Instant expiresAt, Instant leaseExpiresAt, String holder, String deadReason,
        String deadFrom, List<Attempt> history) {

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Never shows the payload or header values. */
    @Override
    public String toString() {
        return "QueueItem[" + id + ", " + state + ", attempts " + attempts + (deadReason == null ? "" : ", dead: " + deadReason) + "]";
    }
}
