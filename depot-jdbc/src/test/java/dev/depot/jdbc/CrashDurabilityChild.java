package dev.depot.jdbc;

import dev.depot.Depot;
import dev.depot.Message;
import dev.depot.WorkQueue;

/**
 * The process {@link CrashDurabilityProbeTest} kills: writes records (auto-commit and in
 * transactions), queue items and blobs to the depot at {@code args[0]} until it is killed, printing
 * {@code ack <shape> <key>} after each call returned.
 */
final class CrashDurabilityChild {
    private CrashDurabilityChild() {}

    public static void main(String[] args) {
        try (Depot d = Depot.open(args[0])) {
            WorkQueue q = d.queue("jobs");
            for (int i = 0; ; i++) {
                String k = "k" + i;
                if (i % 5 == 4) {
                    String t = "t" + i;
                    d.inTransaction(tx -> {
                        tx.records(CrashDurabilityProbeTest.DOCS).save(new CrashDurabilityProbeTest.Doc(k, "v" + k));
                        tx.records(CrashDurabilityProbeTest.DOCS).save(new CrashDurabilityProbeTest.Doc(t, "v" + t));
                    });
                    ack("record", k);
                    ack("record", t);
                } else {
                    d.records(CrashDurabilityProbeTest.DOCS).save(new CrashDurabilityProbeTest.Doc(k, "v" + k));
                    ack("record", k);
                }
                if (i % 3 == 0) {
                    q.produce(Message.of(k));
                    ack("item", k);
                }
                if (i % 7 == 0) {
                    d.blobs("files").put(k, CrashDurabilityProbeTest.blobContent(k));
                    ack("blob", k);
                }
            }
        }
    }

    private static void ack(String shape, String key) {
        System.out.println("ack " + shape + " " + key);
        System.out.flush();
    }
}
