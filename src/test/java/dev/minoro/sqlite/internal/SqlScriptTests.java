package dev.minoro.sqlite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/** How the driver reads SQL before SQLite does: statements, parameters, read-only or not. */
final class SqlScriptTests {

    private static List<String> statements(String sql) {
        return SqlScript.parse(sql).statements().stream().map(SqlScript.Part::sql).toList();
    }

    private static SqlScript.Part only(String sql) {
        List<SqlScript.Part> parts = SqlScript.parse(sql).statements();
        assertEquals(1, parts.size(), parts.toString());
        return parts.get(0);
    }

    @Test
    void splitsAtTopLevelSemicolonsOnly() {
        assertEquals(List.of("CREATE TABLE a (x)", "INSERT INTO a VALUES ('x;y')", "SELECT \"a;b\" FROM [c;d]"),
                statements("CREATE TABLE a (x);\n INSERT INTO a VALUES ('x;y'); -- c;\n;;SELECT \"a;b\" FROM [c;d];"));
        assertEquals(List.of("/* lead; */ SELECT 1 /* ; */ + 2"),
                statements("/* lead; */ SELECT 1 /* ; */ + 2 -- ;\n"));
        assertEquals(List.of("SELECT 'it''s;'", "SELECT `x;y`"), statements("SELECT 'it''s;'; SELECT `x;y`"));
        assertEquals(List.of(), statements("  -- nothing;\n /* at all */ ; "));
    }

    /**
     * A statement's text, which messages and {@code R2dbcException.getSql()} name, is the statement as written: its
     * leading comments kept, surrounding white space dropped, its case as it was; its first keyword is upper case.
     */
    @Test
    void aStatementKeepsItsLeadingCommentsAndItsCase() {
        assertEquals("/* note */ INSERT INTO t VALUES (1)", only("/* note */ INSERT INTO t VALUES (1)").sql());
        assertEquals("-- x\nINSERT INTO t VALUES (1)", only("-- x\nINSERT INTO t VALUES (1)").sql());
        assertEquals("/* a */ -- b\n\tinsert Into t VALUES (1)",
                only(" \n /* a */ -- b\n\tinsert Into t VALUES (1) ; \n").sql());
        assertEquals("INSERT INTO t VALUES (1)", only("\n\t  INSERT INTO t VALUES (1)\n").sql());
        assertEquals("INSERT", only(" /* c */ -- d\n iNsErT INTO t VALUES (1)").firstKeyword());
        assertTrue(only("-- x\nINSERT INTO t VALUES (1)").dataChange());
        // each statement of a script keeps the comments before it; one followed by no statement is dropped
        assertEquals(List.of("INSERT INTO t VALUES (1)", "/* second */ UPDATE t SET v = 2"),
                statements("INSERT INTO t VALUES (1); /* second */ UPDATE t SET v = 2; /* only a comment */"));
    }

    /**
     * A comment after a statement's semicolon, on the rest of its line, is that statement's: the next statement's
     * text, named in messages, no longer starts with it. A comment followed on its line by the next statement leads
     * that statement; quotes holding {@code ;}, {@code --} or {@code /*} stay whole.
     */
    @Test
    void aCommentAfterTheSemicolonOnItsLineIsNotTheNextStatements() {
        assertEquals(List.of("CREATE TABLE a (x int)", "CREATE TABLE b (y int)"),
                statements("CREATE TABLE a (x int); -- note\nCREATE TABLE b (y int);"));
        assertEquals(List.of("CREATE TABLE a (x int)", "CREATE TABLE b (y int)"),
                statements("CREATE TABLE a (x int); /* note */\nCREATE TABLE b (y int);"));
        assertEquals(List.of("CREATE TABLE a (x int)", "CREATE TABLE b (y int)"),
                statements("CREATE TABLE a (x int);\t/* one */ /* two */ -- three\r\nCREATE TABLE b (y int);"));
        assertEquals(List.of("CREATE TABLE a (x int)", "CREATE TABLE b (y int)"),
                statements("CREATE TABLE a (x int); /* a note\n on two lines */\nCREATE TABLE b (y int);"));
        // the next line's comment is the next statement's, as before
        assertEquals(List.of("CREATE TABLE a (x int)", "-- about b\nCREATE TABLE b (y int)"),
                statements("CREATE TABLE a (x int); -- about a\n-- about b\nCREATE TABLE b (y int);"));
        assertEquals(List.of("SELECT 1", "/* tag */ SELECT 2"), statements("SELECT 1; /* tag */ SELECT 2"));
        assertEquals(List.of("INSERT INTO a VALUES ('; -- not a comment')", "SELECT \"x; /* y */\" FROM [z;--]"),
                statements("INSERT INTO a VALUES ('; -- not a comment'); -- note\n"
                        + "SELECT \"x; /* y */\" FROM [z;--]; /* end */"));
        // in a trigger's body a semicolon ends no statement: its comments stay in the trigger's text
        String trigger = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n DELETE FROM b; -- empties b\nEND";
        assertEquals(List.of(trigger, "SELECT 1"), statements(trigger + "; -- the trigger\nSELECT 1"));
    }

