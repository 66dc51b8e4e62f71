package dev.depot.server;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One route of the server: what the router, the access check, the metrics and the OpenAPI document
 * all read, so that they cannot disagree.
 *
 * @param method the HTTP method
 * @param path the Javalin path template ({@code {name}} one segment, {@code <path>} the rest)
 * @param role the least role a key needs, or null for an open route
 * @param global whether the key must hold every tenant ({@code *}), for cross-tenant routes
 * @param tag the OpenAPI tag (records, blobs, queues, ...)
 * @param summary one line for the OpenAPI document
 * @param handler what runs
 * @param queryParameters the query parameters the route reads; any other is refused (400 {@code unknown-parameter})
 */
record Route(HandlerType method, String path, Role role, boolean global, String tag, String summary, Handler handler,
        java.util.List<String> queryParameters) {

    Route {
        queryParameters = java.util.List.copyOf(queryParameters);
    }

    /** A route that reads no query parameter. */
    Route(HandlerType method, String path, Role role, boolean global, String tag, String summary, Handler handler) {
        this(method, path, role, global, tag, summary, handler, java.util.List.of());
    }

    /**
     * Whether a request path falls under this route's template, whatever its method: what a 405's
     * {@code Allow} header lists. A trailing slash is ignored, as the router ignores it.
     */
    boolean matches(String requestPath) {
        StringBuilder regex = new StringBuilder();
        for (String segment : path.substring(1).split("/")) {
            regex.append('/');
            if (segment.startsWith("{")) {
                regex.append("[^/]+");
            } else if (segment.startsWith("<")) {
                regex.append(".+");
            } else {
                regex.append(java.util.regex.Pattern.quote(segment));
            }
        }
        return requestPath.matches(regex + "/?");
    }

    /** The OpenAPI form of the path: {@code <path>} becomes {@code {path}}. */
    String openApiPath() {
        return path.replace('<', '{').replace('>', '}');
    }
}
