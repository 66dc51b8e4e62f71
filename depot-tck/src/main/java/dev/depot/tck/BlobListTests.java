package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BlobEntry;
import dev.depot.ListOptions;
import dev.depot.Page;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Listings: code point order, cursors, prefixes and folding into directories. */
abstract class BlobListTests extends BlobFeatureTests {

    BlobListTests(DepotConformanceSuite suite) {
        super(suite);
    }

    static final Comparator<String> CODE_POINTS = (a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());

    @Test
    void aFlatListingIsInCodePointOrderAndHoldsOnlyBlobs() {
        List<String> paths = List.of("b", "a", "B", "é", "😀", "\uffff", "a/b", "a.b", "a0", "a/c/d", "A", "z z", "~");
        for (String p : paths) {
            if (!p.equals("a")) {
                blobs().put(p, utf8(p));
            }
        }
        blobs().mkdir("emptydir");

        List<String> expected = new ArrayList<>(paths);
        expected.remove("a");
        expected.sort(CODE_POINTS);
        List<BlobEntry> listed = listAll(blobs(), ListOptions.all().limit(3));
        assertThat(paths(listed)).containsExactlyElementsOf(expected);
        assertThat(listed).allMatch(e -> !e.isDirectory() && e.blob().path().equals(e.path()));
        assertThat(listed.get(0).blob().size()).isEqualTo(utf8(listed.get(0).path()).length);
    }

    @Test
    void pagesFollowCursorsAndTheLastPageHasNone() {
        for (int i = 0; i < 20; i++) {
            blobs().put(String.format("p/%02d", i), utf8("x"));
        }

        Page<BlobEntry> first = blobs().list(ListOptions.prefix("p/").limit(10));
        Page<BlobEntry> second = blobs().list(ListOptions.prefix("p/").limit(10).after(first.nextCursor()));

        assertThat(paths(first.items())).startsWith("p/00").endsWith("p/09").hasSize(10);
        assertThat(paths(second.items())).startsWith("p/10").endsWith("p/19").hasSize(10);
        assertThat(second.nextCursor()).as("no empty page after a full last one").isNull();
        assertThat(paths(blobs().list(ListOptions.prefix("p/").after("p/15")).items())).startsWith("p/16").hasSize(4);
        assertThat(blobs().list(ListOptions.prefix("p/").after("p/19")).items()).isEmpty();
        blobs().put("p/10x", utf8("new")); // a write between pages shows up in its place, no repeats
        assertThat(paths(blobs().list(ListOptions.prefix("p/").limit(10).after(first.nextCursor())).items())).startsWith("p/10", "p/10x");
    }

    @Test
    void aDelimiterFoldsDeeperEntriesIntoDirectories() {
        for (String p : List.of("r/a", "r/b/c", "r/b/d", "r/e/f/g", "r.txt", "s", "r/z")) {
            blobs().put(p, utf8(p));
        }
        blobs().mkdir("r/empty");

        List<BlobEntry> top = listAll(blobs(), ListOptions.prefix("").delimiter("/"));
        List<BlobEntry> inR = listAll(blobs(), ListOptions.prefix("r/").delimiter("/"));

        assertThat(paths(top)).containsExactly("r.txt", "r/", "s");
        assertThat(paths(inR)).containsExactly("r/a", "r/b/", "r/e/", "r/empty/", "r/z");
        assertThat(inR.get(1).isDirectory()).isTrue();
        assertThat(inR.get(1).blob()).isNull();
        assertThat(inR.get(0).blob().path()).isEqualTo("r/a");
        assertThat(paths(listAll(blobs(), ListOptions.prefix("r/").delimiter("/").limit(1))))
                .as("one entry per page, directories never repeated").containsExactly("r/a", "r/b/", "r/e/", "r/empty/", "r/z");
        assertThat(paths(listAll(blobs(), ListOptions.prefix("r/b").delimiter("/")))).containsExactly("r/b/");
        assertThat(paths(listAll(blobs(), ListOptions.prefix("r/b")))).as("a prefix need not end at a segment").containsExactly("r/b/c", "r/b/d");
        assertThat(paths(listAll(blobs(), ListOptions.prefix("r")))).containsExactly("r.txt", "r/a", "r/b/c", "r/b/d", "r/e/f/g", "r/z");
    }

    @Test
    void badListOptionsAreRejected() {
        assertThatThrownBy(() -> ListOptions.all().delimiter(",")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ListOptions.all().limit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ListOptions.all().limit(10_001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> blobs().list(ListOptions.prefix("a\nb"))).isInstanceOf(IllegalArgumentException.class);
        // A prefix or cursor cut inside a surrogate pair has no UTF-8 form (SQL compared it as '?').
        blobs().put("e/\uD83D\uDE00", new byte[] {1});
        assertThatThrownBy(() -> blobs().list(ListOptions.prefix("e/\uD83D"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix contains an unpaired surrogate");
        assertThatThrownBy(() -> blobs().list(ListOptions.prefix("e/").after("e/\uDE00"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cursor contains an unpaired surrogate");
        assertThat(paths(listAll(blobs(), ListOptions.prefix("e/\uD83D\uDE00")))).containsExactly("e/\uD83D\uDE00");
    }
}
