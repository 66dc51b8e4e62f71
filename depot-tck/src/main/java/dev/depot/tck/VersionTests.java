package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.NotFoundException;
import dev.depot.VersionConflictException;
import dev.depot.Versioned;
import dev.depot.tck.KitModel.Account;
import org.junit.jupiter.api.Test;

/** Store-maintained versions and optimistic locking with an expected version. */
abstract class VersionTests extends FeatureTests {

    VersionTests(DepotConformanceSuite suite) {
        super(suite);
    }

    private Versioned<Account> versioned(String id) {
        return accounts().getVersioned(id).orElseThrow();
    }

    @Test
    void everyWriteAddsOneToTheVersionWhicheverWayItIsMade() {
        accounts().insert(account("a", 1));
        accounts().update(account("a", 2));
        accounts().save(account("a", 3));
        accounts().update(account("a", 4), 3);
        accounts().saveAll(java.util.List.of(account("a", 5)));

        assertThat(versioned("a")).isEqualTo(new Versioned<>(account("a", 5), 5));
    }

    @Test
    void updateAtTheExpectedVersionSucceeds() {
        accounts().insert(account("a", 1));

        assertThat(accounts().update(account("a", 2), 1)).isEqualTo(2);
        assertThat(accounts().update(account("a", 3), 2)).isEqualTo(3);
        assertThat(versioned("a")).isEqualTo(new Versioned<>(account("a", 3), 3));
    }

    @Test
    void updateAtAStaleVersionFailsAndChangesNothing() {
        accounts().insert(account("a", 1));
        accounts().update(account("a", 2));
        long before = lastSequence();

        assertThatThrownBy(() -> accounts().update(account("a", 99), 1)).isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> accounts().update(account("a", 99), 3)).isInstanceOf(VersionConflictException.class);
        assertThat(versioned("a")).isEqualTo(new Versioned<>(account("a", 2), 2));
        assertThat(eventsAfter(before)).isEmpty();
    }

    @Test
    void updateWithAnExpectedVersionOfAMissingKeyIsNotFound() {
        assertThatThrownBy(() -> accounts().update(account("ghost", 1), 1)).isInstanceOf(NotFoundException.class);
        assertThat(accounts().exists("ghost")).isFalse();
    }

    @Test
    void deleteAtAStaleVersionFailsAndKeepsTheRecord() {
        accounts().insert(account("a", 1));
        accounts().update(account("a", 2));

        assertThatThrownBy(() -> accounts().delete("a", 1)).isInstanceOf(VersionConflictException.class);
        assertThat(versioned("a").version()).isEqualTo(2);
    }

    @Test
    void deleteAtTheExpectedVersionDeletesAndAMissingKeyIsFalse() {
        accounts().insert(account("a", 1));

        assertThat(accounts().delete("a", 1)).isTrue();
        assertThat(accounts().exists("a")).isFalse();
        assertThat(accounts().delete("a", 1)).isFalse();
    }

    @Test
    void aKeyInsertedAgainAfterDeleteStartsAtVersionOne() {
        accounts().insert(account("a", 1));
        accounts().update(account("a", 2));
        accounts().delete("a");

        assertThat(accounts().insert(account("a", 3))).isEqualTo(1);
        assertThat(versioned("a").version()).isEqualTo(1);
    }
}
