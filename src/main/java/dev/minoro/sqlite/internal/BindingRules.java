package dev.minoro.sqlite.internal;

/**
 * What a driver can bind beyond SQLite's own rules ({@link SqliteValues#bindable}): sqlite-jdbc binds whatever
 * SQLite binds; Hrana, libSQL's protocol, binds a statement's values either all by position or all by name, and
 * carries them in JSON, which has no Infinity or NaN.
 */
public enum BindingRules {

    /** SQLite's rules, as sqlite-jdbc binds them. */
    SQLITE,

    /** SQLite's rules with Hrana's limits. */
    HRANA;

    /**
     * Checks a statement's parameters when the statement is created.
     *
     * @throws IllegalArgumentException for parameters this driver cannot bind
     */
    void check(SqlScript.Part part) {
        if (this == HRANA && !part.names().isEmpty() && part.names().size() != part.parameterCount()) {
            throw new IllegalArgumentException("libSQL binds a statement's parameters either all by position (?, ?NNN)"
                    + " or all by name (:name, @name, $name), and this statement mixes them; use one kind");
        }
    }

    /**
     * What {@code value} binds as (see {@link SqliteValues#bindable}).
     *
     * @throws IllegalArgumentException for a value this driver cannot bind, naming the parameter, never the value
     */
    Object bindable(Object value, String parameter) {
        Object bound = SqliteValues.bindable(value, parameter);
        if (this == HRANA && bound instanceof Double && !Double.isFinite((Double) bound)) {
            throw new IllegalArgumentException("cannot bind an infinite or NaN floating-point value to parameter "
                    + parameter + ": Hrana's JSON carries finite numbers only");
        }
        return bound;
    }
}
