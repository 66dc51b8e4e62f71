package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Capability;
import dev.depot.DepotException;
import dev.depot.Q;
import dev.depot.Query;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.tck.KitModel.Account;
import dev.depot.tck.KitModel.Doc;
import dev.depot.tck.KitModel.Member;
import dev.depot.tck.KitModel.Player;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Invalid keys, names, values and query arguments fail at once, write nothing and leak nothing. */
abstract class BadInputTests extends FeatureTests {
    /** Stored in values; must never appear in an exception message. */
    static final String SECRET = "s3cr3t-value-that-must-not-leak";

    BadInputTests(DepotConformanceSuite suite) {
        super(suite);
    }

    private void assertRejectedAndNothingWritten(Records<String, Account> records, String key) {
        long before = lastSequence();
        assertThatThrownBy(() -> records.insert(account(key, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> records.save(account(key, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(records.count()).isZero();
        assertThat(eventsAfter(before)).isEmpty();
    }

    @Test
    void keysMustBeOneTo255Utf8Bytes() {
        assertRejectedAndNothingWritten(accounts(), "");
        assertRejectedAndNothingWritten(accounts(), "k".repeat(256));
        assertRejectedAndNothingWritten(accounts(), "\u00e9".repeat(128)); // 128 chars, 256 bytes
        assertRejectedAndNothingWritten(accounts(), "\uD83D\uDE00".repeat(64)); // 128 chars, 256 bytes
        assertRejectedAndNothingWritten(accounts(), "\u20ac".repeat(86)); // 86 chars, 258 bytes

        List<String> longest = List.of("k".repeat(255), "a" + "\u00e9".repeat(127), "abc" + "\uD83D\uDE00".repeat(63));
        for (String key : longest) {
            accounts().insert(account(key, 1));
            assertThat(accounts().get(key)).contains(account(key, 1));
        }
        assertThat(map(accounts().query().list(), Account::id)).containsExactlyInAnyOrderElementsOf(longest);
    }

    @Test
    void aNullKeyIsRejected() {
        assertThatThrownBy(() -> accounts().insert(account(null, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> accounts().get(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(accounts().count()).isZero();
    }

    @Test
    void collectionNamesAreValidated() {
        List<String> invalid = List.of("Bad-Name", "", "1abc", "_abc", "abc-def", "ABC", "a b", "a".repeat(64),
                "caf\u00e9");
        for (String name : invalid) {
            assertThatThrownBy(() -> Schema.of(name, String.class, Account.class))
                    .as("collection name '%s'", name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        Schema<String, Account> longest = Schema.of("a" + "_9".repeat(31), String.class, Account.class)
                .key(Account::id)
                .build();
        depot().records(longest).insert(account("k", 1));
        assertThat(depot().records(longest).count()).isEqualTo(1);
    }

    @Test
    void indexNamesAreValidatedAndUniqueIgnoringCase() {
        var builder = Schema.of("dup", String.class, Account.class).key(Account::id)
                .index("balance", Long.class, Account::balance);

        assertThatThrownBy(() -> builder.index("Balance", Long.class, Account::balance))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.index("bad-name", Long.class, Account::balance))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.index("ok", Object.class, a -> a))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nanIsRejectedOnADoubleIndexAndNothingIsWritten() {
        long before = lastSequence();

        assertThatThrownBy(() -> docs().insert(new Doc("d", null, Double.NaN, null, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> docs().query().where(Q.field("ratio").eq(Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(docs().exists("d")).isFalse();
        assertThat(eventsAfter(before)).isEmpty();
        docs().insert(new Doc("d", null, 1.0, null, null));
        assertThatThrownBy(() -> docs().update(new Doc("d", null, Double.NaN, null, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(docs().get("d").map(Doc::ratio)).contains(1.0);
    }

    @Test
    void undeclaredFieldsAreRejectedWhenTheQueryIsBuilt() {
        Query<Player> q = players().query();

        assertThatThrownBy(() -> q.where(Q.field("nope").eq(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.where(Q.field("email").eq("a@example.com")))
                .as("a record component that is not an index").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.orderBy("nope")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.where(Q.field("Score").eq(1))).as("index names are exact")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void valuesThatCannotBeCoercedAreRejectedWhenTheQueryIsBuilt() {
        Query<Player> q = players().query();

        assertThatThrownBy(() -> q.where(Q.field("score").eq("fifty"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.where(Q.field("score").eq(true))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.where(Q.field("score").in(1, "two"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.where(Q.field("name").eq(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.where(Q.field("joined").eq(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> docs().query().where(Q.field("flag").eq("yes")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.where(Q.field("score").startsWith("1")))
                .as("startsWith needs a String index").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullOperandsAreErrors() {
        assertThatThrownBy(() -> Q.field("name").eq(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Q.field("name").lt(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Q.field("name").between("a", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Q.field("name").in("a", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Q.field("name").in(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Q.field("name").startsWith(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidLimitsOffsetsAndVersionsAreRejected() {
        accounts().insert(account("a", 1));

        assertThatThrownBy(() -> accounts().query().limit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> accounts().query().offset(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> accounts().update(account("a", 2), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> accounts().delete("a", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(accounts().getVersioned("a").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void errorMessagesNameTheCollectionAndKeyButNeverAStoredValue() {
        String key = "the-key";
        accounts().insert(account(key, 42_4242));
        docs().insert(new Doc(key, SECRET, 1.0, null, null));
        List<Throwable> keyed = new ArrayList<>();
        keyed.add(thrown(() -> docs().insert(new Doc(key, SECRET + "-2", 2.0, null, null))));
        keyed.add(thrown(() -> docs().update(new Doc("missing-" + key, SECRET, 2.0, null, null))));
        keyed.add(thrown(() -> docs().update(new Doc(key, SECRET, 2.0, null, null), 7)));
        keyed.add(thrown(() -> docs().delete(key, 7)));
        if (has(Capability.UNIQUE_INDEXES)) {
            members().insert(new Member("holder", SECRET, SECRET));
            keyed.add(thrown(() -> members().insert(new Member(key, SECRET, "x"))));
        }
        List<Throwable> others = List.of(
                thrown(() -> docs().insert(new Doc("nan-" + key, SECRET, Double.NaN, null, null))),
                thrown(() -> docs().query().where(Q.field("tag").eq(SECRET)).after(SECRET).page()));

        for (Throwable t : keyed) {
            assertThat(t).isInstanceOf(DepotException.class);
            assertThat(t.getMessage()).contains(key).containsAnyOf("docs", "members").doesNotContain(SECRET);
        }
        for (Throwable t : others) {
            assertThat(t.getMessage()).contains("docs").doesNotContain(SECRET);
        }
        assertThat(thrown(() -> accounts().update(account(key, 5), 9)).getMessage()).doesNotContain("424242");
    }

    private static Throwable thrown(ThrowingCallable call) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(t).as("an exception").isNotNull();
        return t;
    }

    @Test
    void aValidButUnusualValueIsAccepted() {
        assertThatCode(() -> docs().insert(new Doc("odd", "", -0.0, false, new UUID(0, 0)))).doesNotThrowAnyException();
        assertThat(docs().query().where(Q.field("tag").eq("")).count()).isEqualTo(1);
        assertThat(docs().query().where(Q.field("ratio").eq(0.0)).count()).as("-0.0 and 0.0 are one value").isEqualTo(1);
        assertThat(docs().query().where(Q.field("tag").isNull()).count()).as("the empty string is not null").isZero();
    }
}
