package dev.minoro.sqlite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
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
        assertEquals(List.of("SELECT 1 /* ; */ + 2"), statements("/* lead; */ SELECT 1 /* ; */ + 2 -- ;\n"));
        assertEquals(List.of("SELECT 'it''s;'", "SELECT `x;y`"), statements("SELECT 'it''s;'; SELECT `x;y`"));
        assertEquals(List.of(), statements("  -- nothing;\n /* at all */ ; "));
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
