package dev.depot.server;

import dev.depot.AlreadyExistsException;
import dev.depot.BackendUnavailableException;
import dev.depot.CommitOutcomeUnknownException;
import dev.depot.ConflictException;
import dev.depot.DirectoryNotEmptyException;
import dev.depot.InvalidPathException;
import dev.depot.LeaseExpiredException;
import dev.depot.PathConflictException;
import dev.depot.PreconditionFailedException;
import dev.depot.StorageFullException;
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
        ProblemException p = classify(e);
        if (p == null) {
            LOG.error("unexpected failure on {} {}", ctx.method(), Routes.template(ctx), e);
            p = new ProblemException(500, "internal", "Internal server error", "an unexpected error; see the server log");
        }
        if (p.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        String detail = p.getMessage();
        Tenant tenant = ctx.attribute(Tenant.ATTRIBUTE);
        if (detail != null && tenant != null && !tenant.prefix().isEmpty()) {
            // Core names stored names (acme__orders); a tenant knows its own as orders.
            detail = detail.replace(tenant.prefix(), "");
        }
        write(ctx, p.status(), p.type(), p.title(), detail);
    }

    /** The problem an exception means, or null for an unexpected one (a 500). */
    static ProblemException classify(Exception e) {
        return switch (e) {
            case ProblemException p -> p;
            case VersionConflictException v -> new ProblemException(412, "stale-version", "Precondition failed", v.getMessage());
            case PreconditionFailedException p -> new ProblemException(412, "precondition-failed", "Precondition failed", p.getMessage());
            case UniqueConstraintException u -> new ProblemException(409, "unique-constraint", "Conflict", u.getMessage());
            case AlreadyExistsException a -> new ProblemException(409, "already-exists", "Conflict", a.getMessage());
            case NotFoundException n -> new ProblemException(404, "not-found", "Not found", n.getMessage());
            case ConflictException c -> new ProblemException(409, "conflict", "Conflict", c.getMessage());
            case LeaseExpiredException l -> new ProblemException(409, "lease-expired", "Conflict", l.getMessage());
            case PathConflictException p -> new ProblemException(409, "path-conflict", "Conflict", p.getMessage());
            case DirectoryNotEmptyException d -> new ProblemException(409, "directory-not-empty", "Conflict", d.getMessage());
            case InvalidPathException i -> new ProblemException(400, "invalid-path", "Bad request", i.getMessage());
            case StorageFullException f -> new ProblemException(507, "storage-full", "Insufficient storage",
                    "the store's disk is full; retry once space is freed");
            case CommitOutcomeUnknownException c when c.getCause() instanceof StorageFullException ->
                    new ProblemException(507, "storage-full", "Insufficient storage", "the store's disk is full; the commit"
                            + " may or may not have been applied; retry once space is freed");
            case BackendUnavailableException b -> new ProblemException(503, "backend-unavailable", "Service unavailable",
                    "the backend does not answer; retry later");
            case UnsupportedOperationException u -> new ProblemException(501, "not-supported", "Not implemented",
                    u.getMessage() == null ? "this backend does not support this" : u.getMessage());
            case IllegalArgumentException i -> new ProblemException(400, "invalid-request", "Bad request", i.getMessage());
            default -> null;
        };
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
