package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Blobs;
import dev.depot.ListOptions;
import dev.depot.SyncOptions;
import dev.depot.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Metadata at its documented total limit (8,192 bytes) in its two extreme shapes — a few values of
 * 4-byte characters under 128-character keys, and a thousand keys with empty values — and one byte
 * over, plus a 255-character content type, on memory and every other blob backend, compared as
 * transcripts ({@link BlobProbeTest#compare}): each backend stores, copies, moves and syncs them (to
 * and from a memory depot)
 * exactly, and the same call is refused alike, changing nothing.
 */
class BlobMetadataLimitsProbeTest {

    /** Seven 1,024-byte values of emoji under 128-character keys, and a last empty one: 8,192 bytes. */
    static Map<String, String> wide() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < 7; i++) {
            m.put(("k" + i).repeat(64), "\uD83D\uDE00".repeat(256));
        }
        m.put("z".repeat(128), "");
        return m;
    }

    /** 1,024 keys of 8 characters with empty values: 8,192 bytes, 1,024 entries. */
    static Map<String, String> many() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < 1024; i++) {
            m.put(String.format("key%05d", i), "");
        }
        return m;
    }

    static int bytes(Map<String, String> m) {
        return m.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().getBytes(StandardCharsets.UTF_8).length).sum();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.depot.jdbc.BlobProbeTest#backends")
    void metadataAtItsTotalLimitRoundTripsEverywhereAndOneByteMoreIsRefused(String db, TestDatabases.UrlSource opener) throws Exception {
        assertThat(bytes(wide())).isEqualTo(8192);
        assertThat(bytes(many())).isEqualTo(8192);
        String type = "application/" + "x".repeat(243);
        assertThat(type).hasSize(255);
        BlobProbeTest.compare(db, opener, (blobs, clock, log) -> {
            for (Map.Entry<String, Map<String, String>> shape : Map.of("wide", wide(), "many", many()).entrySet()) {
                String n = shape.getKey();
                Map<String, String> meta = shape.getValue();
                WriteOptions options = WriteOptions.contentType(type).metadata(meta);
                log.add("put " + n, () -> blobs.put("m/" + n, new byte[] {1}, options).metadata().equals(meta));
                log.add("stat " + n, () -> {
                    var info = blobs.stat("m/" + n).orElseThrow();
                    return info.metadata().equals(meta) + " " + info.contentType().equals(type) + " " + info.size();
                });
                log.add("stream " + n, () -> {
                    var out = blobs.write("s/" + n, options);
                    out.write(new byte[70_000]);
                    out.close();
                    return blobs.stat("s/" + n).orElseThrow().metadata().equals(meta);
                });
                log.add("copy " + n, () -> blobs.copy("m/" + n, "c/" + n).metadata().equals(meta));
                log.add("move " + n, () -> blobs.move("c/" + n, "v/" + n).metadata().equals(meta));
                Map<String, String> over = new LinkedHashMap<>(meta);
                over.put("o", "");
                log.add("one byte over " + n, () -> WriteOptions.contentType(type).metadata(over));
                Map<String, String> longer = new LinkedHashMap<>(meta);
                String first = longer.keySet().iterator().next();
                longer.put(first, longer.get(first) + "x");
                log.add("one value byte over " + n, () -> WriteOptions.defaults().metadata(longer));
            }
            log.add("type 256", () -> WriteOptions.contentType(type + "x"));
            try (dev.depot.Depot other = dev.depot.Depot.open("memory:")) {
                Blobs mirror = other.blobs("mirror");
                log.add("sync out", () -> {
                    var r = Blobs.sync(blobs, mirror, SyncOptions.defaults());
                    return r.copied() + " " + r.errors();
                });
                log.add("mirror wide", () -> mirror.stat("m/wide").orElseThrow().metadata().equals(wide()));
                log.add("mirror many", () -> mirror.stat("v/many").orElseThrow().metadata().equals(many()));
                blobs.delete("m/wide");
                log.add("sync back", () -> {
                    var r = Blobs.sync(mirror, blobs, SyncOptions.defaults());
                    return r.copied() + " " + r.errors() + " " + blobs.stat("m/wide").orElseThrow().metadata().equals(wide());
                });
            }
            log.add("list", () -> blobs.list(ListOptions.all()).items().size());
        });
    }
}
