package dev.minoro.examples.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** A Spring WebFlux service whose accounts, roles and permissions live in Minoro. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WebfluxExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(WebfluxExampleApplication.class, args);
    }
}
