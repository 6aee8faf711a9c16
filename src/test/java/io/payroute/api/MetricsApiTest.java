package io.payroute.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.payroute.support.ApiTestSupport;
import org.junit.jupiter.api.Test;

/** What operators scrape: business, provider, circuit breaker and Camel route metrics in Prometheus format. */
class MetricsApiTest extends ApiTestSupport {

    @Test
    void chargesProviderCallsBreakersAndRoutesAreExported() {
        String id = postCharge(chargeBody(8_000, "NGN", Map.of("paystack", "AUTH_success"))).json().get("id").asText();
        assertThat(id).startsWith("ch_");

        Response r = get("/actuator/prometheus");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text())
                .containsPattern("payroute_charges_total\\{[^}]*currency=\"NGN\"[^}]*provider=\"paystack\"[^}]*status=\"succeeded\"[^}]*} [1-9]")
                .containsPattern("payroute_provider_calls_seconds_bucket\\{[^}]*outcome=\"SUCCESS\"[^}]*provider=\"paystack\"")
                .containsPattern("payroute_routing_picks_total\\{[^}]*provider=\"paystack\"")
                .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"paystack\"[^}]*state=\"closed\"[^}]*} 1")
                .containsPattern("camel_routes_running_routes\\{[^}]*} [1-9]");
    }
}
