package dev.depot.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.ObjectMapper;

/**
 * The OpenAPI 3.1 document served at {@code /openapi.json}, generated from the server's route table
 * (the same table the router is built from), so a route cannot be served and missing from it.
 * Bodies are described in prose (docs/CONTRACT.md, section 8); the document fixes paths, methods,
 * parameters, security and the problem-document error shape.
 */
final class OpenApi {
    private static final Pattern PARAM = Pattern.compile("[{<]([a-zA-Z]+)[}>]");

    private OpenApi() {}

    static byte[] render(List<Route> routes, String version, ObjectMapper json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Depot server", "version", version,
                "description", "Records, blobs, work queues and the change feed of a depot over HTTP/JSON. "
                        + "Send X-Depot-Tenant to work in a tenant; with API keys configured, Authorization: Bearer <key>."));
        Map<String, Map<String, Object>> paths = new TreeMap<>();
        for (Route r : routes) {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("operationId", operationId(r));
            op.put("summary", r.summary());
            op.put("tags", List.of(r.tag()));
            List<Object> params = new ArrayList<>();
            Matcher m = PARAM.matcher(r.path());
            while (m.find()) {
                params.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
            }
            for (String q : r.queryParameters()) {
                params.add(Map.of("name", q, "in", "query", "required", false, "schema", Map.of("type", "string")));
            }
            if (r.role() != null) {
                params.add(Map.of("$ref", "#/components/parameters/tenant"));
                op.put("security", List.of(Map.of("bearer", List.of())));
            } else {
                op.put("security", List.of());
            }
            op.put("parameters", params);
            Map<String, Object> responses = new LinkedHashMap<>();
            responses.put("2XX", Map.of("description", "success"));
            responses.put("default", Map.of("description", "an RFC 9457 problem document",
                    "content", Map.of("application/problem+json", Map.of("schema", Map.of("$ref", "#/components/schemas/Problem")))));
            op.put("responses", responses);
            paths.computeIfAbsent(r.openApiPath(), p -> new TreeMap<>()).put(r.method().name().toLowerCase(Locale.ROOT), op);
        }
        doc.put("paths", paths);
        doc.put("components", Map.of(
                "securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer")),
                "parameters", Map.of("tenant", Map.of("name", Tenant.HEADER, "in", "header", "required", false,
                        "schema", Map.of("type", "string", "pattern", "^[a-z][a-z0-9]{0,15}$"))),
                "schemas", Map.of("Problem", Map.of("type", "object", "required", List.of("type", "title", "status", "detail"),
                        "properties", Map.of("type", Map.of("type", "string", "format", "uri"),
                                "title", Map.of("type", "string"),
                                "status", Map.of("type", "integer"),
                                "detail", Map.of("type", "string"))))));
        return json.writeValueAsBytes(doc);
    }

    private static String operationId(Route r) {
        StringBuilder sb = new StringBuilder(r.method().name().toLowerCase(Locale.ROOT));
        for (String part : r.path().split("/")) {
            String p = part.replaceAll("[{}<>]", "");
            if (!p.isEmpty() && !p.equals("v1")) {
                for (String w : p.split("-")) {
                    sb.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
                }
            }
        }
        return sb.toString();
    }
}
