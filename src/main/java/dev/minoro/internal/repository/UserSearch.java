package dev.minoro.internal.repository;

import static dev.minoro.internal.repository.Rows.USER_COLUMNS;

import dev.minoro.InvalidInputException;
import dev.minoro.User;
import dev.minoro.UserQuery;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One {@link UserQuery} as SQL: its filters, in the same order every time (so that each combination of filters is
 * one statement text), with their arguments, and its keyset cursor.
 *
 * <p>Users are ordered by {@code (created_at, id)}, which the index {@code minoro_users_created_at_id_idx} keeps;
 * a page continues where the last ended with {@code (created_at, id) > (cursor)}, so that rows inserted or deleted
 * between two pages neither repeat nor skip the others. A search by email prefix is a range of the unique index on
 * {@code email_norm}: {@code email_norm >= prefix AND email_norm < prefix'}, where {@code prefix'} is the prefix with
 * its last character incremented. Both databases order {@code email_norm} by code point (SQLite's binary collation,
 * PostgreSQL's {@code "C"}), so every email with the prefix, and no other, lies in that range; a {@code LIKE 'p%'}
 * would not read the index on SQLite, whose LIKE folds ASCII case. Text search is a {@code LIKE} with {@code \} as
 * its escape, so the text's {@code %}, {@code _} and {@code \} match themselves; it cannot use an index.
 */
final class UserSearch {

    private static final String CURSOR_PREFIX = "u1.";
    private static final int CURSOR_BYTES = 8 + 16;

    private final StringBuilder where = new StringBuilder();
    private final List<Object> args = new ArrayList<>();
    private int placeholders;

    /** The filters of {@code query} (and its cursor, when {@code paged}), at {@code now} for the locked state. */
    UserSearch(UserQuery query, @Nullable String roleNorm, Instant now, boolean paged) {
        String cursor = query.cursor();
        if (paged && cursor != null) {
            Position after = decode(cursor);
            condition("(u.created_at, u.id) > ($" + next() + ", $" + next() + ")", after.createdAt(), after.id());
        }
        String prefix = query.emailPrefix();
        if (prefix != null) {
            String norm = Inputs.searchText("emailPrefix", prefix);
            condition("u.email_norm >= $" + next() + " AND u.email_norm < $" + next(), norm, successor(norm));
        }
        String text = query.text();
        if (text != null) {
            String pattern = "%" + likeLiteral(Inputs.searchText("text", text)) + "%";
            int p = next();
            condition("(u.email_norm LIKE $" + p + " ESCAPE '\\' OR u.display_name_norm LIKE $" + p + " ESCAPE '\\')",
                    pattern);
        }
        if (roleNorm != null) {
            condition("u.id IN (SELECT ur.user_id FROM minoro_user_roles ur JOIN minoro_roles r ON r.id = ur.role_id"
                    + " WHERE r.name_norm = $" + next() + ")", roleNorm);
        }
        Boolean disabled = query.disabled();
        if (disabled != null) {
            condition("u.disabled = $" + next(), disabled);
        }
        Boolean locked = query.locked();
        if (locked != null) {
            condition(locked ? "u.locked_until > $" + next()
                    : "(u.locked_until IS NULL OR u.locked_until <= $" + next() + ")", now);
        }
    }

    /** The page's statement: its filters, ordered, one row more than the page to tell whether another follows. */
    String pageSql() {
        return "SELECT " + USER_COLUMNS + " FROM minoro_users u" + where + " ORDER BY u.created_at, u.id LIMIT $"
                + (placeholders + 1);
    }

    /** The arguments of {@link #pageSql()}: the filters', then the limit. */
    Object[] pageArgs(int pageSize) {
        List<Object> all = new ArrayList<>(args);
        all.add(pageSize + 1);
        return all.toArray();
    }

    /** The count's statement, for the same filters. */
    String countSql() {
        return "SELECT COUNT(*) FROM minoro_users u" + where;
    }

    /** The arguments of {@link #countSql()}. */
    Object[] args() {
        return args.toArray();
    }

    /** The cursor that continues after {@code user}. */
    static String cursorAfter(User user) {
        ByteBuffer bytes = ByteBuffer.allocate(CURSOR_BYTES);
        bytes.putLong(user.createdAt().toEpochMilli());
        bytes.putLong(user.id().getMostSignificantBits()).putLong(user.id().getLeastSignificantBits());
        return CURSOR_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /**
     * Where a cursor points.
     *
     * @param createdAt the creation time of the last user of the page before
     * @param id        its id
     */
    record Position(Instant createdAt, UUID id) {
    }

    static Position decode(String cursor) {
        byte[] bytes = null;
        if (cursor.startsWith(CURSOR_PREFIX)) {
            try {
                bytes = Base64.getUrlDecoder().decode(cursor.substring(CURSOR_PREFIX.length()));
            } catch (IllegalArgumentException notBase64) {
                bytes = null;
            }
        }
        if (bytes == null || bytes.length != CURSOR_BYTES) {
            throw new InvalidInputException("cursor is not one that a search returned: pass a Page.nextCursor()"
                    + " unchanged, or null for the first page");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new Position(Instant.ofEpochMilli(buffer.getLong()), new UUID(buffer.getLong(), buffer.getLong()));
    }

    /** {@code text} with {@code \}, {@code %} and {@code _} escaped by {@code \}, to match literally in a LIKE. */
    static String likeLiteral(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '%' || c == '_') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /**
     * The smallest string, in code point order, greater than every string that starts with {@code prefix}: the
     * prefix with its last code point incremented (past the surrogates, which valid text never holds), or, when
     * that is the largest code point, the successor of what comes before it.
     */
    static String successor(String prefix) {
        int end = prefix.length();
        while (end > 0) {
            int last = prefix.codePointBefore(end);
            int start = end - Character.charCount(last);
            if (last < Character.MAX_CODE_POINT) {
                int next = last + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : last + 1;
                return prefix.substring(0, start) + Character.toString(next);
            }
            end = start;
        }
        // Every string starts with the empty prefix; searchText refuses it, so this is never reached.
        throw new IllegalArgumentException("the empty prefix has no successor");
    }

    /** The number of the next placeholder; each {@link #condition} binds one value per number it took. */
    private int next() {
        return ++placeholders;
    }

    private void condition(String sql, Object... values) {
        where.append(where.length() == 0 ? " WHERE " : " AND ").append(sql);
        args.addAll(List.of(values));
    }
}
