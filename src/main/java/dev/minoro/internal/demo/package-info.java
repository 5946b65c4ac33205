/** The demo program that the README's first command runs: Minoro end to end on a SQLite file. */
@NullMarked
package dev.minoro.internal.demo;

import org.jspecify.annotations.NullMarked;
