/**
 * An optional Spring Security integration: a {@code ReactiveAuthenticationManager} and a
 * {@code ReactiveUserDetailsService} backed by Minoro, usable when spring-security-core 7 is on the classpath.
 */
@NullMarked
package dev.minoro.spring;

import org.jspecify.annotations.NullMarked;
