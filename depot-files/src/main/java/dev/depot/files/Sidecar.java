package dev.depot.files;

import dev.depot.BlobInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A blob's sidecar: its {@link BlobInfo} as indented JSON, readable by a person browsing the directory,
 * and the modification time its content file had when Depot placed it ({@code fileModified}, to the
 * nanosecond the file system keeps). A sidecar is trusted as it stands only while both the file's size
 * and that time still match; when only the time differs the content is hashed, and the sidecar still
 * describes it if the etag is the same (a copy without times, a {@code touch}), else the file is
 * described by itself: a file edited in place behind Depot's back, even to the same size, gets its new
 * content's etag. (A sidecar written before this field existed is trusted on its size alone, as then.)
 */
final class Sidecar {
    private Sidecar() {}

    /** What a sidecar holds; {@code fileModified} null for a sidecar of the earlier layout. */
    record Entry(BlobInfo info, Instant fileModified) {
        /** Whether this sidecar surely describes a content file of {@code size} bytes last modified at {@code modified}. */
        boolean describes(String path, long size, Instant modified) {
            return info.path().equals(path) && info.size() == size && (fileModified == null || fileModified.equals(modified));
        }
    }

    /** A sidecar without the content file's time (tests; a sidecar of the earlier layout). */
    static byte[] encode(BlobInfo info) {
        return encode(info, null);
    }

    static byte[] encode(BlobInfo info, Instant fileModified) {
        ObjectNode o = FileRoot.JSON.createObjectNode();
        o.put("path", info.path());
        o.put("size", info.size());
        o.put("etag", info.etag());
        o.put("contentType", info.contentType());
        ObjectNode m = o.putObject("metadata");
        new TreeMap<>(info.metadata()).forEach(m::put);
        o.put("created", info.created().toString());
        o.put("modified", info.modified().toString());
        if (fileModified != null) {
            o.put("fileModified", fileModified.toString());
        }
        return FileRoot.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
    }

    static Entry read(byte[] json) {
        JsonNode o = FileRoot.JSON.readTree(json);
        Map<String, String> metadata = new LinkedHashMap<>();
        o.get("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString()));
        BlobInfo info = new BlobInfo(o.get("path").asString(), o.get("size").asLong(), o.get("etag").asString(),
                o.get("contentType").asString(), metadata, Instant.parse(o.get("created").asString()),
                Instant.parse(o.get("modified").asString()));
        JsonNode f = o.get("fileModified");
        return new Entry(info, f == null || f.isNull() ? null : Instant.parse(f.asString()));
    }
}
