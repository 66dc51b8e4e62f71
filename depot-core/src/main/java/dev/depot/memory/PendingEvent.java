package dev.depot.memory;

import dev.depot.ChangeEvent;

/** A change event a transaction will emit if it commits; the sequence is assigned at commit. */
record PendingEvent(MemoryCollection collection, Object key, ChangeEvent.Op op, long version) {}
