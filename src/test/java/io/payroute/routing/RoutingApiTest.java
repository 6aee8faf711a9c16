package io.payroute.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.payroute.charge.ChargeRepository;
import io.payroute.charge.Ids;
import io.payroute.support.ApiTestSupport;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jms.core.JmsTemplate;

/**
 * Routing through the running service: explained decisions, the rules file changed while it runs, and outcomes
 * shared with other instances over the broker. The test profile's rules file is target/test-routing/rules.yaml.
 */
class RoutingApiTest extends ApiTestSupport {

    private static final Path RULES = Path.of("target/test-routing/rules.yaml");

    @Autowired
    private RoutingRules rules;
    @Autowired
    private ConnectionFactory connectionFactory;
    @Value("${payroute.broker.addresses.routing-outcomes}")
    private String outcomesAddress;
    @Autowired
    private RoutingProperties routingProperties;
    @Autowired
    private ChargeRepository chargeRepository;

    /** Back to rules without effect, so that the other test classes route as without a file. */
    @AfterEach
    void neutralRules() throws Exception {
        writeRules("version: neutral\n");
        awaitVersion("neutral");
    }

    @Test
    void everyChargeExplainsItsRouting() {
        JsonNode charge = postCharge(cardBody("4242424242424242", 5_000_000, Map.of())).json();

        JsonNode routing = charge.get("routing");
        assertThat(routing.get("strategy").asText()).isEqualTo("smart");
        assertThat(routing.has("rule")).as("no rule applied").isFalse();
        assertThat(routing.get("rules_version").asText()).isNotBlank();
        assertThat(routing.get("exploration").asBoolean()).isFalse();
        assertThat(routing.get("dimensions")).isEqualTo(JSON.valueToTree(Map.of("method", "card", "currency", "NGN",
                "network", "visa", "amount_band", "5000000-49999999")));
        assertThat(routing.at("/objective/success_value_percent").asDouble()).isEqualTo(100);
        // paystack and stripe take cards in NGN: both scored with every part, paystack cheaper
        assertThat(routing.get("candidates")).hasSize(2);
        JsonNode first = routing.at("/candidates/0");
        assertThat(first.get("provider").asText()).isEqualTo("paystack");
        assertThat(first.get("success_rate_dimension").asText()).isEqualTo(ProviderHealth.ALL);
        long expectedValue = Math.round(first.get("success_rate").asDouble() * (5_000_000 - first.get("fee").asLong()));
        // within what the success rate's four decimals leave out
        assertThat(first.get("expected_value").asLong()).isCloseTo(expectedValue, within(250L));
        assertThat(first.get("score").asLong())
                .isEqualTo(first.get("expected_value").asLong() - first.get("latency_penalty").asLong());
        JsonNode second = routing.at("/candidates/1");
        assertThat(second.get("fee").asLong()).isGreaterThan(first.get("fee").asLong());
        assertThat(second.get("score").asLong()).isLessThanOrEqualTo(first.get("score").asLong());
        assertThat(routing.at("/excluded/0/provider").asText()).isEqualTo("flutterwave");
        assertThat(routing.get("chosen").asText()).isEqualTo("paystack");
    }

    @Test
    void rulesAndStrategiesChangeWhileTheServiceRunsAndABadFileChangesNothing() throws Exception {
        writeRules("""
                version: api-1
                banks:
                  simulator_bank: ["424242"]
                merchants:
                  merchant_default: {strategy: priority, priority: [stripe, paystack]}
                rules:
                  - name: simulator-bank-to-paystack
                    when: {bank: simulator_bank, metadata: {checkout: v2}}
                    allow: [paystack]
                """);
        awaitVersion("api-1");

        JsonNode byRule = postCharge(cardBody("4242424242424242", 5_000_000, Map.of("checkout", "v2"))).json();
        assertThat(byRule.at("/routing/rule").asText()).isEqualTo("simulator-bank-to-paystack");
        assertThat(byRule.at("/routing/dimensions/bank").asText()).isEqualTo("simulator_bank");
        assertThat(byRule.at("/routing/excluded")).anySatisfy(e ->
                assertThat(e.get("reason").asText()).isEqualTo("not allowed by rule simulator-bank-to-paystack"));
        assertThat(byRule.get("provider").asText()).isEqualTo("paystack");

        JsonNode byMerchant = postCharge(cardBody("4242424242424242", 5_000_000, Map.of())).json();
        assertThat(byMerchant.at("/routing/strategy").asText()).isEqualTo("priority");
        assertThat(byMerchant.get("provider").asText()).as("stripe first, though dearer").isEqualTo("stripe");

        writeRules("version: api-2\nmerchants:\n  merchant_default: {strategy: priority}\n");
        Thread.sleep(1_000);
        assertThat(rules.version()).as("the bad version is refused").isEqualTo("api-1");
        JsonNode still = postCharge(cardBody("4242424242424242", 5_000_000, Map.of())).json();
        assertThat(still.at("/routing/rules_version").asText()).isEqualTo("api-1");
        assertThat(get("/actuator/prometheus").text())
                .containsPattern("payroute_routing_rules_reloads_total\\{[^}]*result=\"rejected\"[^}]*} [1-9]");
    }

