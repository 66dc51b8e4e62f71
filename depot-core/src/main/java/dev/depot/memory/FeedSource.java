package dev.depot.memory;

import dev.depot.spi.KeyType;

/**
 * What a retained change event needs of its collection to be reported: the name, and the key type
 * that gives the key's text form. One per {@link MemoryCollection}, shared by all its events, so
 * the feed keeps neither a dropped collection's data nor a text copy of every key.
 */
record FeedSource(String collection, KeyType keyType) {}
