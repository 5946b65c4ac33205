/**
 * Password hashing: Argon2id PHC strings made and checked on a bounded scheduler of their own, and the
 * checking of Argon2i, Argon2d and bcrypt hashes imported from other systems.
 */
@NullMarked
package dev.minoro.internal.password;

import org.jspecify.annotations.NullMarked;