    @Test
    void aMerchantsOwnObjectiveScoresItsCharges() throws Exception {
        writeRules("""
                version: api-objective
                merchants:
                  merchant_default: {objective: {success_value_percent: 40, latency_cost_percent_per_second: 0}}
                """);
        awaitVersion("api-objective");

        JsonNode charge = postCharge(cardBody("4242424242424242", 5_000_000, Map.of())).json();

        assertThat(charge.at("/routing/strategy").asText()).isEqualTo("smart");
        assertThat(charge.at("/routing/objective/success_value_percent").asDouble()).isEqualTo(40);
        assertThat(charge.at("/routing/objective/latency_cost_percent_per_second").asDouble()).isZero();
        assertThat(charge.at("/routing/objective/latency_threshold_ms").asLong()).as("the configured one").isEqualTo(1_000);
        for (JsonNode candidate : charge.at("/routing/candidates")) {
            // what a success is worth here is 40 % of the amount; within the success rate's four decimals
            assertThat(candidate.get("expected_value").asLong()).isCloseTo(
                    Math.round(candidate.get("success_rate").asDouble() * (2_000_000 - candidate.get("fee").asLong())), within(250L));
        }
    }

    @Test
    void outcomesArePublishedForOtherInstancesAndTheirsAreLearnt() throws Exception {
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer subscriber = session.createConsumer(session.createTopic(outcomesAddress))) {
            connection.start();
            postCharge(chargeBody(500_000, "NGN", Map.of("paystack", "AUTH_success")));

            TextMessage published = (TextMessage) subscriber.receive(5_000);
            assertThat(published).as("this instance's outcome, published").isNotNull();
            JsonNode batch = JSON.readTree(published.getText());
            assertThat(batch.at("/outcomes/0/provider").asText()).isEqualTo("paystack");
            assertThat(batch.at("/outcomes/0/success").asBoolean()).isTrue();
            assertThat(batch.at("/outcomes/0/dimensions/method").asText()).isEqualTo("tokens");
        }

        // another instance saw paystack fail 40 times on NGN tokens: this one scores paystack down
        String failures = JSON.writeValueAsString(new RoutingOutcomes.Batch("another-instance",
                java.util.Collections.nCopies(40, new RoutingOutcomes.Outcome("paystack",
                        new Dimensions("tokens", "NGN", null, null, "500000-4999999"), false, 800))));
        JmsTemplate jms = new JmsTemplate(connectionFactory);
        jms.setPubSubDomain(true);
        jms.send(outcomesAddress, s -> s.createTextMessage(failures));

        JsonNode charge = null;
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
            charge = postCharge(chargeBody(500_000, "NGN", Map.of("paystack", "AUTH_success", "stripe", "pm_card_success"))).json();
            if (charge.at("/routing/candidates/0/provider").asText().equals("stripe")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(charge.at("/routing/candidates/0/provider").asText()).isEqualTo("stripe");
        JsonNode paystack = charge.at("/routing/candidates/1");
        // 40 outcomes, each kept at 0.99 per newer one (windows of 200): 33 outcomes' worth of evidence
        assertThat(paystack.get("success_rate_samples").asInt()).isGreaterThanOrEqualTo(33);
        assertThat(paystack.get("success_rate").asDouble()).isLessThan(0.3);
        assertThat(get("/actuator/prometheus").text())
                .containsPattern("payroute_routing_shared_outcomes_total\\{[^}]*direction=\"received\"[^}]*} [1-9]")
                .containsPattern("payroute_routing_picks_total\\{[^}]*exploration=\"false\"");
    }

