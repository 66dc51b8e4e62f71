package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.AlreadyExistsException;
import dev.depot.Capability;
import dev.depot.NotFoundException;
import dev.depot.Records;
import dev.depot.UniqueConstraintException;
import dev.depot.VersionConflictException;
import dev.depot.tck.KitModel.Member;
import dev.depot.tck.KitModel.Player;
import dev.depot.tck.KitModel.Priority;
import dev.depot.tck.KitModel.Sku;
import dev.depot.tck.KitModel.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Record errors carry what they are about as values, the same on every backend: collection, key
 * (text form, as in change events), expected and actual version, unique index.
 */
abstract class ExceptionDetailTests extends FeatureTests {
    ExceptionDetailTests(DepotConformanceSuite suite) {
        super(suite);
    }

    @Test
    void anInsertOfAnExistingKeyNamesCollectionAndKey() {
        accounts().insert(account("x", 1));

        assertThatThrownBy(() -> accounts().insert(account("x", 2)))
                .isInstanceOfSatisfying(AlreadyExistsException.class, e -> {
                    assertThat(e.collection()).contains("accounts");
                    assertThat(e.key()).contains("x");
                });
    }

    @Test
    void anUpdateOfAMissingKeyNamesCollectionAndKeyInItsTextForm() {
        Player ghost = player("Ghost", 1);

        assertThatThrownBy(() -> players().update(ghost))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.collection()).contains("players");
                    assertThat(e.key()).contains(ghost.id().toString());
                });
        Records<Sku, Task> tasks = depot().records(KitModel.TASKS);
        assertThatThrownBy(() -> tasks.update(new Task(new Sku("SKU-9"), Priority.MIKE, 1f, (short) 1)))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.key()).contains("SKU-9"));
    }

    @Test
    void aVersionConflictCarriesTheExpectedAndTheActualVersion() {
        accounts().insert(account("x", 1));
        accounts().update(account("x", 2));

        assertThatThrownBy(() -> accounts().update(account("x", 3), 1))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.collection()).contains("accounts");
                    assertThat(e.key()).contains("x");
                    assertThat(e.expectedVersion()).isEqualTo(1);
                    assertThat(e.actualVersion()).isEqualTo(2);
                });
        assertThatThrownBy(() -> accounts().delete("x", 7))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.expectedVersion()).isEqualTo(7);
                    assertThat(e.actualVersion()).isEqualTo(2);
                });
    }

    @Test
    void aUniqueViolationNamesTheIndexAndTheKeyBeingWritten() {
        assumeCapability(Capability.UNIQUE_INDEXES);
        members().insert(new Member("m1", "ann@example.com", null));

        assertThatThrownBy(() -> members().insert(new Member("m2", "ann@example.com", null)))
                .isInstanceOfSatisfying(UniqueConstraintException.class, e -> {
                    assertThat(e.collection()).contains("members");
                    assertThat(e.key()).contains("m2");
                    assertThat(e.index()).contains("email");
                });
        assertThatThrownBy(() -> members().saveAll(List.of(new Member("m3", "bob@example.com", null),
                new Member("m4", "ann@example.com", null))))
                .isInstanceOfSatisfying(UniqueConstraintException.class, e -> {
                    assertThat(e.key()).contains("m4");
                    assertThat(e.index()).contains("email");
                });
    }

    @Test
    void aUniqueViolationInsideATransactionCarriesTheSameValues() {
        assumeCapability(Capability.UNIQUE_INDEXES);
        assumeCapability(Capability.TRANSACTIONS);
        members().insert(new Member("m1", "ann@example.com", null));

        assertThatThrownBy(() -> depot().inTransaction(tx -> tx.records(KitModel.MEMBERS)
                .insert(new Member("m2", "ann@example.com", null))))
                .isInstanceOfSatisfying(UniqueConstraintException.class, e -> {
                    assertThat(e.collection()).contains("members");
                    assertThat(e.key()).contains("m2");
                    assertThat(e.index()).contains("email");
                });
    }
}
