package dev.depot.server;

import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The members a request object may have. A member the route does not know is refused with a 400
 * naming it, instead of being ignored: a misspelt option ({@code "deadLetter"} for {@code
 * "deadLetterQueue"}, {@code "notBefore"} for {@code "delay"}) would otherwise succeed and do
 * something else than asked. Record documents are not checked: they hold what the user stores.
 */
final class KnownFields {
    private final Set<String> names;
    private final String expected;

    private KnownFields(String... names) {
        this.names = Set.of(names);
        this.expected = String.join(", ", List.of(names));
    }

    static KnownFields of(String... names) {
        return new KnownFields(names);
    }

    /** Refuses the first member of {@code object} not among the names; {@code where} says which object. */
    void check(JsonNode object, String where) {
        for (String name : object.propertyNames()) {
            if (!names.contains(name)) {
                String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
                throw ProblemException.badRequest("unknown-field", where + ": unknown field \"" + shown + "\"; expected "
                        + expected);
            }
        }
    }
}
