package dev.depot.server;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads request bodies within the size limit and parses them as JSON. A body over the limit is
 * refused before anything is parsed, so an oversized request can never write.
 */
final class Bodies {
    private final ObjectMapper json;
    private final long maxBytes;

    Bodies(ObjectMapper json, long maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
    }

    /**
     * The body as a JSON object; 415 when it is declared as something else, 400 when it is empty,
     * malformed or not an object, 413 when too large.
     */
    JsonNode object(Context ctx) {
        requireJson(ctx);
        byte[] bytes = read(ctx);
        if (bytes.length == 0) {
            throw ProblemException.badRequest("malformed-json", "the request body is empty; a JSON object is expected");
        }
        JsonNode node;
        try {
            // A member given twice is refused, not resolved by the last one winning: request objects are strict.
            node = json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(bytes);
        } catch (JacksonException e) {
            String original = e.getOriginalMessage();
            if (original != null && original.startsWith("Duplicate Object property ")) {
                // Jackson's own words name the member (never a value): Duplicate Object property "max"
                String member = original.substring("Duplicate Object property ".length());
                throw ProblemException.badRequest("malformed-json", "the request body gives the member "
                        + (member.length() > 100 ? member.substring(0, 100) + "…" : member) + " twice"
                        + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                                + ", column " + e.getLocation().getColumnNr() + ")"));
            }
            // The parser's location, not its message: the message can quote the body.
            throw ProblemException.badRequest("malformed-json", "the request body is not valid JSON"
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                            + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        if (node == null || !node.isObject()) {
            throw ProblemException.badRequest("malformed-json", "the request body must be a JSON object");
        }
        return node;
    }

    /**
     * Answers {@code value} as JSON, encoded straight to UTF-8 bytes: {@code ctx.json} goes through
     * a {@code String} (Javalin's mapper interface) and encodes twice, which the queue and record
     * routes, the hot ones, do not pay.
     */
    void send(Context ctx, Object value) {
        ctx.contentType("application/json").result(json.writeValueAsBytes(value));
    }

    /**
     * Refuses, before reading, a body not declared as JSON ({@code application/json} or
     * {@code application/*+json}). A form or plain-text body that happened to parse was stored as if
     * it were JSON; those, and a POST whose body has no declared type at all (a typeless {@code Blob}
     * in {@code fetch}), are what a web page may send to a keyless server on localhost without the
     * browser asking first (no CORS preflight). A declared JSON type needs one.
     */
    private static void requireJson(Context ctx) {
        java.util.Enumeration<String> types = ctx.req().getHeaders("Content-Type");
        boolean declared = false;
        while (types != null && types.hasMoreElements()) {
            declared = true;
            String media = types.nextElement().split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
            boolean json = media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
            if (!json) {
                throw unsupported();
            }
        }
        if (!declared) {
            throw unsupported();
        }
    }

    private static ProblemException unsupported() {
        return new ProblemException(415, "unsupported-media-type", "Unsupported media type",
                "Content-Type must be application/json: this route takes a JSON object (curl: --json)");
    }

    private byte[] read(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge();
        }
        try (InputStream in = ctx.req().getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProblemException tooLarge() {
        return new ProblemException(413, "body-too-large", "Content too large",
                "the request body is larger than the limit of " + maxBytes + " bytes");
    }
}
