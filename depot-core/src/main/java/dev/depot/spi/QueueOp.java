package dev.depot.spi;

import dev.depot.Lease;
import dev.depot.Message;
import java.time.Duration;
import java.util.List;

/**
 * A queue operation buffered by a transaction ({@link Session#queue(QueueOp)}) and applied at its
 * commit, atomically with its record writes. Arguments are validated by core.
 */
public sealed interface QueueOp {

    /** The queue it acts on. */
    String queue();

    record Produce(String queue, List<Message> messages) implements QueueOp {
        public Produce {
            messages = List.copyOf(messages);
        }
    }

    record Complete(String queue, List<Lease> leases) implements QueueOp {
        public Complete {
            leases = List.copyOf(leases);
        }
    }

    record Retry(String queue, Lease lease, Duration delay) implements QueueOp {}

    record DeadLetter(String queue, Lease lease, String reason) implements QueueOp {}
}
