package dev.depot.jdbc;

import dev.depot.ChangeEvent;

/** A change event waiting for its commit; the sequence and time are assigned under the feed lock. */
record PendingEvent(String collection, String key, ChangeEvent.Op op, long version) {}
