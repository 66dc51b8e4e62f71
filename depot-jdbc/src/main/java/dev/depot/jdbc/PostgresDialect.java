package dev.depot.jdbc;

import dev.depot.spi.IndexType;
import dev.depot.spi.KeyType;
import java.sql.SQLException;
import java.util.Properties;

/**
 * PostgreSQL: text under {@code COLLATE "C"} (byte order of UTF-8, i.e. code point order), DDL inside
 * transactions, and server messages without the {@code DETAIL} line, which would quote stored values.
 */
final class PostgresDialect extends Dialect {

    @Override
    String name() {
        return "postgresql";
    }

    @Override
    String driverClass() {
        return "org.postgresql.Driver";
    }

    @Override
    Properties driverProperties(String applicationName) {
        Properties p = new Properties();
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("logServerErrorDetail", "false");
        p.setProperty("reWriteBatchedInserts", "true");
        return p;
    }

    @Override
    String keyType(KeyType type) {
        return type == KeyType.LONG ? "BIGINT" : "TEXT COLLATE \"C\"";
    }

    @Override
    String columnType(IndexType type) {
        return switch (type) {
            case STRING, UUID -> "TEXT COLLATE \"C\"";
            case LONG, INSTANT -> "BIGINT";
            case DOUBLE -> "DOUBLE PRECISION";
            case BOOLEAN -> "BOOLEAN";
        };
    }

    @Override
    String bytesType() {
        return "BYTEA";
    }

    @Override
    String textType() {
        return "TEXT";
    }

    @Override
    String indexColumns(String column) {
        // Matches the ascending query order (NULLS FIRST), which PostgreSQL's default index order does not.
        return column + " NULLS FIRST, k";
    }

    @Override
    String notify(String channel) {
        return "NOTIFY " + channel; // delivered when the transaction commits, never for a rollback
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }

    @Override
    Failure classify(SQLException e) {
        String state = e.getSQLState();
        // 57P01..57P03: admin shutdown, crash shutdown, cannot connect now.
        if (state != null && state.startsWith("57P0")) {
            return Failure.UNAVAILABLE;
        }
        return super.classify(e);
    }
}
