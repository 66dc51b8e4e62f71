package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Capability;
import dev.depot.ChangeEvent;
import dev.depot.ChangeFeed;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.tck.KitModel.Account;
import dev.depot.tck.KitModel.Doc;
import dev.depot.tck.KitModel.Item;
import dev.depot.tck.KitModel.Member;
import dev.depot.tck.KitModel.Player;
import dev.depot.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/** Base of the feature groups: the suite's depot and clock, the kit's collections and small helpers. */
abstract class FeatureTests {
    /** Upper bound of every wait; only reached when something hangs. Never a timing assertion. */
    static final Duration HANG_GUARD = Duration.ofSeconds(30);

    private final DepotConformanceSuite suite;

    FeatureTests(DepotConformanceSuite suite) {
        this.suite = suite;
    }

    /** The capability every test of this group needs: records, unless the group says otherwise. */
    Capability groupCapability() {
        return Capability.RECORDS;
    }

    /** Skips the whole group on a backend that declares it lacks the group's capability (a blobs-only backend skips record groups). */
    @BeforeEach
    final void skipGroupWithoutItsCapability() {
        assumeCapability(groupCapability());
    }

    final Depot depot() {
        return suite.depot();
    }

    final TestClock clock() {
        return suite.clock();
    }

    final DepotFixture fixture() {
        return suite.fixtureInUse();
    }

    final Records<UUID, Player> players() {
        return depot().records(KitModel.PLAYERS);
    }

    final Records<String, Account> accounts() {
        return depot().records(KitModel.ACCOUNTS);
    }

    final Records<Long, Item> items() {
        return depot().records(KitModel.ITEMS);
    }

    final Records<String, Doc> docs() {
        return depot().records(KitModel.DOCS);
    }

    final Records<String, Member> members() {
        return depot().records(KitModel.MEMBERS);
    }

    final ChangeFeed feed() {
        return depot().changes();
    }

    final boolean has(Capability capability) {
        return depot().capabilities().has(capability);
    }

    /** Skips the calling test when the backend declares it lacks {@code capability}. */
    final void assumeCapability(Capability capability) {
        Assumptions.assumeTrue(has(capability), () -> fixture().name() + " declares no " + capability);
    }

    /** The change events after {@code sequence}, or an empty list when the backend has no feed. */
    final List<ChangeEvent> eventsAfter(long sequence) {
        return has(Capability.CHANGE_FEED) ? feed().since(sequence, 10_000) : List.of();
    }

    /** The newest sequence, or 0 when the backend has no feed. */
    final long lastSequence() {
        return has(Capability.CHANGE_FEED) ? feed().lastSequence() : 0;
    }

    /** Runs {@code work} on the accounts collection in a transaction, which commits when it returns. */
    final void onAccountsInATransaction(Consumer<Records<String, Account>> work) {
        depot().transact(tx -> {
            work.accept(tx.records(KitModel.ACCOUNTS));
            return null;
        });
    }

    static Player player(String name, int score) {
        return new Player(UUID.randomUUID(), name, name.toLowerCase() + "@example.com", score,
                DepotConformanceSuite.START);
    }

    static Account account(String id, long balance) {
        return new Account(id, balance);
    }

    static <T, R> List<R> map(List<T> values, Function<T, R> f) {
        return values.stream().map(f).toList();
    }

    static List<String> names(List<Player> players) {
        return map(players, Player::name);
    }

    static List<String> ids(List<Doc> docs) {
        return map(docs, Doc::id);
    }

    static long balanceOf(Records<String, Account> accounts, String id) {
        return accounts.get(id).orElseThrow(() -> new AssertionError("account " + id + " is missing")).balance();
    }

    static void assertStrictlyIncreasing(List<ChangeEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).sequence())
                    .as("sequence of event %d", i)
                    .isGreaterThan(events.get(i - 1).sequence());
        }
    }
}
