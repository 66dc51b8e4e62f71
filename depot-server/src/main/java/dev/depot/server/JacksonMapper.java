package dev.depot.server;

import io.javalin.json.JsonMapper;
import java.lang.reflect.Type;
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

    @Override
    public String toJsonString(Object obj, Type type) {
        return mapper.writeValueAsString(obj);
    }

    @Override
    public <T> T fromJsonString(String json, Type type) {
        return mapper.readValue(json, mapper.constructType(type));
    }
}
