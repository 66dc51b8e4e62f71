package dev.depot.bench;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Per-thread position for the multi-threaded workloads, so threads do not share a counter. */
@State(Scope.Thread)
public class Cursor {
    private int position = (int) (Thread.currentThread().threadId() * 7_717);
    private long ops;

    /** The next record index in {@code 0..n-1}. */
    public int next(int n) {
        position = Data.next(position % n, n);
        return position;
    }

    /** True for one call out of four: the write share of the mixed workload. */
    public boolean writeTurn() {
        return (++ops & 3) == 0;
    }
}