    /**
     * Any script of statements, each with or without a comment of its own line before it and a comment on the rest
     * of its semicolon's line after it, splits into the statements with their leading comments, and no trailing
     * comment shows in any text.
     */
    @Property(tries = 300)
    void trailingCommentsNeverStartTheNextStatement(
            @ForAll("scripts") List<Tuple.Tuple3<String, String, String>> script) {
        StringBuilder sql = new StringBuilder();
        List<String> expected = new java.util.ArrayList<>();
        for (Tuple.Tuple3<String, String, String> statement : script) {
            sql.append(statement.get1()).append(statement.get2()).append(';').append(statement.get3()).append('\n');
            expected.add(statement.get1() + statement.get2());
        }
        List<String> parsed = statements(sql.toString());
        assertEquals(expected, parsed, sql::toString);
        for (String text : parsed) {
            assertFalse(text.contains("trailing"), text);
        }
    }

    @Provide
    Arbitrary<List<Tuple.Tuple3<String, String, String>>> scripts() {
        Arbitrary<String> leading = Arbitraries.of("", "-- leading\n", "/* leading */ ", "/* leading; -- */\n",
                "-- leading ; /*\n/* and more */ ");
        Arbitrary<String> statement = Arbitraries.of("CREATE TABLE a (x int)", "INSERT INTO a VALUES ('x;y')",
                "INSERT INTO a VALUES ('-- not; a comment')", "SELECT \"a;--b\" FROM [c;/*d]",
                "SELECT `x;y`, 'it''s; -- /*' FROM t", "UPDATE a SET x = 1 /* inner; */ WHERE x = 2");
        Arbitrary<String> trailing = Arbitraries.of("", " -- trailing", " /* trailing */",
                "\t/* trailing; */ -- trailing", " /* trailing\n on two lines */", " -- trailing; 'quote");
        return Combinators.combine(leading, statement, trailing).as(Tuple::of).list().ofMinSize(1).ofMaxSize(6);
    }

    @Test
    void keepsATriggerBodyTogether() {
        String trigger = "CREATE TEMP TRIGGER t AFTER INSERT ON a BEGIN\n"
                + " UPDATE a SET x = CASE WHEN new.x > 0 THEN 1 ELSE 0 END;\n"
                + " DELETE FROM b;\n"
                + "END";
        assertEquals(List.of("CREATE TABLE b (y)", trigger, "SELECT 1"),
                statements("CREATE TABLE b (y); " + trigger + "; SELECT 1"));
    }

    @Test
    void numbersParametersAsSqliteDoes() {
        assertEquals(2, only("INSERT INTO a VALUES (?, ?)").parameterCount());
        assertEquals(3, only("SELECT ?3, ?1").parameterCount());
        assertEquals(1, only("SELECT ?1 WHERE ?1 > 0").parameterCount());
        assertEquals(4, only("SELECT ?2, ?, :a, :a").parameterCount());
        assertEquals(0, only("SELECT '?', \"?1\", [?] -- ?\n").parameterCount());
        SqlScript.Part named = only("SELECT :a, @b, $c, :a, ?");
        assertEquals(Map.of(":a", 0, "@b", 1, "$c", 2), named.names());
        assertEquals(4, named.parameterCount());
        assertEquals(1, named.indexOf("b"));
        assertEquals(1, named.indexOf("@b"));
        assertEquals(-1, named.indexOf("d"));
    }

