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
    static final String RESERVED = "depot_server_";
    static final String CATALOG = RESERVED + "collections";
    static final Schema<String, JsonNode> CATALOG_SCHEMA = Schema.json(CATALOG).key("/name").build();

    record Declared(Declaration declaration, Records<String, JsonNode> records) {}

    private final Depot depot;
    private final ObjectMapper json;
    private final Map<String, Declared> byName = new ConcurrentHashMap<>();

    Collections(Depot depot, ObjectMapper json) {
        this.depot = depot;
        this.json = json;
    }

    /**
     * Declares (or re-declares identically) a collection of {@code tenant}; true when it is new. 409
     * when it differs. {@code visible} carries the name the tenant uses.
     */
    synchronized boolean declare(Tenant tenant, Declaration visible) {
        if (visible.name().startsWith(RESERVED)) {
            throw ProblemException.badRequest("invalid-declaration",
                    "collection names starting with '" + RESERVED + "' are reserved; '" + visible.name() + "' is one");
        }
        Declaration d = visible.withName(tenant.physical("collection", visible.name()));
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

    /** The declared collection {@code name} of {@code tenant}, or a 404 problem naming it. */
    Declared require(Tenant tenant, String name) {
        Declared d = find(tenant.physical("collection", name));
        if (d == null) {
            throw ProblemException.notFound("unknown-collection", "collection '" + name
                    + "' is not declared; declare it with PUT /v1/collections/" + name);
        }
        return d;
    }

    /** The declarations of {@code tenant}, under the names it uses, by name. */
    List<Declaration> all(Tenant tenant) {
        reload();
        return byName.values().stream().map(Declared::declaration)
                .filter(d -> tenant.owns(d.name()))
                .map(d -> d.withName(tenant.visible(d.name())))
                .sorted(java.util.Comparator.comparing(Declaration::name)).toList();
    }

    /** Every declaration of every tenant, under its stored name; for {@code depot copy}-like tools and metrics. */
    List<Declaration> stored() {
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
