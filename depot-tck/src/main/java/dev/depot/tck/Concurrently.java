package dev.depot.tck;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * Thread helpers for the kit. Every wait is bounded by {@link FeatureTests#HANG_GUARD}, which only
 * a hang reaches; synchronisation is by latches and barriers, never by sleeping.
 */
final class Concurrently {
    private static final Duration GUARD = FeatureTests.HANG_GUARD;
    /** How often a long run's progress is looked at while its tasks run. */
    private static final long PROGRESS_CHECK_MILLIS = 100;

    private Concurrently() {}

    /** Runs {@code task} on a new thread. */
    static <T> Future<T> async(Callable<T> task) {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            return one.submit(task);
        } finally {
            one.shutdown();
        }
    }

    /** Runs {@code task} on another thread and waits for its result. */
    static <T> T elsewhere(Callable<T> task) {
        return result(async(task));
    }

    /** Runs {@code task} on another thread and waits for it. */
    static void elsewhere(Runnable task) {
        elsewhere(() -> {
            task.run();
            return null;
        });
    }

    /** The result of {@code future}, rethrowing what the task threw. */
    static <T> T result(Future<T> future) {
        try {
            return future.get(GUARD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("hang guard: a task did not finish within " + GUARD, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** What {@code future} threw, or null if it completed normally. */
    static Throwable failure(Future<?> future) {
        try {
            result(future);
            return null;
        } catch (RuntimeException | AssertionError e) {
            return e;
        }
    }

    /**
     * Runs {@code task(0..threads-1)} on {@code threads} threads that start together, waits for all
     * of them (so that no thread of a failed test writes into the next one) and then rethrows the
     * first failure, with the others suppressed. The hang guard counts from the start or from the
     * last task that ended.
     */
    static void run(int threads, IntConsumer task) {
        run(threads, task, () -> 0);
    }

    /**
     * As {@link #run(int, IntConsumer)} for a run that may take far longer than the hang guard in all
     * (a deep run): {@code progress} counts the work done (say, items completed), and the run fails
     * as hung only when for the guard's length neither a task ended nor {@code progress} moved; the
     * tasks are then interrupted.
     */
    static void run(int threads, IntConsumer task, LongSupplier progress) {
        run(threads, task, progress, GUARD);
    }

    /** As {@link #run(int, IntConsumer, LongSupplier)} with another guard (the guard's own test). */
    static void run(int threads, IntConsumer task, LongSupplier progress, Duration guard) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int n = i;
            futures.add(async(() -> {
                await(start);
                task.accept(n);
                return null;
            }));
        }
        start.countDown();
        awaitAll(futures, progress, guard);
        Throwable first = null;
        for (Future<Object> f : futures) {
            Throwable t = failure(f);
            if (first == null) {
                first = t;
            } else if (t != null) {
                first.addSuppressed(t);
            }
        }
        if (first != null) {
            throw rethrow(first);
        }
    }

    /**
     * Returns when every future is done; throws the hang guard's AssertionError (after cancelling
     * them all) when for {@code guard} none ended and {@code progress} did not move.
     */
    private static void awaitAll(List<? extends Future<?>> futures, LongSupplier progress, Duration guard) {
        long seen = progress.getAsLong();
        long since = System.nanoTime();
        for (Future<?> f : futures) {
            boolean waited = !f.isDone();
            while (!f.isDone()) {
                try {
                    f.get(PROGRESS_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                } catch (ExecutionException | CancellationException e) {
                    break; // done: its failure is collected by the caller
                } catch (TimeoutException e) {
                    long now = progress.getAsLong();
                    if (now != seen) {
                        seen = now;
                        since = System.nanoTime();
                    } else if (System.nanoTime() - since > guard.toNanos()) {
                        futures.forEach(x -> x.cancel(true));
                        throw new AssertionError("hang guard: no task ended and no progress (at " + now + ") within " + guard);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            if (waited) {
                since = System.nanoTime(); // a task ended: progress
            }
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(GUARD.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("hang guard: a latch was not released within " + GUARD);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static void await(CyclicBarrier barrier) {
        try {
            barrier.await(GUARD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | BrokenBarrierException e) {
            throw new AssertionError("hang guard: a barrier was not reached by every party within " + GUARD, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Throws {@code t} as it is when unchecked, else wrapped in an AssertionError. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError("a task threw a checked exception", t);
    }
}
