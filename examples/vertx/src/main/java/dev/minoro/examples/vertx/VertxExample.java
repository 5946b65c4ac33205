package dev.minoro.examples.vertx;

import dev.minoro.MinoroConfig;
import io.vertx.core.Vertx;

/** Starts the API on Vert.x with settings from the environment; Ctrl-C undeploys it, closing Minoro. */
public final class VertxExample {

    private VertxExample() {
    }

    public static void main(String[] args) {
        ExampleSettings settings = ExampleSettings.fromEnvironment(System.getenv());
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(new ApiVerticle(MinoroConfig.of(settings.database()), settings.port(),
                        settings.adminEmail(), settings.adminPassword()))
                .onSuccess(id -> System.out.println("Listening on http://localhost:" + settings.port()
                        + " with " + settings.database()))
                .onFailure(e -> {
                    System.err.println("Could not start: " + e.getMessage());
                    vertx.close().onComplete(closed -> System.exit(1));
                });
        // Closing Vert.x undeploys the verticle: the server stops, then Minoro closes.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
    }
}
