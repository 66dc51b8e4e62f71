package dev.depot;

/**
 * A lease was used after it stopped being current: it expired (and the item may already be with
 * another consumer), or the item was completed, retried, dead-lettered, extended past or cleared
 * since. Nothing was changed. The caller must not assume it still owns the item; at-least-once
 * delivery means the item's work may be done again by whoever holds it now.
 */
public class LeaseExpiredException extends DepotException {
    public LeaseExpiredException(String message) {
        super(message);
    }
}
