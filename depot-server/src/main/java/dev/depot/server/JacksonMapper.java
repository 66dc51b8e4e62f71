package dev.depot.server;

import io.javalin.json.JsonMapper;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.ObjectMapper;

/**
 * Javalin's JSON hook on Jackson 3: Javalin 7's bundled mapper is for Jackson 2, and Depot uses
 * Jackson 3 everywhere, so {@code ctx.json(...)} goes through the same {@link ObjectMapper} as
 * the stored documents.
 */
final class JacksonMapper implements JsonMapper {
    private final ObjectMapper mapper;

    JacksonMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Through UTF-8 bytes and back: Jackson's byte generator writes an unpaired surrogate (which a
     * document may hold) as a {@code \\u} escape, while its string generator leaves the bare char,
     * which Javalin's UTF-8 encoding of the result then turns into {@code ?}.
     */
    @Override
    public String toJsonString(Object obj, Type type) {
        return new String(mapper.writeValueAsBytes(obj), StandardCharsets.UTF_8);
    }

    @Override
    public <T> T fromJsonString(String json, Type type) {
        return mapper.readValue(json, mapper.constructType(type));
    }
}
