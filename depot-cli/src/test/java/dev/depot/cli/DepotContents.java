package dev.depot.cli;

import dev.depot.BlobEntry;
import dev.depot.Capability;
import dev.depot.Depot;
import dev.depot.ItemState;
import dev.depot.ListOptions;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.Schema;
import dev.depot.server.DepotServer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * What a depot holds, in a form two depots can be compared by: declared collections with their
 * records (as JSON text, in key order), blobs (bytes as hex, the export bucket aside) and queues
 * (options and live items in production order: payload, headers, dedup key and whether scheduled;
 * leased counts as ready, as {@code depot copy} carries it). Ids, versions and times are left out:
 * a copy makes new ones.
 */
record DepotContents(Map<String, List<String>> records, Map<String, Map<String, String>> blobs,
        Map<String, QueueOptions> queueOptions, Map<String, List<String>> queueItems) {

    static DepotContents of(Depot depot) {
        Map<String, List<String>> records = new TreeMap<>();
        if (depot.capabilities().has(Capability.RECORDS)) {
            for (Schema<String, JsonNode> s : DepotServer.declaredSchemas(depot)) {
                records.put(s.name(), depot.records(s).query().list().stream().map(JsonNode::toString).toList());
            }
        }
        Map<String, Map<String, String>> blobs = new TreeMap<>();
        if (depot.capabilities().has(Capability.BLOBS)) {
            for (String bucket : depot.stats().blobs().keySet()) {
                if (bucket.equals(ExportBucket.BUCKET)) {
                    continue;
                }
                Map<String, String> files = new TreeMap<>();
                String cursor = null;
                do {
                    Page<BlobEntry> page = depot.blobs(bucket).list(cursor == null ? ListOptions.all() : ListOptions.all().after(cursor));
                    for (BlobEntry e : page.items()) {
                        if (e.blob() == null) {
                            continue; // a directory
                        }
                        files.put(e.path(), HexFormat.of().formatHex(depot.blobs(bucket).get(e.path())));
                    }
                    cursor = page.nextCursor();
                } while (cursor != null);
                blobs.put(bucket, files);
            }
        }
        Map<String, QueueOptions> options = new TreeMap<>();
        Map<String, List<String>> items = new TreeMap<>();
        if (depot.capabilities().has(Capability.QUEUES)) {
            options.putAll(depot.queues());
            for (String q : options.keySet()) {
                List<String> live = new ArrayList<>();
                String cursor = null;
                do {
                    Page<QueueItem> page = depot.queue(q).list(null, 1000, cursor);
                    for (QueueItem i : page.items()) {
                        if (i.state() != ItemState.DEAD) {
                            live.add((i.state() == ItemState.SCHEDULED ? "scheduled " : "ready ") + HexFormat.of().formatHex(i.payload())
                                    + " " + new TreeMap<>(i.headers()) + " " + i.dedupKey());
                        }
                    }
                    cursor = page.nextCursor();
                } while (cursor != null);
                items.put(q, live);
            }
        }
        return new DepotContents(records, blobs, options, items);
    }
}
