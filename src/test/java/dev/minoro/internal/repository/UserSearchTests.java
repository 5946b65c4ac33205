package dev.minoro.internal.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.InvalidInputException;
import dev.minoro.User;
import dev.minoro.UserQuery;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

final class UserSearchTests {

    @Test
    void aPrefixsSuccessorBoundsExactlyTheStringsThatStartWithIt() {
        assertEquals("ano", UserSearch.successor("ann"));
        assertEquals("a", UserSearch.successor("`"));
        // Past the surrogates, which valid text never holds.
        assertEquals("a\uE000", UserSearch.successor("a\uD7FF"));
        // A supplementary character: the next code point, as a pair.
        assertEquals("b\uD83D\uDE01", UserSearch.successor("b\uD83D\uDE00"));
        // The largest code point carries into the character before it.
        assertEquals("b", UserSearch.successor("a\uDBFF\uDFFF"));
        for (String prefix : List.of("ann", "a\uD7FF", "b\uD83D\uDE00", "x\uFFFF")) {
            String upper = UserSearch.successor(prefix);
            for (String candidate : List.of(prefix, prefix + "a", prefix + "\uFFFF", prefix + "\uDBFF\uDFFF")) {
                assertTrue(compare(candidate, upper) < 0, candidate);
            }
            assertTrue(compare(upper, prefix) > 0);
        }
    }

    /** Code point order, as SQLite's binary collation and PostgreSQL's "C" compare UTF-8. */
    private static int compare(String a, String b) {
        return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    @Test
    void likeWildcardsAndTheEscapeAreEscaped() {
        assertEquals("100\\% \\_ C:\\\\Users", UserSearch.likeLiteral("100% _ C:\\Users"));
        assertEquals("plain", UserSearch.likeLiteral("plain"));
    }

    @Test
    void aCursorNamesThePositionAfterAUser() {
        UUID id = UUID.fromString("019ca8e5-5e4b-7342-b207-ed0bf22d4fc3");
        Instant createdAt = Instant.ofEpochMilli(1_772_360_130_123L);
        User user = new User(id, "a@example.com", null, false, createdAt, createdAt, null, null, 0, "0".repeat(32), null);
        String cursor = UserSearch.cursorAfter(user);
        assertTrue(cursor.matches("u1\\.[A-Za-z0-9_-]{32}"), cursor);
        assertEquals(new UserSearch.Position(createdAt, id), UserSearch.decode(cursor));
        assertThrows(InvalidInputException.class, () -> UserSearch.decode(cursor.substring(0, cursor.length() - 1)));
        assertThrows(InvalidInputException.class, () -> UserSearch.decode("u2" + cursor.substring(2)));
    }

    @Test
    void eachFilterAddsItsConditionAndItsArgumentsInOrder() {
        Instant now = Instant.ofEpochMilli(1000);
        UserSearch all = new UserSearch(UserQuery.all(), null, now, true);
        assertEquals("SELECT COUNT(*) FROM minoro_users u", all.countSql());
        assertTrue(all.pageSql().endsWith(" FROM minoro_users u ORDER BY u.created_at, u.id LIMIT $1"), all.pageSql());
        assertEquals(List.of(51), List.of(all.pageArgs(50)));

        UserSearch every = new UserSearch(UserQuery.all().withEmailPrefix("Ann").withText("50%").withDisabled(true)
                .withLocked(false).withPageSize(10), "admin", now, true);
        assertEquals("SELECT COUNT(*) FROM minoro_users u WHERE u.email_norm >= $1 AND u.email_norm < $2"
                + " AND (u.email_norm LIKE $3 ESCAPE '\\' OR u.display_name_norm LIKE $3 ESCAPE '\\')"
                + " AND u.id IN (SELECT ur.user_id FROM minoro_user_roles ur JOIN minoro_roles r ON r.id = ur.role_id"
                + " WHERE r.name_norm = $4) AND u.disabled = $5 AND (u.locked_until IS NULL OR u.locked_until <= $6)",
                every.countSql());
        assertEquals(List.of("ann", "ano", "%50\\%%", "admin", true, now), List.of(every.args()));
        assertTrue(every.pageSql().endsWith("LIMIT $7"), every.pageSql());
    }
}
