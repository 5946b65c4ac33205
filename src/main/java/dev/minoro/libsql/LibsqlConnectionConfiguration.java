package dev.minoro.libsql;

import static dev.minoro.sqlite.internal.ConnectionSecrets.withoutQuery;

import dev.minoro.sqlite.internal.AsciiDigits;
import dev.minoro.sqlite.internal.Timeouts;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of a {@link LibsqlConnectionFactory}: an immutable value, built and validated by
 * {@link #builder()}. {@link LibsqlConnectionFactoryProvider} feeds {@code ConnectionFactoryOptions} through the
 * same builder, so a URL gets the same checks and the same messages.
 *
 * <p>Defaults: connect timeout 10 s, request timeout 60 s, no auth token. {@link #toString()} masks the token.
 */
public final class LibsqlConnectionConfiguration {

    /** How long the driver waits for a TCP connection to the server, and for its TLS handshake: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** How long the driver waits for the server's answer to one HTTP request: 60 seconds. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI url;
    private final @Nullable String authToken;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    private LibsqlConnectionConfiguration(URI url, @Nullable String authToken, Duration connectTimeout,
            Duration requestTimeout) {
        this.url = url;
        this.authToken = authToken;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    /** {@return a builder with the default timeouts and no URL yet} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@return the server's base URL, {@code http://host:port} or {@code https://host[:port]}, possibly with a path
     * prefix and never with a trailing slash: requests go to {@code url + "/v3/pipeline"}}
     */
    public URI url() {
        return url;
    }

    /** {@return whether the server is reached over TLS ({@code https})} */
    public boolean tls() {
        return "https".equals(url.getScheme());
    }

    /**
     * {@return the bearer token sent in every request's {@code Authorization} header, or null for none} Keep it secret.
     */
    public @Nullable String authToken() {
        return authToken;
    }

    /** {@return the longest wait for a TCP connection and its TLS handshake} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@return the longest wait for the answer to one HTTP request; {@link Duration#ZERO} means no limit} */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    @Override
    public String toString() {
        return "LibsqlConnectionConfiguration{url=" + url + ", authToken=" + (authToken == null ? "none" : "****")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + "}";
    }

    /** Builds a {@link LibsqlConnectionConfiguration}; each setter checks its value, {@link #build()} the whole. */
    public static final class Builder {

        private @Nullable URI url;
        private @Nullable String authToken;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

        private Builder() {
        }

        /**
         * The server: {@code http://host:port} (cleartext, for a local sqld; the port is required),
         * {@code https://host[:port]}, or {@code libsql://host[:port]} (HTTPS, as Turso prints it). A path is kept
         * as a prefix of the Hrana endpoints. No user info, query or fragment: give the token to
         * {@link #authToken(String)}.
         *
         * @param url the server's URL
         * @return this builder
         * @throws IllegalArgumentException naming what is wrong; the message never repeats a query string, which
         *                                  may hold a token
         */
        public Builder url(String url) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("url must be an http://, https:// or libsql:// URL, was "
                        + (url == null ? "null" : "blank"));
            }
            this.url = parse(url.strip());
            return this;
        }

        /**
         * The token for {@code Authorization: Bearer}: a JWT such as {@code turso db tokens create} prints.
         *
         * @param authToken the bearer token
         * @return this builder
         */
        public Builder authToken(@Nullable String authToken) {
            if (authToken != null && (authToken.isBlank() || !isHeaderSafe(authToken))) {
                throw new IllegalArgumentException("authToken must be a non-blank token of printable ASCII without"
                        + " spaces (a JWT), or null for none");
            }
            this.authToken = authToken;
            return this;
        }

        /**
         * The longest wait for a TCP connection to the server and its TLS handshake; positive.
         *
         * @param connectTimeout how long connecting may take
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Timeouts.check(connectTimeout, "connectTimeout", false);
            return this;
        }

        /**
         * The longest wait for the server's answer to one HTTP request, once sent; {@link Duration#ZERO} for no
         * limit. Over cleartext HTTP this is also what ends the wait on a server that accepted the connection
         * but never answers: there is no handshake there for the connect timeout to cover.
         *
         * @param requestTimeout how long one request may take
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = Timeouts.check(requestTimeout, "requestTimeout", true);
            return this;
        }

        /** {@return @throws IllegalArgumentException when the url is missing} */
        public LibsqlConnectionConfiguration build() {
            if (url == null) {
                throw new IllegalArgumentException("url must be set: http://host:port, https://host or libsql://host");
            }
            return new LibsqlConnectionConfiguration(url, authToken, connectTimeout, requestTimeout);
        }

        private static URI parse(String text) {
            int colon = text.indexOf(':');
            String scheme = colon < 0 ? "" : text.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("libsql")) {
                String hint = scheme.equals("ws") || scheme.equals("wss")
                        ? " (the driver speaks Hrana over HTTP: write https:// or libsql:// instead of " + scheme
                                + "://)"
                        : "";
                throw new IllegalArgumentException("url must start with http://, https:// or libsql://, was '"
                        + withoutQuery(text) + "'" + hint);
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("url is not a valid URL: '" + withoutQuery(text) + "' ("
                        + e.getReason() + ")");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("url must not have a query or fragment (give the token to"
                        + " authToken), was '" + withoutQuery(text) + "'");
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("url must not hold user info; give the token to authToken");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                // java.net.URI reads "host:abc" (or a port in other digits) as a registry name, with no host
                String authority = uri.getRawAuthority();
                int portStart = authority == null || authority.endsWith("]") || authority.indexOf('@') >= 0 ? -1
                        : authority.lastIndexOf(':');
                if (portStart >= 0 && !AsciiDigits.isDecimal(authority.substring(portStart + 1), false)) {
                    throw new IllegalArgumentException("url must give its port as a number between 1 and 65535, was '"
                            + withoutQuery(text) + "'");
                }
                throw new IllegalArgumentException("url must name a host, was '" + withoutQuery(text) + "'");
            }
            String effectiveScheme = scheme.equals("libsql") ? "https" : scheme;
            if (effectiveScheme.equals("http") && uri.getPort() < 0) {
                throw new IllegalArgumentException("url must give a port for cleartext http://, was '"
                        + withoutQuery(text) + "'");
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            try {
                return new URI(effectiveScheme + "://" + uri.getRawAuthority() + path);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("url is not a valid URL: '" + withoutQuery(text) + "' ("
                        + e.getReason() + ")");
            }
        }

        private static boolean isHeaderSafe(String token) {
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c <= ' ' || c >= 0x7f) {
                    return false;
                }
            }
            return true;
        }
    }
}
