package io.payroute;

import java.time.Clock;
import java.time.Duration;

import io.payroute.analytics.AlertProperties;
import io.payroute.async.RetryPolicy;
import io.payroute.broker.BrokerProperties;
import io.payroute.provider.ProviderProperties;
import io.payroute.reconciliation.ReconciliationProperties;
import io.payroute.routing.RoutingProperties;
import io.payroute.webhook.WebhookProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * PayRoute: the charge flow lives in routes/*.yaml, provider specifics in mappings/&lt;provider&gt;/ and
 * payroute.providers.* configuration; the Java beans here are what those routes call.
 */
@SpringBootApplication
@EnableScheduling
@EnableConfigurationProperties({ProviderProperties.class, RoutingProperties.class, ReconciliationProperties.class,
        BrokerProperties.class, RetryPolicy.class, WebhookProperties.class, AlertProperties.class})
public class PayRouteApplication {

    public static void main(String[] args) {
        SpringApplication.run(PayRouteApplication.class, args);
    }

    /** Microsecond ticks: what H2 and PostgreSQL timestamps hold, so a stored time reads back unchanged. */
    @Bean
    public Clock clock() {
        return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
    }
}
