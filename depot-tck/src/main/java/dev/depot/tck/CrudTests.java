package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.AlreadyExistsException;
import dev.depot.NotFoundException;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.tck.KitModel.Account;
import dev.depot.tck.KitModel.Counter;
import dev.depot.tck.KitModel.Doc;
import dev.depot.tck.KitModel.Item;
import dev.depot.tck.KitModel.Note;
import dev.depot.tck.KitModel.Player;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Insert, update, save, get, delete, batches, counts, clearing, and the store owning its values. */
abstract class CrudTests extends FeatureTests {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    CrudTests(DepotConformanceSuite suite) {
        super(suite);
    }

    @Test
    void insertReturnsVersionOneAndTheValueReadsBack() {
        Player ann = player("Ann", 10);

        assertThat(players().insert(ann)).isEqualTo(1);
        assertThat(players().get(ann.id())).contains(ann);
        assertThat(players().exists(ann.id())).isTrue();
        assertThat(players().exists(UUID.randomUUID())).isFalse();
        assertThat(players().get(UUID.randomUUID())).isEmpty();
    }

    @Test
    void updateAddsOneToTheVersion() {
        Player ann = player("Ann", 10);
        players().insert(ann);

        assertThat(players().update(ann.withScore(11))).isEqualTo(2);
        assertThat(players().update(ann.withScore(12))).isEqualTo(3);
        assertThat(players().getVersioned(ann.id()).orElseThrow().value().score()).isEqualTo(12);
    }

    @Test
    void saveInsertsAMissingKeyAndReplacesAnExistingOne() {
        Player ann = player("Ann", 10);

        assertThat(players().save(ann)).isEqualTo(1);
        assertThat(players().save(ann.withScore(20))).isEqualTo(2);
        assertThat(players().get(ann.id())).contains(ann.withScore(20));
        assertThat(players().count()).isEqualTo(1);
    }

    @Test
    void insertOfAnExistingKeyFailsAndChangesNothing() {
        Player ann = player("Ann", 10);
        players().insert(ann);

        assertThatThrownBy(() -> players().insert(ann.withScore(99))).isInstanceOf(AlreadyExistsException.class);
        assertThat(players().getVersioned(ann.id()).orElseThrow())
                .satisfies(v -> assertThat(v.value()).isEqualTo(ann), v -> assertThat(v.version()).isEqualTo(1));
    }

    @Test
    void updateOfAMissingKeyFailsAndCreatesNothing() {
        Player ghost = player("Ghost", 1);

        assertThatThrownBy(() -> players().update(ghost)).isInstanceOf(NotFoundException.class);
        assertThat(players().exists(ghost.id())).isFalse();
        assertThat(players().count()).isZero();
    }

    @Test
    void deleteReportsWhetherTheKeyExisted() {
        Player ann = player("Ann", 10);
        players().insert(ann);

        assertThat(players().delete(ann.id())).isTrue();
        assertThat(players().get(ann.id())).isEmpty();
        assertThat(players().delete(ann.id())).isFalse();
    }

    @Test
    void getAllReturnsTheExistingKeysInTheOrderGivenAndSkipsMissingOnes() {
        accounts().insert(account("a", 1));
        accounts().insert(account("b", 2));
        accounts().insert(account("c", 3));

        Map<String, Account> found = accounts().getAll(List.of("c", "missing", "a"));

        assertThat(found).containsOnlyKeys("c", "a");
        assertThat(found.keySet()).containsExactly("c", "a");
        assertThat(found.get("a")).isEqualTo(account("a", 1));
        assertThat(accounts().getAll(List.of())).isEmpty();
    }

    @Test
    void countCountsTheCollectionAndTheMatchesOfAQuery() {
        for (int i = 0; i < 5; i++) {
            accounts().insert(account("a" + i, i * 10));
        }

        assertThat(accounts().count()).isEqualTo(5);
        assertThat(accounts().query().where(Q.field("balance").ge(20)).count()).isEqualTo(3);
        assertThat(accounts().query().where(Q.field("balance").gt(1000)).count()).isZero();
    }

    @Test
    void clearingOneCollectionLeavesTheOthers() {
        players().insert(player("Ann", 1));
        accounts().insert(account("a", 1));

        players().clear();

        assertThat(players().count()).isZero();
        assertThat(accounts().get("a")).isPresent();
    }

