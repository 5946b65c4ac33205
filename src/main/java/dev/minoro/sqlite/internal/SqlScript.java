package dev.minoro.sqlite.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQL text as the driver needs to know it before it reaches SQLite: the statements it holds (split at
 * top-level semicolons), the parameters of each, numbered as SQLite numbers them, and whether a statement
 * is clearly read-only.
 *
 * <p>The lexer follows SQLite's tokenizer where it matters here: {@code '…'} strings, {@code "…"},
 * {@code `…`} and {@code […]} identifiers, {@code --} and {@code /* *}{@code /} comments, and the
 * {@code BEGIN … END} body of {@code CREATE TRIGGER}, whose semicolons do not end the statement.
 * Parameters: {@code ?} takes the number after the largest so far, {@code ?NNN} takes NNN, and
 * {@code :name}, {@code @name}, {@code $name} take one number per distinct name (see
 * <a href="https://www.sqlite.org/lang_expr.html#varparam">SQLite: parameters</a>). The driver checks the
 * count against SQLite's own before it binds, so a disagreement fails loudly instead of binding NULL.
 */
public final class SqlScript {

    /** Texts up to this many characters are kept parsed: an application's statements, not its bulk scripts. */
    private static final int PARSED_MAX_LENGTH = 4096;

    /** How many parsed texts are kept; beyond that the whole set is dropped and refilled by use. */
    private static final int PARSED_MAX_COUNT = 1024;

    /** Parsed texts, shared by every factory of the class loader: a script is immutable. */
    private static final ConcurrentHashMap<String, SqlScript> PARSED = new ConcurrentHashMap<>();

    private final String sql;
    private final List<Part> statements;

    private SqlScript(String sql, List<Part> statements) {
        this.sql = sql;
        this.statements = statements;
    }

    /**
     * Parses {@code sql}; never fails (SQLite reports syntax errors when the statement runs). A text parsed before
     * is not parsed again (an application runs the same statements over and over).
     */
    public static SqlScript parse(String sql) {
        if (sql.length() > PARSED_MAX_LENGTH) {
            return new Lexer(sql).script();
        }
        SqlScript parsed = PARSED.get(sql);
        if (parsed == null) {
            parsed = new Lexer(sql).script();
            if (PARSED.size() >= PARSED_MAX_COUNT) {
                PARSED.clear();
            }
            PARSED.put(sql, parsed);
        }
        return parsed;
    }

    public String sql() {
        return sql;
    }

    /** The statements, in order; empty when the text holds only white space and comments. */
    public List<Part> statements() {
        return statements;
    }

    /** {@code identifier} as a quoted identifier: in double quotes, with a double quote in it doubled. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** Whether every statement is clearly read-only (see {@link Part#readOnly()}). */
    public boolean readOnly() {
        for (Part part : statements) {
            if (!part.readOnly()) {
                return false;
            }
        }
        return !statements.isEmpty();
    }

    /** Whether any statement binds parameters. */
    public boolean hasParameters() {
        for (Part part : statements) {
            if (part.parameterCount() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * One SQL statement of a script.
     *
     * @param sql             its text as written, from its first token (or the comments just before it) to its last
     *                        token, without the semicolon
     * @param parameterCount  the largest parameter number it uses (SQLite's {@code sqlite3_bind_parameter_count})
     * @param names           named parameters (with their prefix, such as {@code :id}) to their 0-based index
     * @param firstKeyword    the first keyword, upper case, such as {@code SELECT}; empty if none
     * @param writeKeyword    whether INSERT, UPDATE, DELETE or REPLACE (not the function) occurs outside quotes
     * @param returning       whether RETURNING occurs outside quotes
     * @param transactionControl whether it starts with BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT or RELEASE
     * @param wildcard        whether a {@code *} occurs outside quotes other than as {@code (*)}: {@code SELECT *} or
     *                        {@code t.*}, whose columns depend on the schema (a multiplication counts too)
     */
    public record Part(String sql, int parameterCount, Map<String, Integer> names, String firstKeyword,
            boolean writeKeyword, boolean returning, boolean transactionControl, boolean wildcard) {

        /**
         * Whether a prepared statement of this SQL may be kept and run again: a clearly read-only query
         * ({@link #readOnly()}) or a data change ({@link #dataChange()}) without a {@link #wildcard} (a {@code *}
         * outside quotes other than in {@code count(*)}, as in {@code SELECT *} or {@code RETURNING *}), so that a
         * schema change cannot alter the shape of its rows; SQLite prepares such a statement again by itself when
         * the schema changes. A kept statement is reset before it is kept, and a reset statement, a write's
         * included, holds no transaction, lock or {@code sqlite3_interrupt} of its connection. Schema changes,
         * {@code PRAGMA} and transaction control are not kept.
         */
        public boolean reusable() {
            return (readOnly() || dataChange()) && !wildcard;
        }

        /**
         * Whether the statement may change the schema, or what a prepared statement depends on: DDL,
         * {@code ATTACH}, {@code DETACH}, {@code VACUUM}, {@code ANALYZE}, {@code REINDEX} and {@code PRAGMA}.
         */
        public boolean schemaChange() {
            return switch (firstKeyword) {
                case "CREATE", "ALTER", "DROP", "ATTACH", "DETACH", "VACUUM", "ANALYZE", "REINDEX", "PRAGMA" -> true;
                default -> false;
            };
        }

        /**
         * Clearly read-only: it starts with SELECT, VALUES or WITH and names no INSERT, UPDATE, DELETE or
         * REPLACE outside quotes. Anything else, PRAGMA included, counts as a write.
         */
        public boolean readOnly() {
            return (firstKeyword.equals("SELECT") || firstKeyword.equals("VALUES") || firstKeyword.equals("WITH"))
                    && !writeKeyword;
        }

        /** An INSERT, UPDATE, DELETE or REPLACE (possibly after a WITH clause). */
        public boolean dataChange() {
            return switch (firstKeyword) {
                case "INSERT", "UPDATE", "DELETE", "REPLACE" -> true;
                case "WITH" -> writeKeyword;
                default -> false;
            };
        }

        /** The 0-based index of the named parameter {@code name}, given with or without its prefix. */
        public int indexOf(String name) {
            Integer index = names.get(name);
            if (index == null && !name.isEmpty() && Character.isJavaIdentifierStart(name.charAt(0))) {
                for (String prefix : PREFIXES) {
                    index = names.get(prefix + name);
                    if (index != null) {
                        break;
                    }
                }
            }
            return index == null ? -1 : index;
        }

        private static final String[] PREFIXES = {":", "@", "$"};
    }

    /** A one-pass lexer over the whole text. */
    private static final class Lexer {

        private final String sql;
        private final int length;
        private int pos;

        // state of the statement being read
        private int start = -1;
        private int leadStart = -1; // the first comment before the first token, if any
        private int end;
        private int maxParameter;
        private final Map<String, Integer> names = new LinkedHashMap<>();
        private String firstKeyword = "";
        private String secondKeyword = "";
        private String thirdKeyword = "";
        private int keywordCount;
        private boolean writeKeyword;
        private boolean returning;
        private boolean wildcard;
        private char previous; // the last character of the previous token of the statement
        private boolean trigger;
        private boolean triggerBody;
        private int caseDepth;

        Lexer(String sql) {
            this.sql = sql;
            this.length = sql.length();
        }

        SqlScript script() {
            List<Part> parts = new ArrayList<>();
            while (pos < length) {
                char c = sql.charAt(pos);
                if (Character.isWhitespace(c)) {
                    pos++;
                } else if (c == '-' && peek(1) == '-') {
                    lead();
                    int newline = sql.indexOf('\n', pos);
                    pos = newline < 0 ? length : newline + 1;
                } else if (c == '/' && peek(1) == '*') {
                    lead();
                    int close = sql.indexOf("*/", pos + 2);
                    pos = close < 0 ? length : close + 2;
                } else if (c == ';') {
                    pos++;
                    if (!triggerBody || caseDepth < 0) {
                        finish(parts);
                        skipTrailingComments();
                    }
                } else {
                    token(c);
                }
            }
            finish(parts);
            return new SqlScript(sql, Collections.unmodifiableList(parts));
        }

        /**
         * Just after a statement's semicolon: comments on the rest of its line, with no token after them on the line
         * where they end, are that statement's ({@code CREATE TABLE a (x); -- why}), so they are skipped here rather
         * than taken for the next statement's leading comments: that statement's text, which messages name, does not
         * start with them. A comment followed on its line by a token ({@code SELECT 1; /* tag *}{@code / SELECT 2})
         * stays where it is, the next statement's leading comment.
         */
        private void skipTrailingComments() {
            int i = pos;
            while (i < length) {
                char c = sql.charAt(i);
                if (c == '\n') {
                    pos = i + 1;
                    return;
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
                    int newline = sql.indexOf('\n', i);
                    pos = newline < 0 ? length : newline + 1;
                    return;
                } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                    int close = sql.indexOf("*/", i + 2);
                    i = close < 0 ? length : close + 2;
                } else {
                    return;
                }
            }
            pos = length;
        }

        /**
         * A comment starts here: if it comes before the statement's first token, the statement's text starts with it,
         * so that the statement is sent, and named in messages and in {@code R2dbcException.getSql()}, as the caller
         * wrote it, its leading comment (often a tag saying where it comes from) included.
         */
        private void lead() {
            if (start < 0 && leadStart < 0) {
                leadStart = pos;
            }
        }

        private void token(char c) {
            int tokenStart = pos;
            if (c == '\'' || c == '"' || c == '`') {
                pos = closing(c, pos + 1);
            } else if (c == '[') {
                int close = sql.indexOf(']', pos + 1);
                pos = close < 0 ? length : close + 1;
            } else if ((c == 'x' || c == 'X') && peek(1) == '\'') {
                pos = closing('\'', pos + 2);
            } else if (c == '?') {
                pos++;
                int digits = pos;
                while (pos < length && isDigit(sql.charAt(pos))) {
                    pos++;
                }
                if (digits == pos) {
                    maxParameter++;
                } else {
                    maxParameter = Math.max(maxParameter, parseNumber(sql.substring(digits, pos)));
                }
            } else if ((c == ':' || c == '@' || c == '$') && pos + 1 < length
                    && isIdentifierPart(sql.charAt(pos + 1))) {
                pos++;
                while (pos < length && isIdentifierPart(sql.charAt(pos))) {
                    pos++;
                }
                String name = sql.substring(tokenStart, pos);
                if (!names.containsKey(name)) {
                    maxParameter++;
                    names.put(name, maxParameter - 1);
                }
            } else if (isIdentifierStart(c)) {
                pos++;
                while (pos < length && isIdentifierPart(sql.charAt(pos))) {
                    pos++;
                }
                keyword(sql.substring(tokenStart, pos).toUpperCase(Locale.ROOT));
            } else {
                pos++;
                // count(*) names no column; any other * (SELECT *, t.*) depends on the schema
                if (c == '*' && !(previous == '(' && nextSignificant() == ')')) {
                    wildcard = true;
                }
            }
            if (start < 0) {
                start = leadStart >= 0 ? leadStart : tokenStart;
            }
            end = pos;
            previous = sql.charAt(pos - 1);
        }

        private void keyword(String word) {
            keywordCount++;
            if (keywordCount == 1) {
                firstKeyword = word;
            } else if (keywordCount == 2) {
                secondKeyword = word;
            } else if (keywordCount == 3) {
                thirdKeyword = word;
            }
            if (keywordCount <= 3 && firstKeyword.equals("CREATE")
                    && (secondKeyword.equals("TRIGGER") || thirdKeyword.equals("TRIGGER")
                    && (secondKeyword.equals("TEMP") || secondKeyword.equals("TEMPORARY")))) {
                trigger = true;
            }
            switch (word) {
                case "INSERT", "UPDATE", "DELETE" -> writeKeyword = true;
                // replace(x, y, z) is a function; REPLACE INTO and OR REPLACE are writes
                case "REPLACE" -> writeKeyword |= nextSignificant() != '(';
                case "RETURNING" -> returning = true;
                case "BEGIN" -> {
                    if (trigger && !triggerBody) {
                        triggerBody = true;
                        caseDepth = 0;
                    }
                }
                case "CASE" -> {
                    if (triggerBody) {
                        caseDepth++;
                    }
                }
                case "END" -> {
                    if (triggerBody) {
                        caseDepth--;
                    }
                }
                default -> {
                }
            }
        }

        private void finish(List<Part> parts) {
            if (start >= 0) {
                String text = sql.substring(start, end);
                boolean control = switch (firstKeyword) {
                    case "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE" -> true;
                    default -> false;
                };
                parts.add(new Part(text, maxParameter, Collections.unmodifiableMap(new LinkedHashMap<>(names)),
                        firstKeyword, writeKeyword, returning, control, wildcard));
            }
            start = -1;
            leadStart = -1;
            end = 0;
            maxParameter = 0;
            names.clear();
            firstKeyword = "";
            secondKeyword = "";
            thirdKeyword = "";
            keywordCount = 0;
            writeKeyword = false;
            returning = false;
            wildcard = false;
            previous = 0;
            trigger = false;
            triggerBody = false;
            caseDepth = 0;
        }

        /** The position after the quote that closes one opened before {@code from}; doubled quotes escape. */
        private int closing(char quote, int from) {
            int i = from;
            while (i < length) {
                if (sql.charAt(i) == quote) {
                    if (i + 1 < length && sql.charAt(i + 1) == quote) {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i++;
            }
            return length;
        }

        private char nextSignificant() {
            int i = pos;
            while (i < length) {
                char c = sql.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
                    int newline = sql.indexOf('\n', i);
                    i = newline < 0 ? length : newline + 1;
                } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                    int close = sql.indexOf("*/", i + 2);
                    i = close < 0 ? length : close + 2;
                } else {
                    return c;
                }
            }
            return 0;
        }

        private char peek(int ahead) {
            int i = pos + ahead;
            return i < length ? sql.charAt(i) : 0;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isIdentifierStart(char c) {
            return c == '_' || Character.isLetter(c) || c > 0x7f;
        }

        private static boolean isIdentifierPart(char c) {
            return c == '_' || c == '$' || Character.isLetterOrDigit(c) || c > 0x7f;
        }

        private static int parseNumber(String digits) {
            // SQLite caps ?NNN at SQLITE_MAX_VARIABLE_NUMBER (32766); a larger number fails in SQLite itself
            return digits.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(digits);
        }
    }
}
