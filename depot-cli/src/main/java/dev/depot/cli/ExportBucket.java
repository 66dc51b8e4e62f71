package dev.depot.cli;

import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.ItemState;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.WorkQueue;
import dev.depot.WriteOptions;
import dev.depot.server.DepotServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * How {@code depot copy} carries records and queues through a depot that holds blobs only
 * ({@code file:}): as JSON files a person can read, in the reserved bucket {@value #BUCKET} (on
 * {@code file:DIR}, the directory {@code DIR/blobs/depot_export}).
 *
 * <pre>
 * collections/NAME.jsonl   one record per line, in key order (the server's catalog of declarations
 *                          is collections/depot_server_collections.jsonl)
 * queues/NAME.json         the queue's options {"leaseTimeoutMillis", "maxAttempts", "deadLetterQueue", "deadRetentionSeconds"}
 * queues/NAME.jsonl        its live items in production order {"payload" | "payloadBase64", "headers",
 *                          "dedupKey", "notBefore", "expiresAt"}
 * </pre>
 *
 * Writing replaces these files (a snapshot of the source), so re-running is safe. Reading them back
 * into a depot with records and queues restores the collections (saved) and the queues (items go
 * only into empty queues), with {@link QueueCopy}'s rules: leased items become ready, dead ones are
 * not carried.
 */
final class ExportBucket {
    static final String BUCKET = "depot_export";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final WriteOptions JSONL = WriteOptions.contentType("application/x-ndjson");

    /** What went through the export bucket. */
    record Counts(long collections, long records, long queues, long items, long leasedAsReady, long deadNotCopied,
            List<String> skipped) {
        QueueCopy.Report queueReport() {
            return new QueueCopy.Report(queues, items, leasedAsReady, deadNotCopied, skipped);
        }
    }

    private ExportBucket() {}

    /** Whether {@code depot} holds an export (a blobs-only depot written by {@code depot copy}). */
    static boolean present(Depot depot) {
        return depot.stats().blobs().containsKey(BUCKET);
    }

    /** Writes the collections of {@code schemas} and every queue of {@code source} into {@code target}'s export bucket. */
    static Counts write(Depot source, List<Schema<String, JsonNode>> schemas, boolean queues, Depot target, Progress progress) {
        Blobs out = target.blobs(BUCKET);
        long records = 0;
        for (Schema<String, JsonNode> schema : schemas) {
            Records<String, JsonNode> in = source.records(schema);
            long total = in.count();
            long[] done = {0};
            out.write("collections/" + schema.name() + ".jsonl", JSONL, stream -> {
                String cursor = null;
                do {
                    var query = in.query().limit(CopyCommand.PAGE);
                    Page<JsonNode> page = (cursor == null ? query : query.after(cursor)).page();
                    for (JsonNode record : page.items()) {
                        stream.write(JSON.writeValueAsBytes(record));
                        stream.write('\n');
                    }
                    done[0] += page.items().size();
                    progress.show("records " + schema.name(), done[0], total, null);
                    cursor = page.nextCursor();
                } while (cursor != null);
            });
            progress.end();
            records += done[0];
        }
        long items = 0;
        long leased = 0;
        long dead = 0;
        Map<String, QueueOptions> all = queues ? source.queues() : Map.of();
        for (Map.Entry<String, QueueOptions> e : all.entrySet()) {
            out.put("queues/" + e.getKey() + ".json", JSON.writeValueAsBytes(options(e.getValue())),
                    WriteOptions.contentType("application/json"));
            WorkQueue in = source.queue(e.getKey());
            long[] n = {0, 0, 0};
            out.write("queues/" + e.getKey() + ".jsonl", JSONL, stream -> {
                String cursor = null;
                do {
                    Page<QueueItem> page = in.list(null, QueueCopy.BATCH, cursor);
                    for (QueueItem item : page.items()) {
                        if (item.state() == ItemState.DEAD) {
                            n[2]++;
                            continue;
                        }
                        if (item.state() == ItemState.LEASED) {
                            n[1]++;
                        }
                        stream.write(JSON.writeValueAsBytes(item(item)));
                        stream.write('\n');
                        n[0]++;
                    }
                    progress.show("queue " + e.getKey(), n[0] + n[2], 0, null);
                    cursor = page.nextCursor();
                } while (cursor != null);
            });
            progress.end();
            items += n[0];
            leased += n[1];
            dead += n[2];
        }
        return new Counts(schemas.size(), records, all.size(), items, leased, dead, List.of());
    }

