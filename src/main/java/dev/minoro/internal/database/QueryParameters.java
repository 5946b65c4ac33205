package dev.minoro.internal.database;

import dev.minoro.sqlite.internal.ConnectionSecrets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits a connection URL's query ({@code name=value&...}) into its parameters, each marked with whether it may be
 * a piece of a secret, which no message may show: one that starts before a later '@' may be part of a password split
 * at an unencoded '@', '/' or '?', and one after a secret parameter ({@link ConnectionSecrets#isSecretName}) may be
 * the rest of a secret holding an unencoded '&'. The one walk of Minoro's URL parsers (PostgreSQL's
 * {@link LibpqUri} and {@link R2dbcUrl}, libSQL's {@link LibsqlConnectionString}); each names the reasons in its own
 * words, and libSQL's decides what to hide by rules of its own.
 */
final class QueryParameters {

    /**
     * One non-empty parameter of a query, as written (not percent-decoded).
     *
     * @param number      its place in the query, from 1, empty parameters ({@code &&}) counted
     * @param rawName     what stands before its first '=', or all of it when it has none
     * @param rawValue    what stands after its first '=', or null when it has none
     * @param spilled     whether it starts before the {@code lastSpillAt} given to {@link #of}
     * @param afterSecret whether a parameter with a secret's name comes before it
     */
    record Parameter(int number, String rawName, @Nullable String rawValue, boolean spilled,
            boolean afterSecret) {

        /** {@return whether no message may show this parameter's value (nor, unless it is known, its name)} */
        boolean hidden() {
            return spilled || afterSecret;
        }
    }

    private QueryParameters() {
    }

    /**
     * {@return the non-empty parameters of {@code connection} from {@code from} (just after its '?') to its end, split
     * at every '&'}
     *
     * @param lastSpillAt the last '@' of {@code connection} when a password may have spilled over an '@' into what
     *                    follows it, else -1
     */
    static List<Parameter> of(String connection, int from, int lastSpillAt) {
        List<Parameter> parameters = new ArrayList<>();
        boolean afterSecret = false;
        int number = 0;
        int pairStart = from;
        while (pairStart <= connection.length()) {
            int pairEnd = connection.indexOf('&', pairStart);
            pairEnd = pairEnd < 0 ? connection.length() : pairEnd;
            number++;
            if (pairEnd > pairStart) {
                String pair = connection.substring(pairStart, pairEnd);
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                parameters.add(new Parameter(number, name, eq < 0 ? null : pair.substring(eq + 1),
                        pairStart < lastSpillAt, afterSecret));
                afterSecret |= ConnectionSecrets.isSecretName(name);
            }
            pairStart = pairEnd + 1;
        }
        return parameters;
    }
}
