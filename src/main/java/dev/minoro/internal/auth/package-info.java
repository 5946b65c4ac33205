/** Password logins: verification, lockout after repeated failures, and rehashing. */
@NullMarked
package dev.minoro.internal.auth;

import org.jspecify.annotations.NullMarked;
