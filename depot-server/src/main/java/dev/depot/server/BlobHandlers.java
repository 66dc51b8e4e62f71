package dev.depot.server;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.BlobOutputStream;
import dev.depot.Blobs;
import dev.depot.Capability;
import dev.depot.Depot;
import dev.depot.ListOptions;
import dev.depot.Page;
import dev.depot.PreconditionFailedException;
import dev.depot.WriteOptions;
import dev.depot.spi.BlobRules;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Blobs over HTTP: {@code PUT}, {@code GET} (with a single {@code Range}), {@code HEAD} and
 * {@code DELETE} of {@code /v1/blobs/{bucket}/<path>}, and listing {@code GET /v1/blobs/{bucket}}.
 * Content streams through in 64 KiB pieces both ways; no blob is ever held in memory whole. The
 * ETag is the blob's content etag, quoted. Metadata travels as {@code X-Depot-Meta-<key>} headers.
 */
final class BlobHandlers {
    static final String META = "x-depot-meta-";
    private static final int BUFFER = 64 * 1024;

    private final Depot depot;
    private final long maxBlobBytes;

    BlobHandlers(Depot depot, long maxBlobBytes) {
        this.depot = depot;
        this.maxBlobBytes = maxBlobBytes;
    }

    private Blobs blobs(Context ctx) {
        if (!depot.capabilities().has(Capability.BLOBS)) {
            throw new ProblemException(501, "not-supported", "Not implemented", "this backend has no blobs");
        }
        return depot.blobs(Tenant.of(ctx).physical("bucket", ctx.pathParam("bucket")));
    }

    /**
     * The blob path as the request spells it. The router ignores a trailing slash, so {@code <path>}
     * alone would turn {@code a/} into {@code a} (a PUT would write, a DELETE delete, another blob than
     * named); put back, it is refused by the path rules like any other illegal path.
     */
    private static String blobPath(Context ctx) {
        String path = ctx.pathParam("path");
        return ctx.path().endsWith("/") && !path.endsWith("/") ? path + "/" : path;
    }

