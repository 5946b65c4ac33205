/**
 * The user and role repositories and the login store, in plain SQL written once over the R2DBC SPI,
 * with the input checks and normalisation they share.
 */
@NullMarked
package dev.minoro.internal.repository;

import org.jspecify.annotations.NullMarked;
