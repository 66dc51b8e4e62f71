package dev.depot.server;

import dev.depot.AlreadyExistsException;
import dev.depot.BackendUnavailableException;
import dev.depot.ConflictException;
import dev.depot.NotFoundException;
import dev.depot.UniqueConstraintException;
import dev.depot.VersionConflictException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * Maps every failure of a request to an RFC 9457 problem document ({@code application/problem+json}).
 * Depot's own exceptions keep their status meaning; anything unexpected is a 500 whose detail says
 * nothing about the data (its stack trace goes to the log, without the request body).
 */
final class Problems {
    static final String BASE = "https://depot.dev/problems/";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private final ObjectMapper json;

    Problems(ObjectMapper json) {
        this.json = json;
    }

    void handle(Exception e, Context ctx) {
        switch (e) {
            case ProblemException p -> write(ctx, p.status(), p.type(), p.title(), p.getMessage());
            case VersionConflictException v -> write(ctx, 412, "stale-version", "Precondition failed", v.getMessage());
            case UniqueConstraintException u -> write(ctx, 409, "unique-constraint", "Conflict", u.getMessage());
            case AlreadyExistsException a -> write(ctx, 409, "already-exists", "Conflict", a.getMessage());
            case NotFoundException n -> write(ctx, 404, "not-found", "Not found", n.getMessage());
            case ConflictException c -> write(ctx, 409, "conflict", "Conflict", c.getMessage());
            case BackendUnavailableException b -> write(ctx, 503, "backend-unavailable", "Service unavailable",
                    "the backend does not answer; retry later");
            case IllegalArgumentException i -> write(ctx, 400, "invalid-request", "Bad request", i.getMessage());
            default -> {
                LOG.error("unexpected failure on {} {}", ctx.method(), Routes.template(ctx), e);
                write(ctx, 500, "internal", "Internal server error", "an unexpected error; see the server log");
            }
        }
    }

    void write(Context ctx, int status, String type, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", BASE + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail == null ? title : detail);
        ctx.status(status);
        ctx.contentType("application/problem+json");
        ctx.result(json.writeValueAsBytes(body));
    }
}
