package dev.minoro.internal.database;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link SqliteDialect#sql}: portable {@code $n} placeholders as SQLite's {@code ?n}. */
final class SqliteDialectTests {

    private static final SqliteDialect DIALECT = new SqliteDialect(new SqliteMigrationLock("test"));

    /** What the rewriting did before it was a loop: the regular expression is the specification. */
    private static final Pattern NUMBERED_PLACEHOLDER = Pattern.compile("\\$(\\d+)");

    @Test
    void everyDollarBeforeADigitBecomesAQuestionMark() {
        assertEquals("SELECT 1", DIALECT.sql("SELECT 1"));
        assertEquals("WHERE id = ?1", DIALECT.sql("WHERE id = $1"));
        assertEquals("a = ?1 AND b = ?12 OR c = ?3", DIALECT.sql("a = $1 AND b = $12 OR c = $3"));
        assertEquals("?1?2", DIALECT.sql("$1$2"));
        assertEquals("'$' || ?2 || $ || $x || $$?3", DIALECT.sql("'$' || $2 || $ || $x || $$$3"));
        assertEquals("ends with $", DIALECT.sql("ends with $"));
        assertEquals("$\u0663 stays", DIALECT.sql("$\u0663 stays"));
    }

    @Property(tries = 2000)
    void rewritesAsTheRegularExpressionDid(@ForAll("sqlish") String sql) {
        assertEquals(NUMBERED_PLACEHOLDER.matcher(sql).replaceAll("?$1"), DIALECT.sql(sql));
    }

    @Provide
    Arbitrary<String> sqlish() {
        return Arbitraries.strings().withChars("$$$0123456789 ab'?\u0663").ofMaxLength(24);
    }
}
