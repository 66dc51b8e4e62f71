package dev.depot;

import java.time.Instant;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.bean.BeanDeserializerBase;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/** Jackson 3 JSON codec; reader and writer are resolved once per type, so no reflection per call. */
final class JsonCodec<V> implements Codec<V> {
    /**
     * The one mapper: it writes and reads within {@link DocumentLimits}, the same limits both ways,
     * so every document it writes it can read back; instants in their usual form are read without
     * Jackson's formatter ({@link IsoInstantDeserializer}), and creators are called through a method
     * handle spread once per type ({@link SpreadCreators}), and buffers come from {@link JsonBufferPool}.
     */
    static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(DocumentLimits.MAX_NESTING_DEPTH)
                            .maxNumberLength(DocumentLimits.MAX_NUMBER_LENGTH)
                            .maxNameLength(DocumentLimits.MAX_NAME_LENGTH)
                            // a string is never longer than the document holding it
                            .maxStringLength(DocumentLimits.MAX_DOCUMENT_BYTES)
                            .build())
                    .streamWriteConstraints(StreamWriteConstraints.builder()
                            .maxNestingDepth(DocumentLimits.MAX_NESTING_DEPTH)
                            .build())
                    .addDecorator((factory, generator) -> new LimitedGenerator(generator))
                    .recyclerPool(JsonBufferPool.INSTANCE)
                    .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule("depot-instants").addDeserializer(Instant.class, IsoInstantDeserializer.INSTANCE))
            .addModule(new SimpleModule("depot-creators") {
                @Override
                public void setupModule(SetupContext context) {
                    context.addValueInstantiators(new SpreadCreators());
                }
            })
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

    /**
     * Fails with {@link IllegalArgumentException} if Jackson cannot read values of {@code type}: no
     * deserializer can be built, or it has no way to construct an instance (no default constructor,
     * no creator). Instances cannot be made up to try a real round trip here; the first write does
     * that (see {@code Documents}).
     */
    static void checkReadable(String collection, Class<?> type) {
        try {
            // ObjectReader prefetches its deserializer but swallows the failure; ask the context.
            ValueDeserializer<Object> d = MAPPER._deserializationContext().findRootValueDeserializer(MAPPER.constructType(type));
            if (d instanceof BeanDeserializerBase b && !b.getValueInstantiator().canInstantiate()) {
                throw new IllegalArgumentException(collection + ": the JSON codec can write " + type.getName()
                        + " but cannot read it back: it has no default constructor and no creator"
                        + " (use a record, add a no-argument constructor or a @JsonCreator, or give the schema a codec)");
            }
        } catch (tools.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(collection + ": the JSON codec cannot read " + type.getName()
                    + " back: " + e.getOriginalMessage(), e);
        }
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
