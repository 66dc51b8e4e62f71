package dev.depot.examples;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Direction;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.Schema;
import dev.depot.VersionConflictException;
import dev.depot.Versioned;
import java.time.Instant;
import java.util.List;

/**
 * A five-minute tour of Depot on the in-memory default: insert, an indexed query paged with a
 * cursor, a transaction, optimistic locking and the change feed. Run it with
 * {@code ./mvnw -q -pl examples -am package -DskipTests exec:java}, or pass a depot URL
 * ({@code -Dexec.args=postgresql://postgres@127.0.0.1:5432/test}) to run the same code on a database.
 */
public final class Tour {
    /** A player. Records of immutable components are shared safely between readers. */
    public record Player(String id, String name, int score, Instant joined) {}

    /** An account for the transfer. */
    public record Account(String id, long balance) {}

    static final Schema<String, Player> PLAYERS = Schema.of("players", String.class, Player.class)
            .key(Player::id)
            .index("name", String.class, Player::name)
            .index("score", Long.class, p -> (long) p.score())
            .build();

    static final Schema<String, Account> ACCOUNTS = Schema.of("accounts", String.class, Account.class)
            .key(Account::id)
            .build();

    private Tour() {}

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "memory:";
        try (Depot depot = Depot.open(url)) {
            depot.clear();
            System.out.println(run(depot));
        }
    }

    /** Runs the tour and returns its one-line summary. */
    static String run(Depot depot) {
        Records<String, Player> players = depot.records(PLAYERS);
        long startSeq = depot.changes().lastSequence();

        // 1. Insert: every record gets a store-maintained version, 1 on insert.
        String[] names = {"Ann", "Bob", "Cleo", "Dan", "Eve", "Finn", "Gus", "Hana", "Ivo", "Jo"};
        for (int i = 0; i < names.length; i++) {
            players.insert(new Player("p" + i, names[i], 10 * (i + 1), Instant.parse("2030-01-01T00:00:00Z")));
        }
        say("inserted %d players", players.count());

        // 2. Indexed query, ordered and paged with an opaque keyset cursor.
        var strong = players.query().where(Q.field("score").between(30, 90)).orderBy("score", Direction.DESC).limit(3);
        Page<Player> page = strong.page();
        int pages = 1;
        say("page 1: %s", names(page.items()));
        while (page.hasMore()) {
            page = strong.after(page.nextCursor()).page();
            pages++;
            say("page %d: %s", pages, names(page.items()));
        }

        // 3. A transaction: both writes commit together, or neither does; retried on conflict.
        Records<String, Account> accounts = depot.records(ACCOUNTS);
        accounts.insert(new Account("alice", 100));
        accounts.insert(new Account("bob", 0));
        depot.inTransaction(Retry.onConflict(3), tx -> {
            var acc = tx.records(ACCOUNTS);
            Account from = acc.get("alice").orElseThrow();
            Account to = acc.get("bob").orElseThrow();
            acc.update(new Account(from.id(), from.balance() - 40));
            acc.update(new Account(to.id(), to.balance() + 40));
        });
        long total = accounts.getAll(List.of("alice", "bob")).values().stream().mapToLong(Account::balance).sum();
        say("transferred 40: alice=%d bob=%d (total %d)", accounts.get("alice").orElseThrow().balance(),
                accounts.get("bob").orElseThrow().balance(), total);

        // 4. Optimistic locking: an update against a stale version is refused.
        Versioned<Player> ann = players.getVersioned("p0").orElseThrow();
        players.update(new Player("p0", "Ann", 99, ann.value().joined()), ann.version());
        String refused;
        try {
            players.update(new Player("p0", "Ann", 1, ann.value().joined()), ann.version());
            refused = "accepted (wrong!)";
        } catch (VersionConflictException e) {
            refused = "refused";
        }
        say("stale update of version %d: %s", ann.version(), refused);

        // 5. The change feed: every committed write, in commit order, resumable by sequence.
        List<ChangeEvent> events = depot.changes().since(startSeq, 1000);
        say("change feed: %d events, first %s %s/%s, last %s %s/%s", events.size(),
                events.get(0).op(), events.get(0).collection(), events.get(0).key(),
                events.get(events.size() - 1).op(), events.get(events.size() - 1).collection(),
                events.get(events.size() - 1).key());

        return String.format("Depot tour on %s: %d players, %d pages of strong players, transfer kept total %d, "
                + "stale update %s, %d change events", depot, players.count(), pages, total, refused, events.size());
    }

    private static List<String> names(List<Player> ps) {
        return ps.stream().map(p -> p.name() + "(" + p.score() + ")").toList();
    }

    private static void say(String format, Object... args) {
        System.out.println("  " + String.format(format, args));
    }
}
