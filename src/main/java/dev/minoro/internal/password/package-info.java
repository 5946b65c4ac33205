/**
 * Password hashing: Argon2id PHC strings made and checked on a bounded scheduler of their own, and the
 * checking, within cost limits, of Argon2 and bcrypt hashes imported from other systems against the
 * password as those systems hashed it.
 */
@NullMarked
package dev.minoro.internal.password;

import org.jspecify.annotations.NullMarked;
