package dev.minoro.examples.startup;

/**
 * Starts the application with settings from the environment and stops it in order on Ctrl-C (or
 * SIGTERM): the HTTP server first, then Minoro.
 */
public final class ReactiveStartup {

    private ReactiveStartup() {
    }

    public static void main(String[] args) {
        StartupSettings settings = StartupSettings.fromEnvironment(System.getenv());
        // main is not an event loop: waiting here for the startup pipeline, and then for the server to
        // stop, is what a main thread is for.
        Application app = Application.start(settings, System.out::println).block();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> app.stop().block()));
        app.onDispose().block();
    }
}
