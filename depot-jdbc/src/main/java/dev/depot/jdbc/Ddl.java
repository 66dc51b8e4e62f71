package dev.depot.jdbc;

import java.util.Locale;

/**
 * Who owns Depot's tables, the {@code ddl=} setting. {@link #CREATE} (the default): Depot creates and
 * evolves them at run time, which needs CREATE/ALTER rights. {@link #VALIDATE}: the tables were made
 * beforehand (e.g. by a migration tool, with DDL Depot created once); Depot runs no DDL, checks at
 * open that every table, column and index it needs exists, and fails listing what is missing.
 * {@link #NONE}: as validate, without the check of the database's catalog (only Depot's own registry
 * of collections is read). With validate and none, a role with DML rights only is enough.
 */
enum Ddl {
    CREATE, VALIDATE, NONE;

    static Ddl parse(String value, String display) {
        if (value == null) {
            return CREATE;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "create" -> CREATE;
            case "validate" -> VALIDATE;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("ddl must be create, validate or none in " + display);
        };
    }
}
