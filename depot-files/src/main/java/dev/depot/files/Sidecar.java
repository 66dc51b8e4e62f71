package dev.depot.files;

import dev.depot.BlobInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A blob's sidecar: its {@link BlobInfo} as indented JSON, readable by a person browsing the directory. */
final class Sidecar {
    private Sidecar() {}

    static byte[] encode(BlobInfo info) {
        ObjectNode o = FileRoot.JSON.createObjectNode();
        o.put("path", info.path());
        o.put("size", info.size());
        o.put("etag", info.etag());
        o.put("contentType", info.contentType());
        ObjectNode m = o.putObject("metadata");
        new TreeMap<>(info.metadata()).forEach(m::put);
        o.put("created", info.created().toString());
        o.put("modified", info.modified().toString());
        return FileRoot.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
    }

    static BlobInfo decode(byte[] json) {
        JsonNode o = FileRoot.JSON.readTree(json);
        Map<String, String> metadata = new LinkedHashMap<>();
        o.get("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString()));
        return new BlobInfo(o.get("path").asString(), o.get("size").asLong(), o.get("etag").asString(),
                o.get("contentType").asString(), metadata, Instant.parse(o.get("created").asString()),
                Instant.parse(o.get("modified").asString()));
    }
}