    @Test
    void longAndIntegerKeysRoundTrip() {
        Records<Integer, Counter> counters = depot().records(KitModel.COUNTERS);
        items().insert(new Item(Long.MAX_VALUE, "max"));
        items().insert(new Item(-5L, "negative"));
        counters.insert(new Counter(Integer.MIN_VALUE, 1));

        assertThat(items().get(Long.MAX_VALUE)).contains(new Item(Long.MAX_VALUE, "max"));
        assertThat(items().get(-5L)).contains(new Item(-5L, "negative"));
        assertThat(counters.get(Integer.MIN_VALUE)).contains(new Counter(Integer.MIN_VALUE, 1));
        assertThat(counters.getAll(List.of(Integer.MIN_VALUE, 3))).containsOnlyKeys(Integer.MIN_VALUE);
    }

    @Test
    void mutatingAValueReadFromTheStoreChangesNothing() {
        Records<String, Note> notes = depot().records(KitModel.NOTES);
        notes.insert(new Note("n1", "original", List.of("a")));

        List<Note> reads = List.of(
                notes.get("n1").orElseThrow(),
                notes.getVersioned("n1").orElseThrow().value(),
                notes.getAll(List.of("n1")).get("n1"),
                notes.query().list().get(0),
                notes.query().where(Q.field("text").eq("original")).first().orElseThrow(),
                notes.query().page().items().get(0));
        for (Note read : reads) {
            read.setText("mutated");
            read.getTags().add("mutated");
        }

        assertOriginalNote(notes);
        assertThat(notes.query().where(Q.field("text").eq("mutated")).count()).isZero();
    }

    @Test
    void mutatingTheObjectPassedToAWriteChangesNothing() {
        Records<String, Note> notes = depot().records(KitModel.NOTES);
        Note written = new Note("n1", "original", List.of("a"));
        notes.insert(written);
        written.setText("mutated");
        written.getTags().add("mutated");

        assertOriginalNote(notes);

        Note saved = new Note("n1", "original", List.of("a"));
        notes.save(saved);
        saved.getTags().clear();
        assertOriginalNote(notes);
    }

    private static void assertOriginalNote(Records<String, Note> notes) {
        Note stored = notes.get("n1").orElseThrow();
        assertThat(stored.getText()).isEqualTo("original");
        assertThat(stored.getTags()).containsExactly("a");
    }

    @Test
    void saveAllReturnsTheNewVersionsInTheOrderGiven() {
        accounts().insert(account("b", 1));

        List<Long> versions = accounts().saveAll(List.of(account("a", 10), account("b", 20), account("c", 30)));

        assertThat(versions).containsExactly(1L, 2L, 1L);
        assertThat(accounts().query().list()).containsExactly(account("a", 10), account("b", 20), account("c", 30));
        assertThat(accounts().saveAll(List.of())).isEmpty();
    }

    @Test
    void saveAllWritesNothingWhenOneValueIsInvalid() {
        docs().insert(new Doc("keep", "before", 1.0, true, null));
        List<Doc> batch = List.of(
                new Doc("new", "x", 1.0, true, null),
                new Doc("keep", "after", 2.0, false, null),
                new Doc("bad", "y", Double.NaN, true, null));
        long before = lastSequence();

        assertThatThrownBy(() -> docs().saveAll(batch)).isInstanceOf(IllegalArgumentException.class);

        assertThat(docs().query().list()).containsExactly(new Doc("keep", "before", 1.0, true, null));
        assertThat(eventsAfter(before)).isEmpty();
    }

    @Test
    void saveAllRejectsAKeyGivenTwiceAndWritesNothing() {
        List<Account> batch = List.of(account("a", 1), account("b", 2), account("a", 3));

        assertThatThrownBy(() -> accounts().saveAll(batch)).isInstanceOf(IllegalArgumentException.class);
        assertThat(accounts().count()).isZero();
    }

    @Test
    void jsonDocumentsWithPointerIndexesRoundTripAndQuery() {
        Records<String, JsonNode> events = depot().records(KitModel.EVENTS);
        JsonNode low = json("{\"id\":\"e1\",\"kind\":\"click\",\"score\":5,\"extra\":{\"deep\":[1,2]}}");
        JsonNode high = json("{\"id\":\"e2\",\"kind\":\"view\",\"score\":50}");
        JsonNode none = json("{\"id\":\"e3\"}");
        events.saveAll(List.of(high, low, none));

        assertThat(events.get("e1")).contains(low);
        assertThat(events.query().where(Q.field("score").ge(10)).list()).containsExactly(high);
        assertThat(events.query().where(Q.field("kind").isNull()).list()).containsExactly(none);
        assertThat(events.query().orderBy("score").list()).containsExactly(none, low, high);
        assertThatThrownBy(() -> events.insert(json("{\"id\":\"e4\",\"score\":\"high\"}")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(events.exists("e4")).isFalse();
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }
}