    /**
     * 201 when this write created the blob, 200 when it replaced one: what the publish itself saw, so
     * of racing creators exactly one answers 201. A precondition is checked before the body is read
     * (so a failing one is refused without streaming it; with {@code Expect: 100-continue} the client
     * never sends it) and decided again, atomically, at the publish.
     */
    void put(Context ctx) {
        Blobs blobs = blobs(ctx);
        String path = blobPath(ctx);
        WriteOptions options = options(ctx, blobs, path);
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBlobBytes) {
            throw tooLarge();
        }
        if (options.createOnly() || options.replaceOnly() || options.expectedEtag() != null) {
            try {
                BlobRules.checkPrecondition(blobs.bucket(), path, options, blobs.stat(path).orElse(null));
            } catch (PreconditionFailedException e) {
                throw failed(options);
            }
        }
        BlobOutputStream out = blobs.write(path, options);
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] buffer = new byte[BUFFER];
            long total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                if (total > maxBlobBytes) {
                    throw tooLarge(); // aborted below: nothing is published
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            out.abort();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            out.abort();
            throw e;
        }
        try {
            out.close();
        } catch (PreconditionFailedException e) {
            throw failed(options);
        }
        ctx.header("ETag", quote(out.published().etag()));
        ctx.status(out.replaced() ? 200 : 201).json(describe(out.published()));
    }

    private static ProblemException failed(WriteOptions options) {
        return failed(options.createOnly() ? "a blob exists at this path (If-None-Match: *)"
                : options.replaceOnly() ? "no blob at this path (If-Match: *)"
                : "no blob with the etag If-Match names at this path");
    }

    private WriteOptions options(Context ctx, Blobs blobs, String path) {
        WriteOptions options = WriteOptions.defaults();
        String type = ctx.header("Content-Type");
        if (type != null && !type.isBlank()) {
            options = options.withContentType(type.strip());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String name : ctx.headerMap().keySet()) {
            if (name.toLowerCase(Locale.ROOT).startsWith(META)) {
                metadata.put(name.substring(META.length()).toLowerCase(Locale.ROOT), HeaderText.decode(ctx.header(name)));
            }
        }
        options = options.metadata(metadata);
        String ifMatch = ctx.header("If-Match");
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifMatch != null && ifNoneMatch != null) {
            throw ProblemException.badRequest("invalid-precondition", "If-Match and If-None-Match cannot be combined");
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.strip().equals("*")) {
                throw ProblemException.badRequest("invalid-precondition", "If-None-Match on PUT supports only '*' (create only)");
            }
            options = options.withIfNoneMatch();
        } else if (ifMatch != null) {
            options = ifMatch.strip().equals("*") ? options.withIfExists() : options.withIfMatch(matching(ifMatch, blobs, path));
        }
        return options;
    }

    /**
     * The one etag of an {@code If-Match} list (other than {@code *}) to make the change conditional on:
     * the only tag that can match, or of several the blob's current one if listed (the conditional
     * change then fails if the blob changes meanwhile). 412 when no tag can match: weak ones never do
     * (strong comparison), nor ones no etag can be.
     */
    private static String matching(String header, Blobs blobs, String path) {
        List<String> tags = new ArrayList<>();
        for (String t : Etags.strongTags(header)) {
            try {
                WriteOptions.ifMatch(t); // the etag rule: what it refuses can never match
                tags.add(t);
            } catch (IllegalArgumentException e) {
                // cannot match
            }
        }
        if (tags.size() > 1) {
            // The current etag if listed; else any listed one, which fails as it should unless the blob changed to it.
            String current = blobs.stat(path).map(BlobInfo::etag).orElse(null);
            tags = tags.contains(current) ? List.of(current) : tags;
        }
        if (tags.isEmpty()) {
            blobs.exists(path); // an illegal path is still a 400, not a 412
            throw failed("no blob with the etag If-Match names at this path");
        }
        return tags.get(0);
    }

    private static ProblemException failed(String detail) {
        return new ProblemException(412, "precondition-failed", "Precondition failed", detail);
    }

    void get(Context ctx) throws IOException {
        serve(ctx, true);
    }

    void head(Context ctx) throws IOException {
        serve(ctx, false);
    }

    private void serve(Context ctx, boolean body) throws IOException {
        Blobs blobs = blobs(ctx);
        String path = blobPath(ctx);
        BlobInfo info = blobs.stat(path).orElseThrow(() -> missing(ctx));
        String etag = quote(info.etag());
        ctx.header("ETag", etag);
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(info.modified().atOffset(ZoneOffset.UTC)));
        info.metadata().forEach((k, v) -> ctx.header("X-Depot-Meta-" + k, HeaderText.encode(v)));
        String inm = ctx.header("If-None-Match");
        if (inm != null && Etags.noneMatchHits(inm, info.etag())) {
            ctx.status(304);
            return;
        }
        long offset = 0;
        long length = info.size();
        String range = ctx.header("Range");
        String ifRange = ctx.header("If-Range");
        if (range != null && (ifRange == null || unquote(ifRange).equals(info.etag()))) {
            long[] r = range(range, info.size());
            if (r == null) {
                ctx.header("Content-Range", "bytes */" + info.size());
                throw new ProblemException(416, "range-not-satisfiable", "Range not satisfiable",
                        "the range starts at or past the end of the blob (" + info.size() + " bytes)");
            }
            offset = r[0];
            length = r[1] - r[0] + 1;
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + info.size());
        } else {
            ctx.status(200);
        }
        ctx.contentType(info.contentType());
        ctx.res().setContentLengthLong(length);
        if (!body) {
            return;
        }
        // A blob replaced between stat and read may yield other bytes; the ETag (and If-Range) tells.
        try (InputStream in = offset == 0 && length == info.size() ? blobs.read(path) : blobs.read(path, offset, length)) {
            OutputStream out = ctx.res().getOutputStream();
            byte[] buffer = new byte[BUFFER];
            long left = length;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1; ) {
                out.write(buffer, 0, n);
                left -= n;
            }
            out.flush();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * {@code [first, last]} of a single byte range ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}),
     * cut at the end; null when it starts at or past the end. A malformed or multi-range header is 400.
     */
    static long[] range(String header, long size) {
        String h = header.strip();
        if (!h.startsWith("bytes=") || h.contains(",")) {
            throw ProblemException.badRequest("invalid-range", "Range must be one range: bytes=first-last, bytes=first- or bytes=-suffix");
        }
        String spec = h.substring(6).strip();
        int dash = spec.indexOf('-');
        try {
            if (dash < 0) {
                throw new NumberFormatException();
            }
            String a = spec.substring(0, dash).strip();
            String b = spec.substring(dash + 1).strip();
            if (a.isEmpty()) {
                long suffix = position(b);
                if (suffix <= 0) {
                    return null;
                }
                return size == 0 ? null : new long[] {Math.max(0, size - suffix), size - 1};
            }
            long first = position(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : position(b); // open-ended: valid wherever it starts
            if (first < 0 || last < first) {
                throw new NumberFormatException();
            }
            if (first >= size) {
                return null;
            }
            return new long[] {first, Math.min(last, size - 1)};
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("invalid-range", "Range must be one range: bytes=first-last, bytes=first- or bytes=-suffix");
        }
    }

    /**
     * A byte position: digits only (RFC 9110 has no sign, so {@code bytes=--1} is malformed, not a
     * suffix), and one past any blob's size is as good as the end ({@code bytes=0-99999999999999999999}
     * is the whole blob, not a 400).
     */
    private static long position(String digits) {
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException();
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // too many digits for a long: past the end of anything stored
        }
    }

    void delete(Context ctx) {
        Blobs blobs = blobs(ctx);
        String path = blobPath(ctx);
        String ifMatch = ctx.header("If-Match");
        if (ifMatch == null) {
            if (!blobs.delete(path)) {
                throw missing(ctx);
            }
        } else if (ifMatch.strip().equals("*")) {
            if (!blobs.delete(path)) {
                throw failed("no blob at this path (If-Match: *)");
            }
        } else {
            String etag = matching(ifMatch, blobs, path);
            try {
                blobs.deleteIfMatch(path, etag); // decided atomically with the delete
            } catch (PreconditionFailedException e) {
                throw failed("no blob with the etag If-Match names at this path");
            }
        }
        ctx.status(204);
    }

    void list(Context ctx) {
        Blobs blobs = blobs(ctx);
        String prefix = ctx.queryParam("prefix");
        String delimiter = ctx.queryParam("delimiter");
        int limit = Limits.parse(ctx.queryParam("limit"), ListOptions.DEFAULT_LIMIT, ListOptions.MAX_LIMIT);
        if (delimiter != null && !delimiter.isEmpty() && !delimiter.equals("/")) {
            throw ProblemException.badRequest("invalid-delimiter", "delimiter must be / or absent");
        }
        ListOptions options = ListOptions.prefix(prefix == null ? "" : prefix)
                .delimiter(delimiter == null || delimiter.isEmpty() ? null : "/")
                .after(ctx.queryParam("after"))
                .limit(limit);
        Page<BlobEntry> page = blobs.list(options);
        List<Map<String, Object>> items = new ArrayList<>(page.items().size());
        for (BlobEntry e : page.items()) {
            if (e.isDirectory()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", e.path());
                m.put("directory", true);
                items.add(m);
            } else {
                items.add(describe(e.blob()));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("nextCursor", page.nextCursor());
        ctx.json(out);
    }

    static Map<String, Object> describe(BlobInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", info.path());
        m.put("size", info.size());
        m.put("etag", info.etag());
        m.put("contentType", info.contentType());
        m.put("metadata", info.metadata());
        m.put("modified", info.modified().toString());
        return m;
    }

    private ProblemException tooLarge() {
        return new ProblemException(413, "body-too-large", "Content too large",
                "the blob is larger than the limit of " + maxBlobBytes + " bytes");
    }

    private static ProblemException missing(Context ctx) {
        return ProblemException.notFound("blob-not-found", "bucket '" + ctx.pathParam("bucket") + "' has no blob at that path");
    }

    static String quote(String etag) {
        return "\"" + etag + "\"";
    }

    static String unquote(String header) {
        String h = header.strip();
        if (h.startsWith("W/")) {
            h = h.substring(2);
        }
        return h.length() >= 2 && h.startsWith("\"") && h.endsWith("\"") ? h.substring(1, h.length() - 1) : h;
    }
}
