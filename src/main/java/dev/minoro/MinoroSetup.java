package dev.minoro;

import org.reactivestreams.Publisher;

/**
 * Produces the configuration asynchronously, for example after fetching secrets; called once per
 * subscription to {@link Minoro#create(MinoroSetup)}. The first element emitted is used.
 */
@FunctionalInterface
public interface MinoroSetup {

    /** {@return a publisher of the configuration; only its first element is used} */
    Publisher<MinoroConfig> setup();
}
