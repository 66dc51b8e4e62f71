package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Capability;
import dev.depot.ChangeEvent;
import dev.depot.ConflictException;
import dev.depot.Records;
import dev.depot.tck.KitModel.Account;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Commits of different keys overlap in time, on backends whose fixture promises it ({@link
 * DepotFixture#commitHold()}): one commit is held inside the backend, and others complete meanwhile.
 * Not a timing test: a backend that applied commits one at a time could not complete them, and the
 * hang guard would fail the test.
 */
abstract class ParallelCommitTests extends FeatureTests {

    ParallelCommitTests(DepotConformanceSuite suite) {
        super(suite);
    }

    private CommitHold hold() {
        Optional<CommitHold> hold = fixture().commitHold();
        Assumptions.assumeTrue(hold.isPresent(), fixture().name() + " does not promise parallel commits");
        return hold.get();
    }

    @Test
    void whileOneCommitIsHeldInsideTheBackendCommitsOfOtherKeysComplete() {
        assumeCapability(Capability.TRANSACTIONS);
        CommitHold hold = hold();
        accounts().insert(account("a", 1));
        accounts().insert(account("b", 1));
        long before = feed().lastSequence();
        AtomicReference<Long> aWhileHeld = new AtomicReference<>();
        AtomicReference<List<ChangeEvent>> feedWhileHeld = new AtomicReference<>();
        hold.holdNext("a", () -> {
            // Inside a's commit, on its thread: other threads commit other keys, to the end.
            Concurrently.elsewhere(() -> depot().transact(tx -> tx.records(KitModel.ACCOUNTS).update(account("b", 2))));
            Concurrently.elsewhere(() -> accounts().insert(account("c", 1)));
            aWhileHeld.set(Concurrently.elsewhere(() -> balanceOf(accounts(), "a")));
            feedWhileHeld.set(Concurrently.elsewhere(() -> feed().since(before)));
        });
        try {
            depot().transact(tx -> tx.records(KitModel.ACCOUNTS).update(account("a", 2)));
        } finally {
            hold.disarm();
        }

        assertThat(aWhileHeld.get()).as("a held commit is not visible").isEqualTo(1);
        assertThat(keys(feedWhileHeld.get())).as("the commits that completed meanwhile are in the feed, the held one is not")
                .containsExactly("b", "c");
        assertThat(accounts().query().list()).containsExactly(account("a", 2), account("b", 2), account("c", 1));
        List<ChangeEvent> after = feed().since(before);
        assertThat(keys(after)).as("numbered in the order they became visible").containsExactly("b", "c", "a");
        assertThat(after.getLast().sequence()).isEqualTo(before + 3);
    }

    @Test
    void aHeldCommitStillWinsItsKeyFirstCommitterWins() {
        assumeCapability(Capability.TRANSACTIONS);
        CommitHold hold = hold();
        accounts().insert(account("a", 1));
        CountDownLatch rivalRead = new CountDownLatch(1);
        AtomicReference<Future<Object>> rival = new AtomicReference<>();
        hold.holdNext("a", () -> {
            // A transaction that read a before the held commit ends, and then writes a too.
            rival.set(Concurrently.async(() -> depot().transact(tx -> {
                Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
                long seen = balanceOf(acc, "a");
                rivalRead.countDown();
                acc.update(account("a", seen + 100));
                return null;
            })));
            Concurrently.await(rivalRead);
        });
        try {
            depot().transact(tx -> tx.records(KitModel.ACCOUNTS).update(account("a", 2)));
        } finally {
            hold.disarm();
        }

        assertThat(Concurrently.failure(rival.get())).as("the rival committed second: it must lose")
                .isInstanceOf(ConflictException.class);
        assertThat(balanceOf(accounts(), "a")).isEqualTo(2);
        assertThat(feed().since(0)).extracting(ChangeEvent::key).containsExactly("a", "a");
    }

    private static List<String> keys(List<ChangeEvent> events) {
        List<String> out = new ArrayList<>();
        for (ChangeEvent e : events) {
            out.add(e.key());
        }
        return out;
    }
}