    /** Restores the export of {@code source} into {@code target} (which has records; queues if the export has any). */
    static Counts read(Depot source, Depot target, Progress progress) {
        Blobs in = source.blobs(BUCKET);
        List<String> collections = names(in, "collections/", ".jsonl");
        List<String> queues = names(in, "queues/", ".json");
        if (!queues.isEmpty() && !target.capabilities().has(dev.depot.Capability.QUEUES)) {
            throw new IllegalArgumentException("the export has " + queues.size() + " queue(s) and the target has none (capability QUEUES)");
        }
        // The catalog first: the other collections' schemas are its records.
        Schema<String, JsonNode> catalog = DepotServer.declaredSchemas(target).getFirst();
        long records = 0;
        long restored = 0;
        if (collections.contains(catalog.name())) {
            records += restore(in, catalog, target, progress);
            restored++;
        }
        for (Schema<String, JsonNode> schema : DepotServer.declaredSchemas(target)) {
            if (!schema.name().equals(catalog.name()) && collections.contains(schema.name())) {
                records += restore(in, schema, target, progress);
                restored++;
            }
        }
        long items = 0;
        List<String> skipped = new ArrayList<>();
        // Dead-letter queues first: a queue's options may name them.
        List<Map.Entry<String, QueueOptions>> options = new ArrayList<>();
        for (String q : queues) {
            options.add(Map.entry(q, options(parse(in.get("queues/" + q + ".json"), "queues/" + q + ".json"))));
        }
        options.sort(java.util.Comparator.comparing(e -> e.getValue().deadLetterQueue() != null));
        for (Map.Entry<String, QueueOptions> e : options) {
            WorkQueue out = target.queue(e.getKey(), e.getValue());
            var stats = out.stats();
            boolean empty = stats.ready() + stats.leased() + stats.scheduled() + stats.dead() == 0;
            List<Message> batch = new ArrayList<>();
            long[] seen = {0};
            String path = "queues/" + e.getKey() + ".jsonl";
            for (JsonNode item : lines(in, path)) {
                if (!empty) {
                    seen[0]++;
                    continue;
                }
                batch.add(message(item, path));
                if (batch.size() == QueueCopy.BATCH) {
                    out.produce(batch);
                    items += batch.size();
                    batch.clear();
                }
                progress.show("queue " + e.getKey(), items + batch.size(), 0, null);
            }
            if (!batch.isEmpty()) {
                out.produce(batch);
                items += batch.size();
            }
            if (!empty && seen[0] > 0) {
                skipped.add(e.getKey());
            }
            progress.end();
        }
        return new Counts(restored, records, queues.size(), items, 0, 0, skipped.stream().sorted().toList());
    }

    private static long restore(Blobs in, Schema<String, JsonNode> schema, Depot target, Progress progress) {
        Records<String, JsonNode> out = target.records(schema);
        List<JsonNode> page = new ArrayList<>(CopyCommand.PAGE);
        long n = 0;
        for (JsonNode record : lines(in, "collections/" + schema.name() + ".jsonl")) {
            page.add(record);
            if (page.size() == CopyCommand.PAGE) {
                out.saveAll(page);
                n += page.size();
                page.clear();
                progress.show("records " + schema.name(), n, 0, null);
            }
        }
        if (!page.isEmpty()) {
            out.saveAll(page);
            n += page.size();
        }
        progress.end();
        return n;
    }

