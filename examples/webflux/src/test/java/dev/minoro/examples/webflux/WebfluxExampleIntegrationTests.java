package dev.minoro.examples.webflux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.User;
import dev.minoro.spring.MinoroReactiveAuthenticationManager;
import dev.minoro.spring.session.MinoroReactiveSessionRepository;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The running application on a random port, over real HTTP: what it must do on every database. A subclass per
 * database gives {@code minoro.database.url} (and the profile, if any), as a deployment would. A test that times out
 * prints the JVM's threads ({@link ThreadDumpOnTimeout}).
 */
@ExtendWith(ThreadDumpOnTimeout.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class WebfluxExampleIntegrationTests {

    private static final String ADMIN = "admin@example.com";
    private static final String ADMIN_PASSWORD = "admin password for tests";
    private static final String PASSWORD = "correct horse battery staple";
    private static final int MAX_FAILED_LOGINS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The settings every database shares; the subclass adds where the database is. */
    @DynamicPropertySource
    static void minoro(DynamicPropertyRegistry registry) {
        registry.add("minoro.lockout.max-failed-logins", () -> MAX_FAILED_LOGINS);
        registry.add("example.admin.email", () -> ADMIN);
        registry.add("example.admin.password", () -> ADMIN_PASSWORD);
    }

    @LocalServerPort
    int port;

    @Autowired
    Minoro minoro;

    private WebTestClient client;

    /** The {@code database} tag of Minoro's meters for this database: {@code sqlite} or {@code postgres}. */
    abstract String database();

    @BeforeEach
    void client() {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(TIMEOUT).build();
    }

    /** A fresh email per test, so that tests share the application in any order. */
    private static String email(String name) {
        return name + "-" + UUID.randomUUID() + "@example.com";
    }

    private WebTestClient.ResponseSpec signUp(String email, String password) {
        return client.post().uri("/signup")
                .bodyValue(Map.of("email", email, "password", password, "displayName", "Someone"))
                .exchange();
    }

    private WebTestClient.ResponseSpec get(String path, String email, String password) {
        return client.get().uri(path).headers(h -> h.setBasicAuth(email, password)).exchange();
    }

    private UUID idOf(String email) {
        return minoro.users().findByEmail(email).map(User::id).block(TIMEOUT);
    }

    @Test
    void minoroAndItsAuthenticationManagerComeFromTheAutoConfiguration(
            @Autowired ReactiveAuthenticationManager authenticationManager, @Autowired MinoroConfig config) {
        assertInstanceOf(MinoroReactiveAuthenticationManager.class, authenticationManager);
        assertEquals(MAX_FAILED_LOGINS, config.maxFailedLogins());
    }

    @Test
    void signUpThenLogIn() {
        String email = email("amy");
        signUp(email, PASSWORD).expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.email").isEqualTo(email)
                .jsonPath("$.displayName").isEqualTo("Someone")
                .jsonPath("$.id").isNotEmpty()
                .jsonPath("$.password").doesNotExist();
        get("/me", email.toUpperCase(java.util.Locale.ROOT), PASSWORD).expectStatus().isOk()
                .expectBody()
                .jsonPath("$.email").isEqualTo(email)
                .jsonPath("$.authorities").isEmpty();
    }

    @Test
    void aTakenEmailOrABadPasswordIsRefusedAtSignUp() {
        String email = email("ben");
        signUp(email, PASSWORD).expectStatus().isCreated();
        signUp(email, PASSWORD).expectStatus().isEqualTo(HttpStatus.CONFLICT);
        signUp(email("bob"), "short").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").value(detail ->
                        assertTrue(detail.toString().contains("password"), detail.toString()));
    }

    @Test
    void aWrongPasswordOrNoCredentialsIs401() {
        String email = email("cat");
        signUp(email, PASSWORD).expectStatus().isCreated();
        get("/me", email, "not the password").expectStatus().isUnauthorized();
        get("/me", email("nobody"), PASSWORD).expectStatus().isUnauthorized();
        client.get().uri("/me").exchange().expectStatus().isUnauthorized()
                .expectHeader().valueMatches("WWW-Authenticate", "Basic.*");
    }

    @Test
    void aLockedAccountIsRefusedEvenWithTheRightPasswordUntilAnAdminUnlocksIt() {
        String email = email("dee");
        signUp(email, PASSWORD).expectStatus().isCreated();
        for (int i = 0; i < MAX_FAILED_LOGINS; i++) {
            get("/me", email, "wrong password " + i).expectStatus().isUnauthorized();
        }
        get("/me", email, PASSWORD).expectStatus().isUnauthorized();

        client.post().uri("/admin/users/{id}/unlock", idOf(email))
                .headers(h -> h.setBasicAuth(email, PASSWORD)).exchange()
                .expectStatus().isUnauthorized();
        client.post().uri("/admin/users/{id}/unlock", idOf(email))
                .headers(h -> h.setBasicAuth(ADMIN, ADMIN_PASSWORD)).exchange()
                .expectStatus().isNoContent();
        get("/me", email, PASSWORD).expectStatus().isOk();
    }

    @Test
    void onlyAdminsListUsers() {
        String email = email("eve");
        signUp(email, PASSWORD).expectStatus().isCreated();
        get("/admin/users?limit=1000", email, PASSWORD).expectStatus().isForbidden();
        get("/admin/users?limit=1000", ADMIN, ADMIN_PASSWORD).expectStatus().isOk()
                .expectBody().jsonPath("$[?(@.email == '" + email + "')]").exists();
        get("/me", ADMIN, ADMIN_PASSWORD).expectStatus().isOk()
                .expectBody().jsonPath("$.authorities").value(authorities ->
                        assertTrue(authorities.toString().contains("ROLE_admin"), authorities.toString()));
    }

    /** Minoro's meters reach the actuator's Prometheus endpoint, by outcome, and never with an email in them. */
    @Test
    void minorosMetricsAreOnThePrometheusEndpoint() {
        String email = email("gus");
        signUp(email, PASSWORD).expectStatus().isCreated();
        get("/me", email, PASSWORD).expectStatus().isOk();
        get("/me", email, "not the password").expectStatus().isUnauthorized();

        String scrape = client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertTrue(scrape.contains("minoro_logins_total{outcome=\"success\"}"), scrape);
        assertTrue(scrape.contains("minoro_logins_total{outcome=\"wrong_password\"}"), scrape);
        assertTrue(scrape.contains("minoro_authentication_seconds_count{outcome=\"success\"}"), scrape);
        assertTrue(scrape.contains(
                "minoro_migrations_seconds_count{database=\"" + database() + "\",outcome=\"applied\"}"), scrape);
        assertTrue(scrape.contains("minoro_hashing_queued{instance=\"minoro\"}"), scrape);
        assertTrue(!scrape.contains("@example.com"), "no email in any metric");
    }

    @Test
    void thePermissionDecidesNotTheRoleName() {
        String email = email("fay");
        signUp(email, PASSWORD).expectStatus().isCreated();
        get("/reports/users", email, PASSWORD).expectStatus().isForbidden();

        // Granted in the database: HTTP Basic reads the authorities again at the next request.
        minoro.roles().assign(idOf(email), MinoroConfiguration.ANALYST_ROLE).block(TIMEOUT);
        get("/reports/users", email, PASSWORD).expectStatus().isOk()
                .expectBody().jsonPath("$.users").isNumber();
        get("/admin/users", email, PASSWORD).expectStatus().isForbidden();

        minoro.roles().revoke(idOf(email), MinoroConfiguration.ANALYST_ROLE).block(TIMEOUT);
        get("/reports/users", email, PASSWORD).expectStatus().isForbidden();
    }

    /** {@code POST /login} with HTTP Basic: the id of the new session, from the {@code X-Auth-Token} header. */
    private String login(String email, String password) {
        String token = client.post().uri("/login").headers(h -> h.setBasicAuth(email, password)).exchange()
                .expectStatus().isNoContent()
                .returnResult(Void.class).getResponseHeaders().getFirst(SecurityConfiguration.SESSION_HEADER);
        assertNotNull(token, "no session id in the response");
        return token;
    }

    private WebTestClient.ResponseSpec withSession(String path, String token) {
        return client.get().uri(path).header(SecurityConfiguration.SESSION_HEADER, token).exchange();
    }

    /**
     * A login makes a Spring Session that Minoro stores (by the SHA-256 of its id) and binds to the user; the session
     * id alone then authenticates, and HTTP Basic on other requests makes no session.
     */
    @Test
    void aLoginMakesASessionStoredByMinoro(@Autowired MinoroReactiveSessionRepository sessions) {
        String email = email("hal");
        signUp(email, PASSWORD).expectStatus().isCreated();
        get("/me", email, PASSWORD).expectStatus().isOk().expectHeader().doesNotExist(SecurityConfiguration.SESSION_HEADER);
        assertEquals(0, sessions.findByPrincipalName(email).block(TIMEOUT).size());

        String token = login(email, PASSWORD);
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
        withSession("/me", token).expectStatus().isOk().expectBody().jsonPath("$.email").isEqualTo(email);
        withSession("/me", token).expectStatus().isOk();
        assertNotNull(sessions.findById(token).block(TIMEOUT), "the session is in Minoro's database");
        assertEquals(1, sessions.findByPrincipalName(email).block(TIMEOUT).size());

        withSession("/me", token.substring(1) + "A").expectStatus().isUnauthorized();
        client.post().uri("/logout").header(SecurityConfiguration.SESSION_HEADER, token).exchange()
                .expectStatus().isNoContent();
        withSession("/me", token).expectStatus().isUnauthorized();
        assertEquals(0, sessions.findByPrincipalName(email).block(TIMEOUT).size());
    }

    @Test
    void signingOutEverywhereEndsEverySessionOfTheUserOnly() {
        String email = email("ivy");
        String other = email("jon");
        signUp(email, PASSWORD).expectStatus().isCreated();
        signUp(other, PASSWORD).expectStatus().isCreated();
        String laptop = login(email, PASSWORD);
        String phone = login(email, PASSWORD);
        String others = login(other, PASSWORD);
        withSession("/me", laptop).expectStatus().isOk();
        withSession("/me", phone).expectStatus().isOk();

        client.post().uri("/sessions/sign-out-everywhere").header(SecurityConfiguration.SESSION_HEADER, phone)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.sessions").isEqualTo(2);
        withSession("/me", laptop).expectStatus().isUnauthorized();
        withSession("/me", phone).expectStatus().isUnauthorized();
        withSession("/me", others).expectStatus().isOk();
        get("/me", email, PASSWORD).expectStatus().isOk();
    }

    @Test
    void aDisabledUsersSessionStopsWorkingAtTheNextRequest() {
        String email = email("kim");
        signUp(email, PASSWORD).expectStatus().isCreated();
        String token = login(email, PASSWORD);
        withSession("/me", token).expectStatus().isOk();

        client.post().uri("/admin/users/{id}/disable", idOf(email)).headers(h -> h.setBasicAuth(email, PASSWORD))
                .exchange().expectStatus().isForbidden();
        client.post().uri("/admin/users/{id}/disable", idOf(email)).headers(h -> h.setBasicAuth(ADMIN, ADMIN_PASSWORD))
                .exchange().expectStatus().isNoContent();
        withSession("/me", token).expectStatus().isUnauthorized();
        get("/me", email, PASSWORD).expectStatus().isUnauthorized();
    }

    /** A session carries the authorities of its login; a role change renews the user's stamp and ends it. */
    @Test
    void aRoleChangeEndsTheSessionsThatCarryTheOldAuthorities() {
        String email = email("lee");
        signUp(email, PASSWORD).expectStatus().isCreated();
        String token = login(email, PASSWORD);
        withSession("/reports/users", token).expectStatus().isForbidden();
        minoro.roles().assign(idOf(email), MinoroConfiguration.ANALYST_ROLE).block(TIMEOUT);
        withSession("/reports/users", token).expectStatus().isUnauthorized();
        withSession("/reports/users", login(email, PASSWORD)).expectStatus().isOk();
    }
}
