package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;

class SpinningLockTest {

    /** Plain fields, so a lost update shows if two threads were ever inside at once. */
    private long counter;
    private int inside;
    private int maxInside;

    @Test
    void excludesOtherThreadsWhetherTheyGetInSpinningOrParked() throws Exception {
        SpinningLock lock = new SpinningLock(100);
        int threads = 6;
        int rounds = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < rounds; i++) {
                    lock.lock();
                    try {
                        inside++;
                        maxInside = Math.max(maxInside, inside);
                        counter++;
                        if (i % 1000 == 0) {
                            Thread.yield(); // held across a reschedule: others run out of tries and park
                        }
                        inside--;
                    } finally {
                        lock.unlock();
                    }
                }
            });
            th.start();
            ts.add(th);
        }
        start.countDown();
        for (Thread th : ts) {
            th.join();
        }
        lock.lock();
        try {
            assertThat(counter).isEqualTo((long) threads * rounds);
            assertThat(maxInside).isEqualTo(1);
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aWaiterThatRanOutOfTriesGetsTheLockWhenItIsReleased() throws Exception {
        SpinningLock lock = new SpinningLock(1);
        lock.lock();
        CountDownLatch got = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            lock.lock();
            got.countDown();
            lock.unlock();
        });
        waiter.start();
        while (!lock.hasQueuedThread(waiter)) { // parked in the lock's queue: its tries are spent
            Thread.onSpinWait();
        }
        assertThat(got.getCount()).isEqualTo(1);
        lock.unlock();
        assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
        waiter.join();
    }

    @Test
    void isReentrantAndItsConditionsWork() throws Exception {
        SpinningLock lock = new SpinningLock(100);
        Condition signalled = lock.newCondition();
        boolean[] ready = {false};
        Thread signaller = new Thread(() -> {
            lock.lock();
            try {
                ready[0] = true;
                signalled.signal();
            } finally {
                lock.unlock();
            }
        });
        lock.lock();
        lock.lock();
        try {
            assertThat(lock.getHoldCount()).isEqualTo(2);
            signaller.start();
            while (!ready[0]) {
                assertThat(signalled.await(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(lock.getHoldCount()).isEqualTo(2); // await gave back both holds and took them again
        } finally {
            lock.unlock();
            lock.unlock();
        }
        signaller.join();
        assertThat(lock.isLocked()).isFalse();
    }
}
