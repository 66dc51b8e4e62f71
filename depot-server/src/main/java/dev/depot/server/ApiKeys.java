package dev.depot.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The API keys a {@link DepotServer} accepts, each bound to a role ({@code read}, {@code write},
 * {@code admin}) and to tenants ({@code *} for all). Only SHA-256 hashes of the keys are kept; a
 * presented key is hashed and compared with every entry in constant time, whichever matches. No
 * method, exception or {@code toString} ever shows a key or a hash.
 *
 * <p>An entry is {@code KEY ROLE TENANTS}: {@code TENANTS} a comma-separated list such as
 * {@code default,acme}, or {@code *}. Inline ({@link #parse}) entries are separated by {@code ;} or
 * new lines and {@code KEY} may be the key itself; in a file ({@link #load}) one entry per line,
 * {@code #} starts a comment, and {@code KEY} must be {@code sha256:<64 hex digits>} (make one with
 * {@code printf %s "$KEY" | sha256sum}), so that the file holds no key.
 */
public final class ApiKeys {
    private static final ApiKeys NONE = new ApiKeys(List.of());

    record Entry(byte[] hash, Role role, Set<String> tenants) {
        boolean allows(String tenant) {
            return tenants.contains("*") || tenants.contains(tenant);
        }
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No keys: every request is allowed, in every tenant. */
    public static ApiKeys none() {
        return NONE;
    }

    /** Entries given inline (for example in {@code DEPOT_API_KEYS}); keys may be plain or {@code sha256:HEX}. */
    public static ApiKeys parse(String spec) {
        List<Entry> entries = new ArrayList<>();
        int n = 0;
        for (String raw : spec.split("[;\n]")) {
            String line = raw.strip();
            n++;
            if (!line.isEmpty()) {
                entries.add(entry(line, "entry " + n, true));
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("API keys: no entry given; write KEY ROLE TENANTS");
        }
        return new ApiKeys(entries);
    }

    /** Entries from a file, one per line, keys as {@code sha256:HEX} only. */
    public static ApiKeys load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("API keys: cannot read " + file, e);
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            line = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!line.isEmpty()) {
                entries.add(entry(line, file.getFileName() + " line " + (i + 1), false));
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("API keys: " + file + " holds no entry; write sha256:HEX ROLE TENANTS");
        }
        return new ApiKeys(entries);
    }

    /**
     * What {@code DEPOT_API_KEYS} holds: {@code @path} (or the path of an existing file) to
     * {@link #load} a file, else inline entries to {@link #parse}; blank or null means {@link #none()}.
     */
    public static ApiKeys fromEnvironment(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        String v = value.strip();
        if (v.startsWith("@")) {
            return load(Path.of(v.substring(1)));
        }
        if (!v.contains(" ") && Files.isRegularFile(Path.of(v))) {
            return load(Path.of(v));
        }
        return parse(v);
    }

    /** Whether keys are required at all. */
    public boolean enabled() {
        return !entries.isEmpty();
    }

    /** How many keys there are. */
    public int size() {
        return entries.size();
    }

    /**
     * The entry of a presented key, or null. Every entry is compared, in constant time, so the time
     * taken says nothing about which entry (if any) matched or how much of it did.
     */
    Entry find(String presented) {
        byte[] hash = sha256(presented);
        Entry found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.hash(), hash) & found == null) {
                found = e;
            }
        }
        return found;
    }

    /** Never shows keys or hashes. */
    @Override
    public String toString() {
        return "ApiKeys[" + entries.size() + " key(s)]";
    }

    private static Entry entry(String line, String where, boolean plainAllowed) {
        String[] parts = line.split("\\s+");
        if (parts.length != 3) {
            throw new IllegalArgumentException("API keys, " + where + ": expected 3 fields KEY ROLE TENANTS, found "
                    + parts.length);
        }
        byte[] hash;
        if (parts[0].startsWith("sha256:")) {
            String hex = parts[0].substring("sha256:".length());
            if (!hex.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("API keys, " + where + ": sha256: must be followed by 64 hex digits");
            }
            hash = HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
        } else if (plainAllowed) {
            if (parts[0].length() < 16) {
                throw new IllegalArgumentException("API keys, " + where + ": a key must be at least 16 characters");
            }
            hash = sha256(parts[0]);
        } else {
            throw new IllegalArgumentException("API keys, " + where
                    + ": a file holds hashes, not keys: write sha256:<hex of SHA-256 of the key>");
        }
        Role role;
        try {
            role = Role.valueOf(parts[1].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("API keys, " + where + ": role must be read, write or admin");
        }
        Set<String> tenants = Set.of(parts[2].split(","));
        for (String t : tenants) {
            if (!t.equals("*") && !t.matches("[a-z][a-z0-9]{0,15}")) {
                throw new IllegalArgumentException("API keys, " + where
                        + ": tenants must be * or comma-separated names matching [a-z][a-z0-9]{0,15}");
            }
        }
        return new Entry(hash, role, tenants);
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
