package dev.depot;

import dev.depot.spi.QueueOp;
import java.time.Duration;
import java.util.List;

/** {@link TransactionQueue}: validates at the call, buffers in the transaction's session, applied at commit. */
final class DefaultTransactionQueue implements TransactionQueue {
    private final String name;
    private final DefaultTransaction tx;

    DefaultTransactionQueue(String name, DefaultTransaction tx) {
        this.name = name;
        this.tx = tx;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void produce(Message message) {
        QueueRules.checkMessage(name, message);
        tx.session().queue(new QueueOp.Produce(name, List.of(message)));
    }

    @Override
    public void produce(List<Message> messages) {
        QueueRules.checkBatch(name, messages, "messages");
        for (Message m : messages) {
            QueueRules.checkMessage(name, m);
        }
        tx.session().queue(new QueueOp.Produce(name, messages));
    }

    @Override
    public void complete(Lease lease) {
        QueueRules.checkLease(name, lease);
        tx.session().queue(new QueueOp.Complete(name, List.of(lease)));
    }

    @Override
    public void complete(List<Lease> leases) {
        QueueRules.checkLeases(name, leases);
        tx.session().queue(new QueueOp.Complete(name, leases));
    }

    @Override
    public void retry(Lease lease, Duration delay) {
        QueueRules.checkLease(name, lease);
        QueueRules.checkDelay(name, delay, "retry delay");
        tx.session().queue(new QueueOp.Retry(name, lease, delay));
    }

    @Override
    public void deadLetter(Lease lease, String reason) {
        QueueRules.checkLease(name, lease);
        QueueRules.checkReason(name, reason);
        tx.session().queue(new QueueOp.DeadLetter(name, lease, reason));
    }

    @Override
    public String toString() {
        return "TransactionQueue[" + name + "]";
    }
}
