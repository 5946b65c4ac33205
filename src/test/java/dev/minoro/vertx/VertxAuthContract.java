package dev.minoro.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.AccountDisabledException;
import dev.minoro.AccountLockedException;
import dev.minoro.DatabaseConfig;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.OtherScriptDigits;
import dev.minoro.testing.TestConfigs;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.CredentialValidationException;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.AuthorizationHandler;
import io.vertx.ext.web.handler.BasicAuthHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link MinoroAuthenticationProvider} and {@link MinoroAuthorizationProvider} with a real Vert.x and a real Minoro,
 * on each database (the subclasses), under the test suite's BlockHound: every outcome of a login and every
 * authorization, delivered on the event loop that asked, directly and behind vertx-web's handlers over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class VertxAuthContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ANALYST = "analyst";
    private static final String REPORTS_READ = "reports:read";

    private final MutableClock clock = MutableClock.atFixedStart();
    private Vertx vertx;
    private Minoro minoro;
    private MinoroAuthenticationProvider authentication;
    private MinoroAuthorizationProvider authorization;

    /** Called by the subclass's {@code @BeforeAll} with its database. */
    final void start(DatabaseConfig database) {
        vertx = Vertx.vertx();
        minoro = Minoro.create(TestConfigs.fast(database, clock)).block(TIMEOUT);
        authentication = MinoroAuthenticationProvider.create(vertx, minoro);
        authorization = MinoroAuthorizationProvider.create(vertx, minoro);
        minoro.roles().create(ANALYST, "reads reports").block(TIMEOUT);
        minoro.roles().grantPermission(ANALYST, REPORTS_READ).block(TIMEOUT);
    }

    @AfterAll
    final void stop() throws Exception {
        if (minoro != null) {
            minoro.close().block(TIMEOUT);
        }
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static String email(String name) {
        return name + "-" + UUID.randomUUID() + "@example.com";
    }

    private dev.minoro.User signUp(String email) {
        return minoro.users().create(NewUser.of(email, TestConfigs.PASSWORD).withDisplayName("Someone")).block(TIMEOUT);
    }

    /** How a call made on an event loop ended, and where its callbacks ran. */
    private record Outcome<T>(Context asked, Context completedIn, Thread eventLoop, Thread completedOn, T value,
            Throwable failure) {

        void assertDeliveredWhereAsked() {
            assertTrue(eventLoop.getName().startsWith("vert.x-eventloop-thread-"), eventLoop.getName());
            assertSame(eventLoop, completedOn, "the callbacks run on the event loop that asked");
            assertSame(asked, completedIn, "the callbacks run on the context that asked");
        }
    }

    private <T> Outcome<T> onEventLoop(Supplier<Future<T>> call) throws Exception {
        Promise<Outcome<T>> outcome = Promise.promise();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            Thread loop = Thread.currentThread();
            call.get().onComplete(done -> outcome.complete(new Outcome<>(context, Vertx.currentContext(), loop,
                    Thread.currentThread(), done.succeeded() ? done.result() : null,
                    done.succeeded() ? null : done.cause())));
        });
        return outcome.future().await(30, TimeUnit.SECONDS);
    }

    private Outcome<User> login(String email, String password) throws Exception {
        return onEventLoop(() -> authentication.authenticate(new UsernamePasswordCredentials(email, password)));
    }

    private static Set<Authorization> minoroAuthorizations(User user) {
        Set<Authorization> found = new HashSet<>();
        user.authorizations().forEach(MinoroAuthorizationProvider.ID, found::add);
        return found;
    }

    @Test
    void theRightPasswordGivesAUserWithMinorosIdAndNoPassword() throws Exception {
        String email = email("amy");
        dev.minoro.User stored = signUp(email);

        Outcome<User> outcome = login(email.toUpperCase(java.util.Locale.ROOT), TestConfigs.PASSWORD);
        outcome.assertDeliveredWhereAsked();
        assertNull(outcome.failure());
        JsonObject principal = outcome.value().principal();
        assertEquals(new JsonObject().put("username", email).put("email", email).put("id", stored.id().toString())
                .put("displayName", "Someone"), principal);
        assertEquals(email, outcome.value().subject());
        assertFalse(outcome.value().toString().contains(TestConfigs.PASSWORD));
    }

    @Test
    void aWrongPasswordAndAnUnknownEmailFailAlikeWithMinorosException() throws Exception {
        String email = email("ben");
        signUp(email);

        Outcome<User> wrong = login(email, "not the password");
        wrong.assertDeliveredWhereAsked();
        Outcome<User> unknown = login(email("nobody"), TestConfigs.PASSWORD);
        unknown.assertDeliveredWhereAsked();
        assertInstanceOf(InvalidCredentialsException.class, wrong.failure());
        assertInstanceOf(InvalidCredentialsException.class, unknown.failure());
        assertEquals(wrong.failure().getMessage(), unknown.failure().getMessage());
        assertFalse(wrong.failure().getMessage().contains("not the password"));
    }

    @Test
    void aLockedAccountIsRefusedEvenWithTheRightPasswordUntilTheLockoutEnds() throws Exception {
        String email = email("cat");
        signUp(email);
        for (int i = 1; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            assertInstanceOf(InvalidCredentialsException.class, login(email, "wrong password " + i).failure());
        }
        Outcome<User> locking = login(email, "wrong password, the last one");
        locking.assertDeliveredWhereAsked();
        assertInstanceOf(AccountLockedException.class, locking.failure(), "the failure that reaches the threshold");
        Outcome<User> locked = login(email, TestConfigs.PASSWORD);
        locked.assertDeliveredWhereAsked();
        AccountLockedException e = assertInstanceOf(AccountLockedException.class, locked.failure());
        assertEquals(clock.instant().plus(TestConfigs.LOCKOUT), e.lockedUntil());

        clock.advance(TestConfigs.LOCKOUT);
        assertEquals(email, login(email, TestConfigs.PASSWORD).value().principal().getString("email"));
    }

    @Test
    void aDisabledAccountIsRefused() throws Exception {
        String email = email("dee");
        minoro.users().setDisabled(signUp(email).id(), true).block(TIMEOUT);
        Outcome<User> disabled = login(email, TestConfigs.PASSWORD);
        disabled.assertDeliveredWhereAsked();
        assertInstanceOf(AccountDisabledException.class, disabled.failure());
    }

    @Test
    void otherCredentialsOrAMissingPasswordAreRefusedBeforeMinoroIsAsked() throws Exception {
        Outcome<User> token = onEventLoop(() -> authentication.authenticate(new TokenCredentials("a token")));
        assertEquals("an email and a password (UsernamePasswordCredentials) are required",
                assertInstanceOf(CredentialValidationException.class, token.failure()).getMessage());
        UsernamePasswordCredentials withoutPassword = new UsernamePasswordCredentials(email("eve"), null);
        Outcome<User> noPassword = onEventLoop(() -> authentication.authenticate(withoutPassword));
        assertEquals("an email and a password are required",
                assertInstanceOf(CredentialValidationException.class, noPassword.failure()).getMessage());
    }

    @Test
    void rolesAndPermissionsAreLoadedAndReadAgainEachTime() throws Exception {
        String email = email("fay");
        dev.minoro.User stored = signUp(email);
        User user = login(email, TestConfigs.PASSWORD).value();

        Outcome<Void> none = onEventLoop(() -> authorization.getAuthorizations(user));
        none.assertDeliveredWhereAsked();
        assertNull(none.failure());
        assertTrue(user.authorizations().contains(MinoroAuthorizationProvider.ID), "loaded, and empty");
        assertEquals(Set.of(), minoroAuthorizations(user));
        assertFalse(PermissionBasedAuthorization.create(REPORTS_READ).match(user));

        minoro.roles().assign(stored.id(), ANALYST).block(TIMEOUT);
        Outcome<Void> granted = onEventLoop(() -> authorization.getAuthorizations(user));
        granted.assertDeliveredWhereAsked();
        assertEquals(Set.of(RoleBasedAuthorization.create(ANALYST), PermissionBasedAuthorization.create(REPORTS_READ)),
                minoroAuthorizations(user));
        assertTrue(PermissionBasedAuthorization.create(REPORTS_READ).match(user));
        assertTrue(RoleBasedAuthorization.create(ANALYST).match(user));
        assertFalse(PermissionBasedAuthorization.create("reports:write").match(user));
        assertFalse(RoleBasedAuthorization.create("admin").match(user));

        minoro.roles().revoke(stored.id(), ANALYST).block(TIMEOUT);
        onEventLoop(() -> authorization.getAuthorizations(user));
        assertEquals(Set.of(), minoroAuthorizations(user), "replaced, not added to");
    }

    @Test
    void aUserMinoroDoesNotKnowGetsNothingAndAUserWithoutMinorosIdIsAnError() throws Exception {
        User stranger = User.create(new JsonObject().put("id", UUID.randomUUID().toString()));
        Outcome<Void> unknown = onEventLoop(() -> authorization.getAuthorizations(stranger));
        unknown.assertDeliveredWhereAsked();
        assertNull(unknown.failure());
        assertEquals(Set.of(), minoroAuthorizations(stranger));

        // not ids: none, not a UUID, a UUID in a form that UUID.fromString reads but is not the canonical one (short
        // groups, the digits of other scripts)
        List<JsonObject> principals = new ArrayList<>(List.of(new JsonObject().put("username", "amy"),
                new JsonObject().put("id", "not a uuid"), new JsonObject().put("id", "1-2-3-4-5")));
        // the id of a user who holds a role, as UUID.fromString reads it in other scripts' digits
        dev.minoro.User analyst = signUp(email("ivy"));
        minoro.roles().assign(analyst.id(), ANALYST).block(TIMEOUT);
        OtherScriptDigits.of(analyst.id().toString()).forEach(id -> principals.add(new JsonObject().put("id", id)));
        for (JsonObject principal : principals) {
            Outcome<Void> failed = onEventLoop(() -> authorization.getAuthorizations(User.create(principal)));
            IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, failed.failure(),
                    principal::encode);
            assertEquals("the user's principal has no Minoro user id (\"id\", a UUID in its canonical form):"
                    + " authenticate with MinoroAuthenticationProvider", e.getMessage());
        }
    }

    /** As applications use them: HTTP Basic, then a permission check, over real HTTP. */
    @Test
    void behindVertxWebsHandlers() throws Exception {
        String analyst = email("gus");
        minoro.roles().assign(signUp(analyst).id(), ANALYST).block(TIMEOUT);
        String other = email("hal");
        signUp(other);

        Promise<HttpServer> listening = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> {
            Router router = Router.router(vertx);
            router.route("/api/*").handler(BasicAuthHandler.create(authentication));
            router.get("/api/reports").handler(AuthorizationHandler.create(
                    PermissionBasedAuthorization.create(REPORTS_READ)).addAuthorizationProvider(authorization));
            router.get("/api/*").handler(ctx -> ctx.end(ctx.user().principal().getString("email")));
            vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").onComplete(listening);
        });
        HttpServer server = listening.future().await(30, TimeUnit.SECONDS);
        HttpClient client = vertx.createHttpClient();
        try {
            assertEquals("200 " + analyst, get(client, server, "/api/me", analyst, TestConfigs.PASSWORD));
            assertEquals("200 " + analyst, get(client, server, "/api/reports", analyst, TestConfigs.PASSWORD));
            assertEquals("200 " + other, get(client, server, "/api/me", other, TestConfigs.PASSWORD));
            assertEquals(403, status(get(client, server, "/api/reports", other, TestConfigs.PASSWORD)));
            assertEquals(401, status(get(client, server, "/api/me", other, "wrong password")));
            assertEquals(401, status(get(client, server, "/api/me", email("nobody"), TestConfigs.PASSWORD)));
        } finally {
            client.close().await(30, TimeUnit.SECONDS);
            server.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(0, 3));
    }

    private static String get(HttpClient client, HttpServer server, String path, String email, String password)
            throws Exception {
        String basic = Base64.getEncoder().encodeToString((email + ":" + password).getBytes(StandardCharsets.UTF_8));
        return client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", path)
                .compose(request -> request.putHeader("Authorization", "Basic " + basic).send())
                .compose(response -> response.body().map(body -> response.statusCode() + " " + body))
                .await(30, TimeUnit.SECONDS);
    }
}
