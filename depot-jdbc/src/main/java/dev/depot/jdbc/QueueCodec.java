package dev.depot.jdbc;

import dev.depot.Attempt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The byte form of an item's headers and attempt history: a count, then length-prefixed UTF-8
 * strings and epoch-microsecond longs. Compact, no reflection, and NULL for the common empty case,
 * so an item without headers or history costs nothing to store or read.
 */
final class QueueCodec {
    private static final Attempt.Outcome[] OUTCOMES = Attempt.Outcome.values();

    private QueueCodec() {}

    static byte[] headers(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(headers.size());
            for (Map.Entry<String, String> e : headers.entrySet()) {
                writeText(out, e.getKey());
                writeText(out, e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Map<String, String> headers(byte[] stored) {
        if (stored == null) {
            return Map.of();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
            int n = in.readInt();
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                out.put(readText(in), readText(in));
            }
            return java.util.Collections.unmodifiableMap(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] history(List<Attempt> history) {
        if (history.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(history.size());
            for (Attempt a : history) {
                out.writeInt(a.number());
                out.writeLong(EpochMicros.of(a.leasedAt()));
                out.writeLong(EpochMicros.of(a.endedAt()));
                writeNullable(out, a.holder());
                out.writeByte(a.outcome().ordinal());
                writeNullable(out, a.reason());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<Attempt> history(byte[] stored) {
        if (stored == null) {
            return List.of();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
            int n = in.readInt();
            List<Attempt> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int number = in.readInt();
                Instant leasedAt = EpochMicros.toInstant(in.readLong());
                Instant endedAt = EpochMicros.toInstant(in.readLong());
                String holder = readNullable(in);
                Attempt.Outcome outcome = OUTCOMES[in.readByte()];
                out.add(new Attempt(number, leasedAt, endedAt, holder, outcome, readNullable(in)));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeText(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readText(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            writeText(out, s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? readText(in) : null;
    }
}