    @Test
    void aQueryOrADataChangeIsReusableWhenItNamesItsColumns() {
        for (String sql : List.of("SELECT a, b FROM t WHERE id = ?", "SELECT count(*) FROM t", "SELECT count( * ) FROM t",
                "SELECT '*', \"*\", [*] FROM t -- *\n", "SELECT a /* * */ FROM t",
                "WITH x AS (SELECT a FROM t) SELECT a FROM x", "VALUES (1)", "INSERT INTO t (a) VALUES (?)",
                "UPDATE t SET a = ? WHERE b = ?", "DELETE FROM t", "REPLACE INTO t (a) VALUES (1)",
                "INSERT INTO t (a) VALUES (1) RETURNING a", "update t set a = 1 returning a, b",
                "WITH x AS (SELECT 1 AS a) INSERT INTO t (a) SELECT a FROM x",
                "INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET b = excluded.b")) {
            assertTrue(only(sql).reusable(), sql);
            assertFalse(only(sql).wildcard(), sql);
        }
        for (String sql : List.of("SELECT * FROM t", "SELECT t.* FROM t", "SELECT a FROM (SELECT * FROM t)",
                "INSERT INTO t (a) VALUES (1) RETURNING *", "SELECT a * 2 FROM t",
                "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "DELETE FROM t RETURNING t.*")) {
            assertTrue(only(sql).wildcard(), sql);
            assertFalse(only(sql).reusable(), sql);
        }
        for (String sql : List.of("CREATE TABLE t (a)", "PRAGMA user_version", "BEGIN", "COMMIT", "ATTACH 'x' AS y",
                "VACUUM", "ANALYZE", "DROP TABLE t", "ALTER TABLE t ADD COLUMN b", "SAVEPOINT s", "RELEASE s",
                "ROLLBACK", "CREATE TRIGGER r AFTER INSERT ON t BEGIN INSERT INTO u (a) VALUES (1); END",
                "CREATE TABLE u AS SELECT a FROM t", "PRAGMA journal_mode = WAL")) {
            assertFalse(only(sql).reusable(), sql);
        }
    }

    @Test
    void schemaChangesAreDdlAndWhatAPreparedStatementDependsOn() {
        for (String sql : List.of("CREATE TABLE t (a)", "create index i on t (a)", "ALTER TABLE t ADD COLUMN b",
                "DROP TABLE t", "PRAGMA foreign_keys = ON", "ATTACH 'x' AS y", "DETACH y", "VACUUM", "ANALYZE",
                "REINDEX")) {
            assertTrue(only(sql).schemaChange(), sql);
        }
        for (String sql : List.of("SELECT 1", "INSERT INTO t VALUES (1)", "BEGIN", "SAVEPOINT s")) {
            assertFalse(only(sql).schemaChange(), sql);
        }
    }

    @Test
    void readOnlyMeansSelectValuesOrWithThatChangeNothing() {
        assertTrue(only("  select * from a").readOnly());
        assertTrue(only("/* x */ VALUES (1)").readOnly());
        assertTrue(only("WITH x AS (SELECT 1) SELECT * FROM x").readOnly());
        assertTrue(only("SELECT replace(name, 'a', 'b') FROM a").readOnly());
        assertTrue(only("SELECT 'insert' AS \"delete\" FROM a").readOnly());
        assertFalse(only("WITH x AS (SELECT 1) INSERT INTO a SELECT * FROM x").readOnly());
        assertFalse(only("REPLACE INTO a VALUES (1)").readOnly());
        assertFalse(only("INSERT OR REPLACE INTO a VALUES (1)").readOnly());
        assertFalse(only("PRAGMA user_version").readOnly());
        assertFalse(only("UPDATE a SET x = 1 RETURNING x").readOnly());
        assertFalse(SqlScript.parse("SELECT 1; DELETE FROM a").readOnly());
        assertTrue(SqlScript.parse("SELECT 1; SELECT 2").readOnly());
    }

    @Test
    void knowsDataChangesAndReturning() {
        assertTrue(only("insert into a values (1)").dataChange());
        assertTrue(only("WITH x AS (SELECT 1) DELETE FROM a").dataChange());
        assertFalse(only("CREATE TABLE a (x)").dataChange());
        assertTrue(only("DELETE FROM a RETURNING *").returning());
        assertFalse(only("SELECT 'returning'").returning());
        assertTrue(only("begin immediate").transactionControl());
    }
}
