package dev.depot.examples;

import dev.depot.Depot;
import dev.depot.Records;
import java.time.InstantSource;
import java.util.UUID;

/** A tiny service written against Depot, tested in memory by PlayerServiceTest. */
public final class PlayerService {
    private final Records<UUID, QuickStart.Player> players;
    private final InstantSource clock;

    public PlayerService(Depot depot, InstantSource clock) {
        this.players = depot.records(QuickStart.PLAYERS);
        this.clock = clock;
    }

    /** Registers a player with score 0; the unique email index refuses a second registration. */
    public UUID register(String name, String email) {
        UUID id = UUID.randomUUID();
        players.insert(new QuickStart.Player(id, name, email, 0, clock.instant()));
        return id;
    }
}
