package dev.minoro.internal.database;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link QueryParameters#of}: a query's parameters in order, each marked with whether it may be a piece of a secret. */
final class QueryParametersTests {

    @Test
    void splitsAtEveryAmpersandSkippingEmptyParametersButCountingThem() {
        String url = "postgres://h/db?a=1&&b&=2&c=x=y&";
        assertEquals(List.of(
                new QueryParameters.Parameter(1, "a", "1", false, false),
                new QueryParameters.Parameter(3, "b", null, false, false),
                new QueryParameters.Parameter(4, "", "2", false, false),
                new QueryParameters.Parameter(5, "c", "x=y", false, false)),
                QueryParameters.of(url, url.indexOf('?') + 1, -1));
    }

    @Test
    void whatStartsBeforeTheLastSpillIsSpilled() {
        // "u:p@ss?x=1&y=2@host" pasted unencoded: the two pairs before the last '@' may be pieces of the password
        String url = "postgres://h/?x=1&y=2@host&z=3";
        int lastAt = url.lastIndexOf('@');
        assertEquals(List.of(
                new QueryParameters.Parameter(1, "x", "1", true, false),
                new QueryParameters.Parameter(2, "y", "2@host", true, false),
                new QueryParameters.Parameter(3, "z", "3", false, false)),
                QueryParameters.of(url, url.indexOf('?') + 1, lastAt));
    }

    @Test
    void whatFollowsASecretNameIsAfterASecret() {
        // names are matched as ConnectionSecrets.isSecretName matches them: in any case, percent-decoded
        String url = "r2dbc:postgresql://u@h/db?sslMode=require&ssl%50assword=p&ss&connectTimeout=PT1S";
        List<QueryParameters.Parameter> parameters = QueryParameters.of(url, url.indexOf('?') + 1, -1);
        assertEquals(List.of(false, false, true, true),
                parameters.stream().map(QueryParameters.Parameter::afterSecret).toList());
        assertEquals(List.of(false, false, true, true),
                parameters.stream().map(QueryParameters.Parameter::hidden).toList());
    }
}
