package dev.depot.examples;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.Blobs;
import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Direction;
import dev.depot.Index;
import dev.depot.Lease;
import dev.depot.ListOptions;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.QueueOptions;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.Schema;
import dev.depot.VersionConflictException;
import dev.depot.WorkQueue;
import dev.depot.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** The README's quick start, verbatim, so that it is compiled and run by the build. */
public final class QuickStart {
    public record Player(UUID id, String name, String email, int score, Instant joined) {}
    public record Welcome(String to) {}

    static final Schema<UUID, Player> PLAYERS = Schema.of("players", UUID.class, Player.class)
            .key(Player::id)
            .index("name", String.class, Player::name)
            .uniqueIndex("email", String.class, Player::email)
            .index("score", Long.class, p -> (long) p.score())
            .build();                                         // JSON (Jackson 3) codec by default
    static final Index<Long> SCORE = Index.of("score", Long.class);  // typed: the compiler checks values

    private QuickStart() {}

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "memory:";       // e.g. postgresql://localhost/app
        try (Depot depot = Depot.open(url)) {                      // or Depot.fromEnvironment()
            run(depot);
        }
    }

    /** Everything below runs on any depot, also one on your own pool: JdbcDepots.open(dataSource, ...). */
    public static void run(Depot depot) {
        Records<UUID, Player> players = depot.records(PLAYERS);
        UUID id = UUID.nameUUIDFromBytes("ann@example.com".getBytes(StandardCharsets.UTF_8));  // same on every run
        long v = players.save(new Player(id, "Ann", "ann@example.com", 42, Instant.now()));  // insert or replace: 1 the first time

        Page<Player> top = players.query()
                .where(Q.where(SCORE).between(10L, 100L))      // inclusive at both ends
                .and(Q.field("name").startsWith("A"))
                .orderBy("score", Direction.DESC)
                .limit(20)
                .page();                                       // top.nextCursor() -> .after(cursor)
        System.out.println(top.items());

        var annOrHigh = players.query()                        // OR / NOT: a union of index ranges
                .where(Q.or(Q.field("name").eq("Ann"), Q.not(Q.where(SCORE).lt(90L))));
        System.out.println(annOrHigh.list() + " " + annOrHigh.explain());  // ranges read, scans?, order

        players.update(new Player(id, "Ann", "ann@example.com", 50, Instant.now()), v);  // optimistic lock
        try {
            players.update(new Player(id, "Ann", "ann@example.com", 60, Instant.now()), v);  // v is stale now
        } catch (VersionConflictException e) {
            System.out.println(e.key().orElseThrow() + " is at version " + e.actualVersion());
        }

        depot.inTransaction(Retry.onConflict(5), tx -> {       // snapshot isolation, first committer wins
            var p = tx.records(PLAYERS);
            p.save(p.get(id).orElseThrow());
        });

        WorkQueue emails = depot.queue("emails", QueueOptions.leaseTimeout(Duration.ofSeconds(30))
                .maxAttempts(5).deadLetter("emails_dead"));  // failed 5 times: moved to emails_dead
        depot.inTransaction(tx -> {                            // the record and the item commit together
            UUID bob = UUID.nameUUIDFromBytes("bob@example.com".getBytes(StandardCharsets.UTF_8));
            tx.records(PLAYERS).save(new Player(bob, "Bob", "bob@example.com", 7, Instant.now()));
            tx.queue("emails").produce(Message.ofValue(new Welcome("bob@example.com")).dedupKey("welcome-bob"));
        });
        for (Lease lease : emails.lease(10, Duration.ofSeconds(5))) {   // waits up to 5 s for items
            System.out.println("welcome " + lease.payload(Welcome.class).to());
            emails.complete(lease);                            // or retry(lease, delay), deadLetter(lease, why)
        }

        for (ChangeEvent e : depot.changes().since(0)) {       // every committed write, in commit order
            System.out.println(e.sequence() + " " + e.op() + " " + e.collection() + "/" + e.key());
        }

        Blobs files = depot.blobs("uploads");                  // streamed files next to the records
        files.write("reports/q3.txt", WriteOptions.contentType("text/plain").metadata("owner", "ann"),
                out -> out.write("Q3: up".getBytes(StandardCharsets.UTF_8)));  // published whole, only if this returns
        BlobInfo report = files.stat("reports/q3.txt").orElseThrow();   // size, etag, type, metadata, times
        System.out.println(report.path() + " " + report.size() + " bytes, etag " + report.etag());
        for (BlobEntry entry : files.list(ListOptions.prefix("").delimiter("/")).items()) {
            System.out.println(entry.path());                   // reports/ (a directory entry)
        }
    }
}