    /**
     * A starting instance (a restart, or one added beside the others) learns the last window's outcomes of every
     * instance from the database before it routes: here, charges of a bank only this test uses, where paystack
     * failed 30 times and stripe succeeded 30 times, and 30 customer declines at paystack that say nothing about it.
     */
    @Test
    void aStartingInstanceLearnsTheRecentOutcomesOfEveryInstanceFromTheDatabase() throws Exception {
        Dimensions bank = new Dimensions("card", "NGN", "visa", "warm-start-bank-" + System.nanoTime(), "500000-4999999");
        Instant now = Instant.now();
        for (int i = 0; i < 30; i++) {
            routedAttempt(Ids.charge(), bank, "paystack", "DECLINED", "issuer", now.minusSeconds(90 - i));
            routedAttempt(Ids.charge(), bank, "stripe", "SUCCESS", null, now.minusSeconds(90 - i));
            routedAttempt(Ids.charge(), bank, "paystack", "DECLINED", "customer", now.minusSeconds(60 - i));
        }

        ProviderHealth starting = new ProviderHealth(routingProperties, Clock.systemUTC());
        int learnt = new RoutingWarmStart(chargeRepository, starting, JSON, Clock.systemUTC(), routingProperties)
                .warmUp();

        assertThat(learnt).as("every instance's recent outcomes, customer declines left out").isGreaterThanOrEqualTo(60);
        String[] keys = starting.keys(bank);
        ProviderHealth.Estimate paystack = starting.estimate("paystack", keys);
        ProviderHealth.Estimate stripe = starting.estimate("stripe", keys);
        assertThat(paystack.dimension()).as("judged on this bank's own outcomes").isEqualTo(keys[0]);
        assertThat(paystack.samples()).as("30 failures, faded by their order and age only").isBetween(20.0, 30.0);
        assertThat(paystack.successRate()).isLessThan(0.4);
        assertThat(stripe.samples()).isBetween(20.0, 30.0);
        assertThat(stripe.successRate()).isGreaterThan(0.9);
    }

    /** A finished attempt of a charge routed with {@code dimensions}, as any instance writes it. */
    private void routedAttempt(String chargeId, Dimensions dimensions, String provider, String outcome, String category,
                               Instant finishedAt) throws Exception {
        String routing = JSON.writeValueAsString(Map.of("strategy", "smart", "dimensions", dimensions));
        jdbc.update("""
                INSERT INTO charges (id, merchant_id, status, amount, currency, customer, payment_method, rounds,
                                     created_at, updated_at, routing, provider)
                VALUES (?, 'merchant_warm_start', ?, 500000, 'NGN', '{}', '{"type":"card"}', 1, ?, ?, ?, ?)""",
                chargeId, "SUCCESS".equals(outcome) ? "succeeded" : "failed", Timestamp.from(finishedAt),
                Timestamp.from(finishedAt), routing, provider);
        jdbc.update("""
                INSERT INTO charge_attempts (charge_id, merchant_id, seq, provider, attempt_reference, outcome, category,
                                             latency_ms, started_at, finished_at)
                VALUES (?, 'merchant_warm_start', 1, ?, ?, ?, ?, 300, ?, ?)""",
                chargeId, provider, Ids.attemptReference(chargeId, 1), outcome, category,
                Timestamp.from(finishedAt.minusMillis(300)), Timestamp.from(finishedAt));
    }

    private void writeRules(String yaml) throws Exception {
        Files.createDirectories(RULES.getParent());
        Files.writeString(RULES, yaml);
    }

    private void awaitVersion(String version) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (!rules.version().equals(version) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(rules.version()).isEqualTo(version);
    }

    private static String cardBody(String number, long amount, Map<String, String> metadata) {
        try {
            return """
                    {"amount": %d, "currency": "NGN", "reference": "order-%d",
                     "customer": {"email": "ada@example.com"},
                     "payment_method": {"type": "card", "number": "%s", "exp_month": 12, "exp_year": 2031, "cvc": "123"},
                     "metadata": %s}""".formatted(amount, System.nanoTime(), number, JSON.writeValueAsString(metadata));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
