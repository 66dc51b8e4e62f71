package dev.depot;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/** Jackson 3 JSON codec; reader and writer are resolved once per type, so no reflection per call. */
final class JsonCodec<V> implements Codec<V> {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Class<V> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    private JsonCodec(Class<V> type) {
        this.type = type;
        this.reader = MAPPER.readerFor(type);
        this.writer = MAPPER.writerFor(type);
    }

    static <V> JsonCodec<V> of(Class<V> type) {
        return new JsonCodec<>(type);
    }

    @Override
    public byte[] encode(V value) {
        return writer.writeValueAsBytes(value);
    }

    @Override
    public V decode(byte[] bytes) {
        return reader.readValue(bytes);
    }

    @Override
    public String toString() {
        return "JsonCodec[" + type.getName() + "]";
    }
}
