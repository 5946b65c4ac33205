/**
 * Minoro's metrics and observations: {@link dev.minoro.internal.metrics.Instrumentation}, which the rest of the
 * implementation calls, and its Micrometer implementation, the only class of Minoro that names a Micrometer type
 * (loaded only when a registry was configured). Internal: not API.
 */
@NullMarked
package dev.minoro.internal.metrics;

import org.jspecify.annotations.NullMarked;
