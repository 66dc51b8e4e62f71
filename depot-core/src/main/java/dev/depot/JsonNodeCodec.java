package dev.depot;

import tools.jackson.databind.JsonNode;

/** Codec for untyped JSON documents. */
final class JsonNodeCodec implements Codec<JsonNode> {
    static final JsonNodeCodec INSTANCE = new JsonNodeCodec();

    private JsonNodeCodec() {}

    @Override
    public byte[] encode(JsonNode value) {
        return JsonCodec.MAPPER.writeValueAsBytes(value);
    }

    @Override
    public JsonNode decode(byte[] bytes) {
        return JsonCodec.MAPPER.readTree(bytes);
    }
}