    /** The names of the files {@code dir}NAME{@code suffix} of the bucket. */
    private static List<String> names(Blobs in, String dir, String suffix) {
        List<String> out = new ArrayList<>();
        String cursor = null;
        do {
            var options = dev.depot.ListOptions.prefix(dir);
            var page = in.list(cursor == null ? options : options.after(cursor));
            for (var entry : page.items()) {
                String name = entry.path().substring(dir.length());
                if (name.endsWith(suffix) && !name.contains("/")) {
                    out.add(name.substring(0, name.length() - suffix.length()));
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }

    /** The JSON values of a JSON Lines file, read as a stream. */
    private static Iterable<JsonNode> lines(Blobs in, String path) {
        return () -> {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in.read(path), StandardCharsets.UTF_8));
            return new java.util.Iterator<>() {
                String next = advance();
                int line = 1;

                private String advance() {
                    try {
                        String l;
                        while ((l = reader.readLine()) != null && l.isBlank()) {
                            line++;
                        }
                        if (l == null) {
                            reader.close();
                        }
                        return l;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public JsonNode next() {
                    if (next == null) {
                        throw new java.util.NoSuchElementException();
                    }
                    JsonNode node = parse(next.getBytes(StandardCharsets.UTF_8), path + " line " + line);
                    line++;
                    next = advance();
                    return node;
                }
            };
        };
    }

    private static JsonNode parse(byte[] bytes, String where) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(BUCKET + "/" + where + " is not a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new IllegalArgumentException(BUCKET + "/" + where + " is not valid JSON");
        }
    }

    private static Map<String, Object> options(QueueOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("leaseTimeoutMillis", o.leaseTimeout().toMillis());
        m.put("maxAttempts", o.maxAttempts());
        m.put("deadLetterQueue", o.deadLetterQueue());
        m.put("deadRetentionSeconds", o.deadRetention().toSeconds());
        return m;
    }

    private static QueueOptions options(JsonNode m) {
        QueueOptions o = QueueOptions.defaults();
        if (m.has("leaseTimeoutMillis")) {
            o = o.withLeaseTimeout(Duration.ofMillis(m.get("leaseTimeoutMillis").asLong()));
        }
        if (m.has("maxAttempts")) {
            o = o.maxAttempts(m.get("maxAttempts").asInt());
        }
        if (m.hasNonNull("deadLetterQueue")) {
            o = o.deadLetter(m.get("deadLetterQueue").asString());
        }
        if (m.has("deadRetentionSeconds")) {
            o = o.deadRetention(Duration.ofSeconds(m.get("deadRetentionSeconds").asLong()));
        }
        return o;
    }

    /** A live item as a line: what {@link QueueCopy#message} would produce, with absolute times. */
    private static Map<String, Object> item(QueueItem item) {
        Message m = QueueCopy.message(item, Instant.now());
        Map<String, Object> out = new LinkedHashMap<>();
        byte[] payload = m.payload();
        JsonNode parsed = null;
        try {
            parsed = payload.length == 0 ? null : JSON.readTree(payload);
        } catch (JacksonException e) {
            parsed = null;
        }
        if (parsed != null && !parsed.isMissingNode() && java.util.Arrays.equals(JSON.writeValueAsBytes(parsed), payload)) {
            out.put("payload", parsed); // readable, and byte-for-byte the same when written back
        } else {
            out.put("payloadBase64", Base64.getEncoder().encodeToString(payload));
        }
        out.put("headers", m.headers());
        out.put("dedupKey", m.dedupKey());
        out.put("notBefore", m.notBefore() == null ? null : m.notBefore().toString());
        out.put("expiresAt", item.expiresAt() == null ? null : item.expiresAt().toString());
        return out;
    }

    private static Message message(JsonNode line, String where) {
        try {
            byte[] payload = line.has("payloadBase64") ? Base64.getDecoder().decode(line.get("payloadBase64").asString())
                    : JSON.writeValueAsBytes(line.get("payload"));
            Map<String, String> headers = new LinkedHashMap<>();
            if (line.path("headers").isObject()) {
                for (Map.Entry<String, JsonNode> h : line.get("headers").properties()) {
                    headers.put(h.getKey(), h.getValue().asString());
                }
            }
            String dedupKey = line.hasNonNull("dedupKey") ? line.get("dedupKey").asString() : null;
            Instant notBefore = line.hasNonNull("notBefore") ? Instant.parse(line.get("notBefore").asString()) : null;
            Duration expireAfter = null;
            if (line.hasNonNull("expiresAt")) {
                Duration left = Duration.between(Instant.now(), Instant.parse(line.get("expiresAt").asString()));
                expireAfter = left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
            }
            return new Message(payload, headers, dedupKey, notBefore, expireAfter);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(BUCKET + "/" + where + ": an item is not valid (" + e.getClass().getSimpleName() + ")");
        }
    }
}
