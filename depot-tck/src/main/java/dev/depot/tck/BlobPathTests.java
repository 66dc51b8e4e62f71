package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.InvalidPathException;
import dev.depot.ListOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The path rules: odd but legal paths work everywhere; illegal ones fail before anything happens. */
abstract class BlobPathTests extends BlobFeatureTests {

    BlobPathTests(DepotConformanceSuite suite) {
        super(suite);
    }

    static List<String> oddButLegal() {
        List<String> paths = new ArrayList<>(List.of(
                "with space.txt", " leading and trailing ", "ünïcödé/文件.txt", "emoji/😀/🚀.bin", "100%.txt",
                "%2e%2e/%2F", "a#b", "q?x=1&y=2", "back\\slash", "..a/a..b/...", ".hidden/.x", "-dash/~tilde",
                "quote\"'`", "colon:semi;", "*star*", "nfc/\u00e9", "nfd/e\u0301", "\uffff"));
        paths.add("deep/" + "d/".repeat(300) + "leaf");
        paths.add("seg/" + "s".repeat(255));
        paths.add(exactly1024Bytes());
        return paths;
    }

    /** Segments of 255, 255 (two-byte characters), 255, 254 and 1 bytes joined by '/': exactly 1024 bytes. */
    static String exactly1024Bytes() {
        String p = "a".repeat(255) + "/" + "é".repeat(127) + "b" + "/" + "c".repeat(255) + "/" + "d".repeat(254) + "/e";
        assertThat(p.getBytes(StandardCharsets.UTF_8)).hasSize(1024);
        return p;
    }

    @Test
    void oddButLegalPathsWorkForEveryOperation() {
        List<String> paths = oddButLegal();
        int i = 0;
        for (String p : paths) {
            byte[] content = bytes(10 + i, i++);
            blobs().put(p, content);
            assertThat(blobs().get(p)).as(p).isEqualTo(content);
            assertThat(blobs().stat(p).orElseThrow().path()).isEqualTo(p);
        }
        assertThat(paths(listAll(blobs(), ListOptions.all()))).containsExactlyInAnyOrderElementsOf(paths);
        assertThat(blobs().get("nfc/\u00e9")).as("no Unicode normalisation: NFC and NFD are two paths")
                .isNotEqualTo(blobs().get("nfd/e\u0301"));
        String longest = exactly1024Bytes();
        blobs().copy(longest, "copy");
        blobs().move("copy", "with space.txt");
        for (String p : paths) {
            assertThat(blobs().delete(p)).as(p).isTrue();
        }
    }

    static Map<String, String> illegal() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("", "empty");
        m.put("/abs", "starts with '/'");
        m.put("dir/", "ends with '/'");
        m.put("a//b", "empty segment");
        m.put(".", "'.' segment");
        m.put("..", "'..' segment");
        m.put("a/../../etc/passwd", "'..' segment");
        m.put("./a", "'.' segment");
        m.put("a/.", "'.' segment");
        m.put("a\u0000b", "control character");
        m.put("line\nbreak", "control character");
        m.put("tab\there", "control character");
        m.put("del\u007f", "control character");
        m.put("x".repeat(200) + "/" + "y".repeat(200) + "/" + "z".repeat(200) + "/" + "w".repeat(200) + "/" + "v".repeat(221), "1025 UTF-8 bytes");
        m.put("s".repeat(256), "segment is 256");
        m.put("half\ud800surrogate", "unpaired surrogate");
        return m;
    }

    @Test
    void illegalPathsFailWithTheRuleAndChangeNothing() {
        blobs().put("existing", utf8("x"));
        for (Map.Entry<String, String> e : illegal().entrySet()) {
            String p = e.getKey();
            Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
            calls.put("put", () -> blobs().put(p, utf8("x")));
            calls.put("write", () -> blobs().write(p));
            calls.put("read", () -> blobs().read(p));
            calls.put("get", () -> blobs().get(p));
            calls.put("stat", () -> blobs().stat(p));
            calls.put("exists", () -> blobs().exists(p));
            calls.put("delete", () -> blobs().delete(p));
            calls.put("copy to", () -> blobs().copy("existing", p));
            calls.put("move to", () -> blobs().move("existing", p));
            calls.put("copy from", () -> blobs().copy(p, "other"));
            calls.put("mkdir", () -> blobs().mkdir(p));
            calls.put("rmdir", () -> blobs().rmdir(p));
            calls.forEach((name, call) -> assertThatThrownBy(call).as("%s of %s", name, e.getValue())
                    .isInstanceOf(InvalidPathException.class)
                    .hasMessageContaining("invalid blob path")
                    .hasMessageContaining(e.getValue().replace("1025 UTF-8 bytes", "1025 UTF-8 bytes; at most 1024")));
        }
        assertThat(paths(listAll(blobs(), ListOptions.all()))).containsExactly("existing");
        assertThat(blobs().list(ListOptions.prefix("").delimiter("/")).items()).hasSize(1);
    }

    @Test
    void messagesDoNotEchoControlCharacters() {
        assertThatThrownBy(() -> blobs().put("evil\nlog line", utf8("x")))
                .isInstanceOf(InvalidPathException.class)
                .hasMessageNotContaining("\n");
    }
}
