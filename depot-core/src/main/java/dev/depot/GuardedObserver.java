package dev.depot;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a faulty {@link DepotObserver} from changing what a depot call returns or throws: its
 * exceptions are swallowed, and the first one is logged (its class only: a message might quote
 * anything) so the fault is seen without flooding the log.
 */
final class GuardedObserver implements DepotObserver {
    private static final Logger LOG = LoggerFactory.getLogger(DepotObserver.class);

    private final DepotObserver delegate;
    private final AtomicBoolean logged = new AtomicBoolean();

    private GuardedObserver(DepotObserver delegate) {
        this.delegate = delegate;
    }

    /** {@code observer} guarded, or {@link DepotObserver#NONE} itself, which cannot fail. */
    static DepotObserver of(DepotObserver observer) {
        return observer == NONE || observer instanceof GuardedObserver ? observer : new GuardedObserver(observer);
    }

    @Override
    public void operationFinished(String collection, Operation operation, Outcome outcome, long durationNanos) {
        try {
            delegate.operationFinished(collection, operation, outcome, durationNanos);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void transactionRetried(int retry) {
        try {
            delegate.transactionRetried(retry);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void failed(RuntimeException e) {
        if (logged.compareAndSet(false, true)) {
            LOG.warn("Depot observer {} threw {}; it is ignored, and further failures of it are not logged",
                    delegate.getClass().getName(), e.getClass().getName());
        }
    }
}
