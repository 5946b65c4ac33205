/**
 * Minoro's implementation: not API, may change in any release.
 */
@NullMarked
package dev.minoro.internal;

import org.jspecify.annotations.NullMarked;
