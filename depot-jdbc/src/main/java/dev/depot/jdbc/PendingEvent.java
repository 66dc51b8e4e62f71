package dev.depot.jdbc;

import dev.depot.ChangeEvent;

/** A change event of a commit being applied; its time is the clock at apply, its sequence comes from the {@link Sequencer}. */
record PendingEvent(String collection, String key, ChangeEvent.Op op, long version) {}
