package io.payroute.simulator;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModesAndLatencyTest extends SimulatorTestSupport {

    static HttpRequest paystackCharge(String token) {
        return request(sims.baseUrl("paystack"), "/transaction/charge_authorization", PAYSTACK_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@b.c\",\"amount\":100,\"authorization_code\":\"" + token
                        + "\",\"reference\":\"" + ref() + "\"}"))
                .build();
    }

    @Test
    void latencyIsScheduledNotSlept() throws Exception {
        sims.setBehaviour("paystack", testBehaviour().withLatency(200, 0));
        int n = 50;
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(HTTP.sendAsync(paystackCharge("AUTH_success"), HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        for (CompletableFuture<HttpResponse<String>> f : all) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
        assertThat(elapsed).isGreaterThanOrEqualTo(200).isLessThan(2500); // sequential would be 50 x 200 ms = 10 s
        assertThat(sims.ledger("paystack")).hasSize(n);
    }

    @Test
    void latencyAppliesToEveryResponseIncludingErrors() {
        sims.setBehaviour("stripe", testBehaviour().withLatency(150, 50));
        long start = System.nanoTime();
        Resp r = get(sims.baseUrl("stripe"), "/v1/payment_intents/pi_nope", STRIPE_KEY);
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(r.status()).isEqualTo(404);
        assertThat(elapsed).isBetween(140L, 1500L);
    }

    @Test
    void refuseClosesTheListenerAndNormalReopensTheSamePort() {
        URI before = sims.baseUrl("paystack");
        sims.setMode("paystack", Mode.REFUSE);
        assertThatThrownBy(() -> HTTP.send(paystackCharge("AUTH_success"), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
        // the other providers keep running
        assertThat(get(sims.baseUrl("stripe"), "/v1/payment_intents/pi_nope", STRIPE_KEY).status()).isEqualTo(404);

        sims.setMode("paystack", Mode.NORMAL);
        assertThat(sims.baseUrl("paystack")).isEqualTo(before);
        assertThat(send(paystackCharge("AUTH_success")).status()).isEqualTo(200);
        assertThat(sims.ledger("paystack")).hasSize(1);
    }

    @Test
    void unavailableAnswers503ToEverything() {
        sims.setMode("flutterwave", Mode.UNAVAILABLE);
        URI fw = sims.baseUrl("flutterwave");
        Resp charge = postJson(fw, "/v3/tokenized-charges", FLUTTERWAVE_KEY, "{\"token\":\"tok_success\"}");
        assertThat(charge.status()).isEqualTo(503);
        assertThat(charge.json().get("status").asText()).isEqualTo("error");
        assertThat(get(fw, "/v3/transactions/1/verify", FLUTTERWAVE_KEY).status()).isEqualTo(503);
        assertThat(sims.ledger("flutterwave")).isEmpty();
        sims.setMode("flutterwave", Mode.NORMAL);
        assertThat(get(fw, "/v3/transactions/1/verify", FLUTTERWAVE_KEY).status()).isEqualTo(400);
    }

    @Test
    void hangNeverAnswersUntilTheModeChanges() throws Exception {
        sims.setMode("stripe", Mode.HANG);
        HttpRequest req = request(sims.baseUrl("stripe"), "/v1/payment_intents/pi_x", STRIPE_KEY)
                .timeout(Duration.ofMillis(300)).GET().build();
        assertThatThrownBy(() -> HTTP.send(req, HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);

        // a parked request is released (with a 503) when the drill ends
        CompletableFuture<HttpResponse<String>> parked = HTTP.sendAsync(
                request(sims.baseUrl("stripe"), "/v1/payment_intents/pi_x", STRIPE_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(200);
        assertThat(parked).isNotDone();
        sims.setMode("stripe", Mode.NORMAL);
        assertThat(parked.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
        assertThat(get(sims.baseUrl("stripe"), "/v1/payment_intents/pi_x", STRIPE_KEY).status()).isEqualTo(404);
    }

    @Test
    void statisticalDeclinesAndErrors() {
        sims.setBehaviour("paystack", testBehaviour().withRates(1.0, 0.0));
        Resp declined = send(paystackCharge("AUTH_plain"));
        assertThat(declined.json().at("/data/status").asText()).isEqualTo("failed");
        assertThat(declined.json().at("/data/gateway_response").asText()).isEqualTo("Declined");
        // markers are not statistical
        assertThat(send(paystackCharge("AUTH_success")).json().at("/data/status").asText()).isEqualTo("success");

        sims.setBehaviour("paystack", testBehaviour().withRates(0.0, 1.0));
        assertThat(send(paystackCharge("AUTH_plain")).status()).isEqualTo(503);
        assertThat(sims.ledger("paystack")).extracting(LedgerEntry::status).containsExactly("failed", "succeeded");
    }

    @Test
    void closeReleasesThePorts() throws Exception {
        Simulators other = Simulators.start(SimulatorSettings.ephemeral());
        URI url = other.baseUrl("stripe");
        other.close();
        ExecutionException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> HTTP.sendAsync(request(url, "/v1/payment_intents/x", STRIPE_KEY).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).get(5, TimeUnit.SECONDS), ExecutionException.class);
        assertThat(e.getCause()).isInstanceOf(ConnectException.class);
    }
}
