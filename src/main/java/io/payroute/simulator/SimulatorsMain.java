package io.payroute.simulator;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Standalone simulators: {@code java -Dloader.main=io.payroute.simulator.SimulatorsMain -jar target/payroute.jar
 * --payroute.simulators.providers.stripe.latency-ms=150
 * --payroute.simulators.providers.stripe.webhook-url=http://127.0.0.1:8080/v1/webhooks/stripe}. Deliberately not
 * auto-configured, so none of the rest of the service (Camel, database, broker) starts. There is no web server
 * here to point webhooks at by default: a provider sends them only once its webhook-url is given (or set through
 * the control API).
 */
@Configuration(proxyBeanMethods = false)
@Import(SimulatorsConfiguration.class)
public class SimulatorsMain {

    public static void main(String[] args) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        ConfigurableApplicationContext context = start(closed, args);
        if (context.isActive()) {
            closed.await(); // the simulator threads are daemons; keep the JVM up until shutdown (SIGTERM / Ctrl-C)
        }
    }

    /** Starts the simulators-only context; {@code closed} is counted down when it closes. */
    static ConfigurableApplicationContext start(CountDownLatch closed, String... args) {
        return new SpringApplicationBuilder(SimulatorsMain.class)
                .web(WebApplicationType.NONE)
                // highest precedence: application.yaml may well say enabled=false for the service itself
                .initializers(ctx -> ctx.getEnvironment().getPropertySources().addFirst(
                        new MapPropertySource("simulatorsMain", Map.of("payroute.simulators.enabled", "true"))))
                .listeners(event -> {
                    if (event instanceof ContextClosedEvent) {
                        closed.countDown();
                    }
                })
                .run(args);
    }
}
