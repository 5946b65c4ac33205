/**
 * An optional Vert.x 5 integration, usable when vertx-core (and, for the auth providers, vertx-auth-common) is on the
 * class path: Minoro's {@code Mono}s as Vert.x {@code Future}s completed on the caller's context, and a Minoro-backed
 * {@code AuthenticationProvider} and {@code AuthorizationProvider}.
 */
@NullMarked
package dev.minoro.vertx;

import org.jspecify.annotations.NullMarked;
