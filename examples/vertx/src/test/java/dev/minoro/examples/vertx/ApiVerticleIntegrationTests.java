package dev.minoro.examples.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.MinoroException;
import dev.minoro.User;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The API deployed on Vert.x with a SQLite file, driven over HTTP by the Vert.x web client, under BlockHound. */
@ExtendWith(VertxExtension.class)
final class ApiVerticleIntegrationTests {

    private static final String ADMIN = "admin@example.com";
    private static final String ADMIN_PASSWORD = "admin password for tests";
    private static final String PASSWORD = "correct horse battery staple";
    private static final int MAX_FAILED_LOGINS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path directory;

    private static ApiVerticle api;
    private static WebClient client;

    @BeforeAll
    static void deploy(Vertx vertx) throws Exception {
        BlockingCalls.install();
        MinoroConfig config = MinoroConfig.builder()
                .database(DatabaseConfig.sqlite("file:" + directory.resolve("vertx.db")))
                .maxFailedLogins(MAX_FAILED_LOGINS)
                .build();
        api = new ApiVerticle(config, 0, ADMIN, ADMIN_PASSWORD);
        vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost")
                .setDefaultPort(api.actualPort()));
    }

    @AfterEach
    void noBlockingCallOnAnEventLoop() {
        assertEquals(List.of(), BlockingCalls.drain());
    }

    private static String email(String name) {
        return name + "-" + UUID.randomUUID() + "@example.com";
    }

    private static HttpResponse<Buffer> await(io.vertx.core.Future<HttpResponse<Buffer>> response) throws Exception {
        return response.await(30, TimeUnit.SECONDS);
    }

    private static HttpResponse<Buffer> signUp(String email, String password) throws Exception {
        return await(client.post("/signup").sendJsonObject(new JsonObject().put("email", email)
                .put("password", password).put("displayName", "Someone")));
    }

    private static HttpResponse<Buffer> get(String path, String email, String password) throws Exception {
        return await(client.get(path).basicAuthentication(email, password).send());
    }

    private static UUID idOf(String email) {
        return api.minoro().users().findByEmail(email).map(User::id).block(TIMEOUT);
    }

    @Test
    void signUpThenLogIn() throws Exception {
        String email = email("amy");
        HttpResponse<Buffer> created = signUp(email, PASSWORD);
        assertEquals(201, created.statusCode());
        JsonObject account = created.bodyAsJsonObject();
        assertEquals(email, account.getString("email"));
        assertNotNull(account.getString("id"));
        assertFalse(account.containsKey("password"));

        HttpResponse<Buffer> me = get("/me", email.toUpperCase(java.util.Locale.ROOT), PASSWORD);
        assertEquals(200, me.statusCode());
        assertEquals(account.getString("id"), me.bodyAsJsonObject().getString("id"));
    }

    @Test
    void aTakenEmailOrABadPasswordIsRefusedAtSignUp() throws Exception {
        String email = email("ben");
        assertEquals(201, signUp(email, PASSWORD).statusCode());
        assertEquals(409, signUp(email, PASSWORD).statusCode());
        HttpResponse<Buffer> shortPassword = signUp(email("bob"), "short");
        assertEquals(400, shortPassword.statusCode());
        assertTrue(shortPassword.bodyAsJsonObject().getString("error").contains("password"),
                shortPassword.bodyAsString());
    }

    @Test
    void aWrongPasswordOrNoCredentialsIs401() throws Exception {
        String email = email("cat");
        assertEquals(201, signUp(email, PASSWORD).statusCode());
        assertEquals(401, get("/me", email, "not the password").statusCode());
        assertEquals(401, get("/me", email("nobody"), PASSWORD).statusCode());
        HttpResponse<Buffer> anonymous = await(client.get("/me").send());
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.getHeader("WWW-Authenticate").startsWith("Basic"), anonymous.getHeader("WWW-Authenticate"));
    }

    @Test
    void aLockedAccountIsRefusedEvenWithTheRightPasswordUntilAnAdminUnlocksIt() throws Exception {
        String email = email("dee");
        assertEquals(201, signUp(email, PASSWORD).statusCode());
        for (int i = 0; i < MAX_FAILED_LOGINS; i++) {
            assertEquals(401, get("/me", email, "wrong password " + i).statusCode());
        }
        HttpResponse<Buffer> locked = get("/me", email, PASSWORD);
        assertEquals(401, locked.statusCode());
        assertTrue(locked.bodyAsJsonObject().getString("error").contains("locked"), locked.bodyAsString());

        String unlock = "/admin/users/" + idOf(email) + "/unlock";
        assertEquals(401, await(client.post(unlock).basicAuthentication(email, PASSWORD).send()).statusCode());
        assertEquals(204, await(client.post(unlock).basicAuthentication(ADMIN, ADMIN_PASSWORD).send()).statusCode());
        assertEquals(200, get("/me", email, PASSWORD).statusCode());
    }

    @Test
    void onlyAdminsListUsers() throws Exception {
        String email = email("eve");
        assertEquals(201, signUp(email, PASSWORD).statusCode());
        assertEquals(403, get("/admin/users?limit=1000", email, PASSWORD).statusCode());
        HttpResponse<Buffer> users = get("/admin/users?limit=1000", ADMIN, ADMIN_PASSWORD);
        assertEquals(200, users.statusCode());
        JsonArray list = users.bodyAsJsonArray();
        assertTrue(list.stream().anyMatch(u -> email.equals(((JsonObject) u).getString("email"))), list.encode());
    }

    @Test
    void thePermissionDecidesNotTheRoleName() throws Exception {
        String email = email("fay");
        assertEquals(201, signUp(email, PASSWORD).statusCode());
        assertEquals(403, get("/reports/users", email, PASSWORD).statusCode());

        api.minoro().roles().assign(idOf(email), ApiVerticle.ANALYST_ROLE).block(TIMEOUT);
        HttpResponse<Buffer> report = get("/reports/users", email, PASSWORD);
        assertEquals(200, report.statusCode());
        assertTrue(report.bodyAsJsonObject().getLong("users") >= 1, report.bodyAsString());
        assertEquals(403, get("/admin/users", email, PASSWORD).statusCode());

        api.minoro().roles().revoke(idOf(email), ApiVerticle.ANALYST_ROLE).block(TIMEOUT);
        assertEquals(403, get("/reports/users", email, PASSWORD).statusCode());
    }

    @Test
    void undeployingStopsTheServerThenClosesMinoro(Vertx vertx, @TempDir Path own) throws Exception {
        ApiVerticle second = new ApiVerticle(MinoroConfig.of(DatabaseConfig.sqlite("file:" + own.resolve("own.db"))),
                0, null, null);
        String id = vertx.deployVerticle(second).await(30, TimeUnit.SECONDS);
        Minoro minoro = second.minoro();
        assertEquals(0L, minoro.users().count().block(TIMEOUT));

        vertx.undeploy(id).await(30, TimeUnit.SECONDS);

        MinoroException closed = assertThrows(MinoroException.class, () -> minoro.users().count().block(TIMEOUT));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }
}
