package dev.depot.spi;

import dev.depot.ChangeEvent;
import java.time.Duration;
import java.util.List;

/** A backend's change feed storage. Core builds subscriptions and commit outcomes on top of it. */
public interface ChangeLog {

    /**
     * Up to {@code limit} committed events with sequence greater than {@code afterSequence}, oldest
     * first, with no hole: the events returned are consecutive, starting right after {@code
     * afterSequence} or, if the retention or a clear dropped events after it, right after the newest
     * dropped one (the trim floor). Sequences are handed out without gaps, so a hole in what the
     * storage shows is a commit not yet visible: the answer stops before it, and a later call returns it.
     */
    List<ChangeEvent> since(long afterSequence, int limit);

    /** Sequence of the newest committed event, 0 if none. */
    long lastSequence();

    /**
     * Blocks until an event with sequence greater than {@code afterSequence} may be readable, or the
     * timeout passes. Spurious returns are allowed; callers re-read with {@link #since}.
     */
    void awaitAfter(long afterSequence, Duration timeout) throws InterruptedException;

    /**
     * A sequence already committed, known without I/O (possibly stale, never ahead of the truth); 0
     * when none is known. Every later commit gets greater sequences.
     */
    long knownSequence();

    /**
     * Which retained events carry {@code commitId} (see {@link Session#commit(String)}), and the trim
     * floor, read consistently once every commit in flight has ended.
     */
    CommitLookup lookup(String commitId);
}
