package dev.depot.server;

import dev.depot.AlreadyExistsException;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Schema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The collections declared over HTTP. Declarations are themselves records of the reserved collection
 * {@value #CATALOG}, so a server restarted over the same database (or a second server on it) knows
 * them; this registry caches them and reloads the catalog when asked for a name it does not know.
 */
final class Collections {
    static final String CATALOG = "depot_server_collections";
    private static final Schema<String, JsonNode> CATALOG_SCHEMA = Schema.json(CATALOG).key("/name").build();

    record Declared(Declaration declaration, Records<String, JsonNode> records) {}

    private final Depot depot;
    private final ObjectMapper json;
    private final Map<String, Declared> byName = new ConcurrentHashMap<>();

    Collections(Depot depot, ObjectMapper json) {
        this.depot = depot;
        this.json = json;
    }

    /** Declares (or re-declares identically) a collection; true when it is new. 409 when it differs. */
    synchronized boolean declare(Declaration d) {
        if (d.name().startsWith("depot_server_")) {
            throw ProblemException.badRequest("invalid-declaration",
                    "collection names starting with 'depot_server_' are reserved; '" + d.name() + "' is one");
        }
        Declared known = find(d.name());
        if (known != null) {
            if (known.declaration().equals(d)) {
                return false;
            }
            throw new ProblemException(409, "declaration-conflict", "Conflict", "collection '" + d.name()
                    + "' is already declared with another key or indexes; changing a declaration is not supported yet");
        }
        Records<String, JsonNode> records = depot.records(d.schema());
        try {
            // insert, not save: another server on the same database may have declared it meanwhile.
            catalog().insert(json.valueToTree(d));
        } catch (AlreadyExistsException e) {
            byName.remove(d.name());
            Declared winner = find(d.name());
            if (winner != null && winner.declaration().equals(d)) {
                return false;
            }
            throw new ProblemException(409, "declaration-conflict", "Conflict", "collection '" + d.name()
                    + "' was just declared with another key or indexes by another server");
        }
        byName.put(d.name(), new Declared(d, records));
        return true;
    }

    /** The declared collection, or a 404 problem naming it. */
    Declared require(String name) {
        Declared d = find(name);
        if (d == null) {
            throw ProblemException.notFound("unknown-collection", "collection '" + name
                    + "' is not declared; declare it with PUT /v1/collections/" + name);
        }
        return d;
    }

    List<Declaration> all() {
        reload();
        return byName.values().stream().map(Declared::declaration)
                .sorted(java.util.Comparator.comparing(Declaration::name)).toList();
    }

    private Declared find(String name) {
        Declared d = byName.get(name);
        if (d == null) {
            reload();
            d = byName.get(name);
        }
        return d;
    }

    private void reload() {
        for (JsonNode node : catalog().query().list()) {
            Declaration d = json.treeToValue(node, Declaration.class);
            byName.computeIfAbsent(d.name(), n -> new Declared(d, depot.records(d.schema())));
        }
    }

    private Records<String, JsonNode> catalog() {
        return depot.records(CATALOG_SCHEMA);
    }
}
