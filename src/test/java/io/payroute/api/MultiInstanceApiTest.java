package io.payroute.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.payroute.PayRouteApplication;
import io.payroute.simulator.Behaviour;
import io.payroute.support.ApiTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Two PayRoute instances — two Camel contexts, HTTP servers and connection pools — sharing one database (the
 * test database, H2 or PostgreSQL) and the same providers: the guarantees that the database arbitrates must
 * hold across them.
 */
class MultiInstanceApiTest extends ApiTestSupport {

    private static ConfigurableApplicationContext second;
    private static int secondPort;

    @Autowired
    private Environment env;

    @BeforeEach
    void startSecondInstance() {
        if (second != null) {
            return;
        }
        Map<String, String> properties = new HashMap<>(Map.of(
                "server.port", "0",
                "spring.datasource.url", env.getProperty("spring.datasource.url"),
                "spring.datasource.username", env.getProperty("spring.datasource.username", "sa"),
                "spring.datasource.password", env.getProperty("spring.datasource.password", ""),
                // the first instance runs the simulators and the broker; this one uses them
                "payroute.simulators.enabled", "false",
                "spring.artemis.embedded.enabled", "false",
                "spring.artemis.broker-url", "tcp://127.0.0.1:61626"));
        if (env.getProperty("spring.flyway.schemas") != null) {
            properties.put("spring.flyway.schemas", env.getProperty("spring.flyway.schemas"));
        }
        // as command-line arguments: they must win over application-test.yaml, as an operator's settings would
        second = new SpringApplicationBuilder(PayRouteApplication.class).profiles("test")
                .run(properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
        secondPort = ((WebServerApplicationContext) second).getWebServer().getPort();
    }

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
            second = null;
        }
    }

    @Test
    void concurrentRequestsWithOneKeyOnTwoInstancesChargeExactlyOnce() throws Exception {
        simulators.reset(Behaviour.defaults().withLatency(150, 0));
        String key = "multi-" + UUID.randomUUID();
        String body = chargeBody(13_000, "NGN", Map.of("paystack", "AUTH_success", "flutterwave", "flw-t1nf-success"));
        // alternately to each instance
        List<Response> all = concurrently(20,
                i -> postTo(i % 2 == 0 ? port : secondPort, "/v1/charges", body, Map.of("Idempotency-Key", key)));

        assertThat(all).allSatisfy(r -> assertThat(r.status()).isIn(201, 409));
        assertThat(all.stream().filter(r -> r.status() == 201).map(r -> r.json().get("id").asText()).distinct())
                .hasSize(1);
        assertThat(simulators.allLedgers()).as("one provider charge across both instances").hasSize(1);

        // afterwards either instance replays the same stored answer
        Response viaSecond = postTo(secondPort, "/v1/charges", body, Map.of("Idempotency-Key", key));
        assertThat(viaSecond.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(simulators.allLedgers()).hasSize(1);
    }

    @Test
    void aChargeMadeOnOneInstanceReadsTheSameOnTheOther() {
        Response created = postCharge(chargeBody(14_000, "NGN", Map.of("stripe", "pm_card_success")));
        Response read = getFrom(secondPort, "/v1/charges/" + created.json().get("id").asText());
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(created.json());
    }
}
