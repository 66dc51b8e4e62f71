package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Capability;
import dev.depot.Q;
import dev.depot.UniqueConstraintException;
import dev.depot.Versioned;
import dev.depot.tck.KitModel.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Unique indexes: a taken value is refused and nothing is written. */
abstract class UniqueIndexTests extends FeatureTests {

    UniqueIndexTests(DepotConformanceSuite suite) {
        super(suite);
    }

    @BeforeEach
    void requireUniqueIndexes() {
        assumeCapability(Capability.UNIQUE_INDEXES);
    }

    private static Member member(String id, String email) {
        return new Member(id, email, "note of " + id);
    }

    @Test
    void insertingATakenValueFailsAndWritesNothing() {
        members().insert(member("m1", "ann@example.com"));
        long before = lastSequence();

        assertThatThrownBy(() -> members().insert(member("m2", "ann@example.com")))
                .isInstanceOf(UniqueConstraintException.class);
        assertThatThrownBy(() -> members().save(member("m2", "ann@example.com")))
                .isInstanceOf(UniqueConstraintException.class);

        assertThat(members().exists("m2")).isFalse();
        assertThat(members().query().where(Q.field("email").eq("ann@example.com")).list())
                .containsExactly(member("m1", "ann@example.com"));
        assertThat(eventsAfter(before)).isEmpty();
    }

    @Test
    void updatingToATakenValueFailsAndChangesNothing() {
        members().insert(member("m1", "ann@example.com"));
        members().insert(member("m2", "bob@example.com"));

        assertThatThrownBy(() -> members().update(member("m2", "ann@example.com")))
                .isInstanceOf(UniqueConstraintException.class);

        assertThat(members().getVersioned("m2")).contains(new Versioned<>(member("m2", "bob@example.com"), 1));
    }

    @Test
    void aRecordMayRewriteItsOwnValue() {
        members().insert(member("m1", "ann@example.com"));

        assertThat(members().update(new Member("m1", "ann@example.com", "changed note"))).isEqualTo(2);
    }

    @Test
    void aValueIsFreeAgainOnceItsHolderChangesIt() {
        members().insert(member("m1", "ann@example.com"));
        members().update(member("m1", "ann.new@example.com"));

        members().insert(member("m2", "ann@example.com"));

        assertThat(members().get("m2")).isPresent();
    }

    @Test
    void aValueIsFreeAgainOnceItsHolderIsDeleted() {
        members().insert(member("m1", "ann@example.com"));
        members().delete("m1");

        members().insert(member("m2", "ann@example.com"));

        assertThat(members().get("m2")).isPresent();
    }

    @Test
    void nullsAreNotConstrained() {
        members().insert(member("m1", null));
        members().insert(member("m2", null));

        assertThat(members().query().where(Q.field("email").isNull()).count()).isEqualTo(2);
    }

    @Test
    void saveAllWithAClashWritesNothing() {
        members().insert(member("m0", "taken@example.com"));
        List<Member> clashWithinBatch = List.of(member("m1", "same@example.com"), member("m2", "same@example.com"));
        List<Member> clashWithStored = List.of(member("m3", "free@example.com"), member("m4", "taken@example.com"));

        assertThatThrownBy(() -> members().saveAll(clashWithinBatch)).isInstanceOf(UniqueConstraintException.class);
        assertThatThrownBy(() -> members().saveAll(clashWithStored)).isInstanceOf(UniqueConstraintException.class);

        assertThat(map(members().query().list(), Member::id)).containsExactly("m0");
    }

    @Test
    void saveAllMayMoveAValueBetweenRecordsOfTheBatch() {
        members().insert(member("m1", "ann@example.com"));

        members().saveAll(List.of(member("m1", "other@example.com"), member("m2", "ann@example.com")));

        assertThat(members().get("m2").map(Member::email)).contains("ann@example.com");
    }

    @Test
    void insideATransactionAViolationIsReportedAtTheWriteCall() {
        assumeCapability(Capability.TRANSACTIONS);
        members().insert(member("m1", "ann@example.com"));

        depot().transact(tx -> {
            var records = tx.records(KitModel.MEMBERS);
            records.insert(member("m2", "bob@example.com"));
            assertThatThrownBy(() -> records.insert(member("m3", "ann@example.com")))
                    .isInstanceOf(UniqueConstraintException.class);
            assertThatThrownBy(() -> records.insert(member("m4", "bob@example.com")))
                    .as("a value taken by the transaction's own write")
                    .isInstanceOf(UniqueConstraintException.class);
            assertThatThrownBy(() -> records.saveAll(List.of(member("m5", "new@example.com"), member("m6", "ann@example.com"))))
                    .as("a batch is all or nothing inside a transaction too")
                    .isInstanceOf(UniqueConstraintException.class);
            assertThat(records.exists("m5")).isFalse();
            return null;
        });

        assertThat(map(members().query().list(), Member::id)).containsExactly("m1", "m2");
    }

    @Test
    void concurrentTransactionsCannotBothTakeAValue() {
        assumeCapability(Capability.TRANSACTIONS);
        CyclicBarrier bothHaveSnapshots = new CyclicBarrier(2);

        List<Future<Object>> racers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = "m" + i;
            racers.add(Concurrently.async(() -> depot().transact(tx -> {
                var records = tx.records(KitModel.MEMBERS);
                records.get(id);
                Concurrently.await(bothHaveSnapshots);
                records.insert(member(id, "ann@example.com"));
                return null;
            })));
        }
        List<Throwable> outcome = map(racers, Concurrently::failure);

        assertThat(outcome.stream().filter(Objects::nonNull)).as("exactly one transaction fails")
                .singleElement()
                .isInstanceOf(UniqueConstraintException.class);
        assertThat(members().query().where(Q.field("email").eq("ann@example.com")).count()).isEqualTo(1);
        assertThat(members().count()).isEqualTo(1);
    }
}
