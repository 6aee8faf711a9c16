package io.payroute.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.payroute.simulator.LedgerEntry;
import io.payroute.simulator.Mode;
import io.payroute.support.ApiTestSupport;
import org.junit.jupiter.api.Test;

/**
 * Failover only when provably safe. With fresh routing history the router ranks by fee, so for NGN
 * flutterwave (1.4%) comes before stripe (2.9% + 30) and paystack (1.5% + 100 NGN); the tests below rely on
 * flutterwave being tried first and check that it was.
 */
class FailoverApiTest extends ApiTestSupport {

    private static final Map<String, String> FLUTTERWAVE_THEN_PAYSTACK =
            Map.of("flutterwave", "flw-t1nf-success", "paystack", "AUTH_success");

    @Test
    void connectionRefusedFailsOverToTheNextProvider() {
        simulators.setMode("flutterwave", Mode.REFUSE);

        JsonNode charge = postCharge(chargeBody(500_000, "NGN", FLUTTERWAVE_THEN_PAYSTACK)).json();

        assertThat(charge.get("status").asText()).isEqualTo("succeeded");
        assertThat(charge.get("provider").asText()).isEqualTo("paystack");
        assertThat(charge.at("/attempts/0/provider").asText()).isEqualTo("flutterwave");
        assertThat(charge.at("/attempts/0/outcome").asText()).isEqualTo("NOT_CHARGED");
        assertThat(charge.at("/attempts/0/code").asText()).isEqualTo("connection_refused");
        assertThat(charge.at("/attempts/1/outcome").asText()).isEqualTo("SUCCESS");
        assertThat(charge.at("/routing/failovers/0/from").asText()).isEqualTo("flutterwave");
        assertThat(ledgerEntriesFor(charge.get("id").asText())).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(LedgerEntry.SUCCEEDED));
    }

    @Test
    void serviceUnavailableAndRateLimitFailOver() {
        simulators.setMode("flutterwave", Mode.UNAVAILABLE);
        JsonNode unavailable = postCharge(chargeBody(500_000, "NGN", FLUTTERWAVE_THEN_PAYSTACK)).json();
        assertThat(unavailable.at("/attempts/0/code").asText()).isEqualTo("provider_unavailable");
        assertThat(unavailable.at("/attempts/0/http_status").asInt()).isEqualTo(503);
        assertThat(unavailable.get("provider").asText()).isEqualTo("paystack");
        // one request reached flutterwave: no hidden HTTP-level retry of the POST behind the router's back
        assertThat(unavailable.at("/attempts/0/latency_ms").asInt()).isLessThan(900);

        simulators.setMode("flutterwave", Mode.NORMAL);
        health().reset();
        JsonNode limited = postCharge(chargeBody(500_000, "NGN",
                Map.of("flutterwave", "flw-t1nf-ratelimited", "paystack", "AUTH_success"))).json();
        assertThat(limited.at("/attempts/0/code").asText()).isEqualTo("rate_limited");
        assertThat(limited.get("status").asText()).isEqualTo("succeeded");
        assertThat(limited.get("provider").asText()).isEqualTo("paystack");
    }

    @Test
    void outageOpensTheCircuitAndOpenProvidersAreSkippedWithoutACall() {
        simulators.setMode("paystack", Mode.REFUSE);
        // only paystack is eligible: each charge fails as not charged, and the breaker counts the failures
        for (int i = 0; i < 4; i++) {
            JsonNode failed = postCharge(chargeBody(1_000, "NGN", Map.of("paystack", "AUTH_success"))).json();
            assertThat(failed.get("status").asText()).isEqualTo("failed");
            assertThat(failed.at("/failure/code").asText()).isEqualTo("providers_unavailable");
        }
        JsonNode skipped = postCharge(chargeBody(1_000, "NGN", Map.of("paystack", "AUTH_success"))).json();
        assertThat(skipped.at("/routing/candidates/0/circuit").asText()).isEqualTo("OPEN");
        assertThat(skipped.get("attempts")).as("no call to an open circuit").isEmpty();
        assertThat(skipped.at("/routing/failovers/0/reason").asText()).isEqualTo("circuit_open");

        // another provider still takes the money while paystack's circuit is open
        JsonNode rescued = postCharge(chargeBody(1_000, "NGN", Map.of("paystack", "AUTH_success", "stripe", "pm_card_success"))).json();
        assertThat(rescued.get("status").asText()).isEqualTo("succeeded");
        assertThat(rescued.get("provider").asText()).isEqualTo("stripe");
        assertThat(simulators.ledger("paystack")).isEmpty();
    }

    @Test
    void timeoutIsResolvedByStatusQueryAndNeverChargedTwice() {
        // flutterwave records the charge, then answers only after 3 s; PayRoute gives up after 1 s
        JsonNode charge = postCharge(chargeBody(500_000, "NGN",
                Map.of("flutterwave", "flw-t1nf-timeout", "paystack", "AUTH_success"))).json();

        assertThat(charge.get("attempts")).as("no failover after a timeout").hasSize(1);
        assertThat(charge.at("/attempts/0/provider").asText()).isEqualTo("flutterwave");
        assertThat(charge.at("/attempts/0/resolved_from/code").asText()).isEqualTo("timeout");
        assertThat(charge.get("status").asText()).isEqualTo("succeeded");
        assertThat(simulators.ledger("paystack")).isEmpty();
        assertThat(ledgerEntriesFor(charge.get("id").asText())).hasSize(1);
    }

    @Test
    void hangingProviderLeavesChargePendingAndUntouchedElsewhere() {
        simulators.setMode("flutterwave", Mode.HANG);

        JsonNode charge = postCharge(chargeBody(500_000, "NGN", FLUTTERWAVE_THEN_PAYSTACK)).json();

        // sent but unanswered: the outcome is UNKNOWN, the status query cannot tell, so pending — never paystack
        assertThat(charge.get("status").asText()).isEqualTo("pending");
        assertThat(charge.get("attempts")).hasSize(1);
        assertThat(charge.at("/attempts/0/outcome").asText()).isEqualTo("UNKNOWN");
        assertThat(charge.at("/attempts/0/code").asText()).isEqualTo("timeout");
        assertThat(simulators.ledger("paystack")).isEmpty();
        assertThat(jdbc.queryForList("SELECT type FROM charge_events WHERE charge_id = ?", String.class,
                charge.get("id").asText())).containsExactly("charge.created");
    }

    /**
     * A provider that stops answering is routed around as soon as a call of its has waited beyond stalled-after
     * (400 ms in the test profile), not only once its calls have timed out (1 s) and opened its breaker: the charges
     * of the meantime go to the next provider and succeed, instead of waiting to be answered pending.
     */
    @Test
    void aProviderThatStopsAnsweringIsRoutedAroundBeforeItsCallsTimeOut() throws Exception {
        JsonNode before = postCharge(chargeBody(500_000, "NGN", FLUTTERWAVE_THEN_PAYSTACK)).json();
        assertThat(before.at("/routing/candidates/0/provider").asText()).isEqualTo("flutterwave");
        assertThat(before.at("/routing/candidates/0/stalled").asBoolean()).isFalse();

        simulators.setMode("flutterwave", Mode.HANG);
        CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(
                () -> postCharge(chargeBody(500_000, "NGN", Map.of("flutterwave", "flw-t1nf-success"))));
        Thread.sleep(750);
        JsonNode next = postCharge(chargeBody(500_000, "NGN", FLUTTERWAVE_THEN_PAYSTACK)).json();

        assertThat(next.at("/routing/candidates/0/provider").asText()).as(next.get("routing").toString()).isEqualTo("paystack");
        assertThat(next.at("/routing/candidates/1/provider").asText()).isEqualTo("flutterwave");
        assertThat(next.at("/routing/candidates/1/stalled").asBoolean()).isTrue();
        assertThat(next.at("/routing/candidates/1/circuit").asText()).as("its breaker has not seen it yet").isEqualTo("CLOSED");
        assertThat(next.get("status").asText()).isEqualTo("succeeded");
        assertThat(next.get("attempts")).hasSize(1);
        assertThat(next.at("/attempts/0/provider").asText()).isEqualTo("paystack");
        assertThat(waiting.get(15, TimeUnit.SECONDS).json().get("status").asText())
                .as("the call that stalled is still never failed over").isEqualTo("pending");
    }

    @Test
    void serverErrorAfterSendingIsUnknownNotFailover() {
        JsonNode charge = postCharge(chargeBody(500_000, "NGN",
                Map.of("flutterwave", "flw-t1nf-error", "paystack", "AUTH_success"))).json();

        assertThat(charge.at("/attempts/0/outcome").asText()).isEqualTo("UNKNOWN");
        assertThat(charge.at("/attempts/0/code").asText()).isEqualTo("provider_error");
        assertThat(charge.get("attempts")).hasSize(1);
        assertThat(charge.get("status").asText()).isEqualTo("pending");
        assertThat(simulators.ledger("paystack")).isEmpty();
    }
}
