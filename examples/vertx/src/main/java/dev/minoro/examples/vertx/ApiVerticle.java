package dev.minoro.examples.vertx;

import dev.minoro.AccountDisabledException;
import dev.minoro.AccountLockedException;
import dev.minoro.DuplicateEmailException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.NotFoundException;
import dev.minoro.User;
import dev.minoro.vertx.MinoroAuthenticationProvider;
import dev.minoro.vertx.MinoroAuthorizationProvider;
import dev.minoro.vertx.ReactorFutures;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.CredentialValidationException;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.AuthorizationHandler;
import io.vertx.ext.web.handler.BasicAuthHandler;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import java.time.Duration;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * The HTTP API. {@link #start()} boots Minoro (migrating the schema), seeds the roles and starts the
 * server; {@link #stop()}, run when the verticle is undeployed or Vert.x closes, stops the server and then
 * closes Minoro. Deploy one instance: each instance would boot its own Minoro with its own connections.
 *
 * <p>No handler blocks: each composes Minoro's publishers through {@link ReactorFutures} and answers when
 * the future completes, back on this verticle's event loop.
 */
final class ApiVerticle extends VerticleBase {

    static final String ADMIN_ROLE = "admin";
    static final String ANALYST_ROLE = "analyst";
    static final String REPORTS_READ = "reports:read";

    private static final System.Logger LOG = System.getLogger(ApiVerticle.class.getName());
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);

    private final MinoroConfig config;
    private final int port;
    private final String adminEmail;
    private final String adminPassword;
    private Minoro minoro;
    private HttpServer server;

    ApiVerticle(MinoroConfig config, int port, String adminEmail, String adminPassword) {
        this.config = config;
        this.port = port;
        this.adminEmail = adminEmail;
        this.adminPassword = adminPassword;
    }

    @Override
    public Future<?> start() {
        return ReactorFutures.toFuture(Minoro.create(config).timeout(BOOT_TIMEOUT))
                .compose(booted -> {
                    minoro = booted;
                    return ReactorFutures.toFuture(seed());
                })
                .compose(seeded -> vertx.createHttpServer().requestHandler(router()).listen(port))
                .onSuccess(listening -> server = listening)
                // Booted but the server did not start: release Minoro, then report the failure.
                .recover(e -> closeMinoro().transform(closed -> Future.failedFuture(e)));
    }

    @Override
    public Future<?> stop() {
        Future<Void> serverClosed = server == null ? Future.succeededFuture() : server.close();
        return serverClosed.eventually(this::closeMinoro);
    }

    /** The running Minoro, for tests that arrange data; null before {@link #start()} completes. */
    Minoro minoro() {
        return minoro;
    }

    /** The port the server listens on (useful when it was started on port 0). */
    int actualPort() {
        return server.actualPort();
    }

    private Future<Void> closeMinoro() {
        return minoro == null ? Future.succeededFuture() : ReactorFutures.toFuture(minoro.close());
    }

    private Router router() {
        Router router = Router.router(vertx);
        AuthenticationHandler basic = BasicAuthHandler.create(MinoroAuthenticationProvider.create(vertx, minoro));
        MinoroAuthorizationProvider authorizations = MinoroAuthorizationProvider.create(vertx, minoro);

        router.post("/signup").handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(this::signUp);
        router.get("/me").handler(basic).handler(this::me);
        router.route("/admin/*").handler(basic)
                .handler(AuthorizationHandler.create(RoleBasedAuthorization.create(ADMIN_ROLE))
                        .addAuthorizationProvider(authorizations));
        router.get("/admin/users").handler(this::listUsers);
        router.post("/admin/users/:id/unlock").handler(this::unlock);
        router.get("/reports/users").handler(basic)
                .handler(AuthorizationHandler.create(PermissionBasedAuthorization.create(REPORTS_READ))
                        .addAuthorizationProvider(authorizations))
                .handler(this::report);
        router.route().failureHandler(this::failure);
        return router;
    }

    private void signUp(RoutingContext ctx) {
        JsonObject body = ctx.body().asJsonObject();
        if (body == null) {
            ctx.fail(new HttpException(400, "a JSON body with email and password is required"));
            return;
        }
        NewUser user = NewUser.of(body.getString("email"), body.getString("password"))
                .withDisplayName(body.getString("displayName"));
        ReactorFutures.toFuture(minoro.users().create(user))
                .onSuccess(created -> json(ctx, 201, account(created)))
                .onFailure(ctx::fail);
    }

    private void me(RoutingContext ctx) {
        JsonObject principal = ctx.user().principal();
        json(ctx, 200, new JsonObject().put("id", principal.getString("id")).put("email", principal.getString("email"))
                .put("displayName", principal.getString("displayName")));
    }

    private void listUsers(RoutingContext ctx) {
        int offset = Integer.parseInt(ctx.queryParams().get("offset") == null ? "0" : ctx.queryParams().get("offset"));
        int limit = Integer.parseInt(ctx.queryParams().get("limit") == null ? "50" : ctx.queryParams().get("limit"));
        ReactorFutures.toFuture(minoro.users().findAll(offset, limit).map(ApiVerticle::account)
                        .collect(JsonArray::new, JsonArray::add))
                .onSuccess(users -> ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                        .end(users.encode()))
                .onFailure(ctx::fail);
    }

    private void unlock(RoutingContext ctx) {
        UUID id = UUID.fromString(ctx.pathParam("id"));
        ReactorFutures.toFuture(minoro.users().unlock(id))
                .onSuccess(done -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void report(RoutingContext ctx) {
        ReactorFutures.toFuture(minoro.users().count())
                .onSuccess(count -> json(ctx, 200, new JsonObject().put("title", "registered users").put("users", count)))
                .onFailure(ctx::fail);
    }

    /** Minoro's typed errors as HTTP answers; their messages never hold a password, so they may be shown. */
    private void failure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        // Vert.x's handlers wrap what went wrong in an HttpException carrying the status they chose.
        Throwable cause = failure instanceof HttpException ? failure.getCause() : failure;
        int status;
        if (cause instanceof DuplicateEmailException) {
            status = 409;
        } else if (cause instanceof InvalidInputException || cause instanceof IllegalArgumentException) {
            status = 400;
        } else if (cause instanceof NotFoundException) {
            status = 404;
        } else if (ctx.statusCode() == 401 && cause != null && !isRefusedLogin(cause)) {
            // BasicAuthHandler answers 401 for any failure; a database outage is not a wrong password.
            status = 503;
        } else if (ctx.statusCode() > 0) {
            status = ctx.statusCode();
        } else if (failure instanceof HttpException) {
            status = ((HttpException) failure).getStatusCode();
        } else {
            status = 500;
        }
        if (status >= 500) {
            LOG.log(System.Logger.Level.ERROR, "request " + ctx.request().method() + " " + ctx.request().path()
                    + " failed", failure);
        }
        String message = status < 500 && cause != null && cause.getMessage() != null
                ? cause.getMessage() : HttpResponseStatus.valueOf(status).reasonPhrase();
        json(ctx, status, new JsonObject().put("error", message));
    }

    private static boolean isRefusedLogin(Throwable cause) {
        return cause instanceof InvalidCredentialsException || cause instanceof AccountLockedException
                || cause instanceof AccountDisabledException || cause instanceof CredentialValidationException;
    }

    private Mono<Void> seed() {
        Mono<Void> roles = ensureRole(ADMIN_ROLE, "May list and unlock users")
                .then(ensureRole(ANALYST_ROLE, "May read reports"))
                .then(minoro.roles().grantPermission(ANALYST_ROLE, REPORTS_READ))
                .then(minoro.roles().grantPermission(ADMIN_ROLE, REPORTS_READ));
        if (adminEmail == null || adminEmail.isBlank() || adminPassword == null) {
            return roles;
        }
        return roles.then(minoro.users().findByEmail(adminEmail)
                .switchIfEmpty(Mono.defer(() -> minoro.users().create(
                        NewUser.of(adminEmail, adminPassword).withDisplayName("Administrator"))))
                .flatMap(admin -> minoro.roles().assign(admin.id(), ADMIN_ROLE)));
    }

    private Mono<Void> ensureRole(String name, String description) {
        return minoro.roles().findByName(name)
                .switchIfEmpty(Mono.defer(() -> minoro.roles().create(name, description)))
                .then();
    }

    private static JsonObject account(User user) {
        return new JsonObject().put("id", user.id().toString()).put("email", user.email())
                .put("displayName", user.displayName());
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
