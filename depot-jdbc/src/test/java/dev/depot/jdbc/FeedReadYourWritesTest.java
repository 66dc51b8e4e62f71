package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Schema;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where commits return before their events are numbered (PostgreSQL, MariaDB), a feed read that
 * begins after a commit returned still returns its events, in the writing depot and in another
 * depot on the same database (as another process would be): the read numbers what waits in the
 * outbox. Background numbering is held, so only the read can have numbered them.
 */
class FeedReadYourWritesTest {
    record Note(String id, int n) {}

    private static final Schema<String, Note> NOTES = Schema.of("ryw_notes", String.class, Note.class).key(Note::id).build();
    private static final String PREFIX = "ryw" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    @AfterEach
    void release() {
        Sequencer.held = false;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aReadAfterACommitReturnedSeesItsEventsInEveryDepot(String name, TestDatabases.UrlSource opener) {
        String url = opener.url();
        try (Depot writer = Depot.open(url); Depot other = Depot.open(url)) {
            Records<String, Note> notes = writer.records(NOTES);
            other.records(NOTES);
            long from = writer.changes().lastSequence();
            Sequencer.held = true;
            notes.insert(new Note("a", 1));
            notes.update(new Note("a", 2), 1);
            assertThat(other.changes().lastSequence()).isEqualTo(from + 2);
            assertThat(other.changes().since(from)).extracting(ChangeEvent::key, ChangeEvent::version)
                    .containsExactly(tuple("a", 1L), tuple("a", 2L));
            notes.insert(new Note("b", 1));
            assertThat(other.changes().since(from + 2)).extracting(ChangeEvent::key).containsExactly("b");
            notes.delete("b");
            assertThat(writer.changes().since(from + 3)).extracting(ChangeEvent::key, ChangeEvent::op)
                    .containsExactly(tuple("b", ChangeEvent.Op.DELETE));
        } finally {
            if (url.contains("tablePrefix=" + PREFIX) && !url.startsWith("h2:mem") && !url.startsWith("sqlite")) {
                TestDatabases.dropTables(url, PREFIX);
            }
        }
    }
}
