/**
 * An optional Spring Session integration: a {@code ReactiveSessionRepository} that keeps Spring sessions in Minoro's
 * database, next to the users, usable when spring-session-core 4 is on the classpath.
 */
@NullMarked
package dev.minoro.spring.session;

import org.jspecify.annotations.NullMarked;
