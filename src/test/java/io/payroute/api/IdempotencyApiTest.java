package io.payroute.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.payroute.simulator.Behaviour;
import io.payroute.support.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Stripe-grade idempotency: replay, mismatch, in-flight collision, concurrency with one key. */
class IdempotencyApiTest extends ApiTestSupport {

    @Autowired
    private ChargeRequestParser parser;

    private static String key() {
        return "key-" + UUID.randomUUID();
    }

    @Test
    void sameKeyAndBodyReplaysTheStoredResponse() {
        String key = key();
        String body = chargeBody(7_000, "NGN", Map.of("paystack", "AUTH_success"));

        Response first = postCharge(body, key);
        Response second = postCharge(body, key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.json()).isEqualTo(first.json());
        assertThat(simulators.ledger("paystack")).hasSize(1);
        assertThat(countRows("charges WHERE id = '" + first.json().get("id").asText() + "'")).isEqualTo(1);
    }

    @Test
    void sameKeyWithFieldOrderChangedIsStillTheSameRequest() {
        String key = key();
        Response first = postCharge("""
                {"amount": 100, "currency": "NGN", "customer": {"email": "a@b.co"},
                 "payment_method": {"type": "tokens", "tokens": {"paystack": "AUTH_success"}}}""", key);
        Response again = postCharge("""
                {"payment_method": {"tokens": {"paystack": "AUTH_success"}, "type": "tokens"},
                 "customer": {"email": "a@b.co"}, "currency": "NGN", "amount": 100}""", key);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
    }

    @Test
    void sameKeyWithAnotherBodyIs422AndChangesNothing() {
        String key = key();
        postCharge(chargeBody(7_000, "NGN", Map.of("paystack", "AUTH_success")), key);
        int charges = countRows("charges");

        Response reused = postCharge(chargeBody(7_001, "NGN", Map.of("paystack", "AUTH_success")), key);

        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(reused.json().get("code").asText()).isEqualTo("idempotency_key_reused");
        assertThat(reused.json().at("/errors/0/field").asText()).isEqualTo("Idempotency-Key");
        assertThat(countRows("charges")).isEqualTo(charges);
        assertThat(simulators.ledger("paystack")).hasSize(1);
    }

    @Test
    void requestCollidingWithOneInFlightIs409() throws Exception {
        simulators.setBehaviour("paystack", Behaviour.defaults().withLatency(800, 0));
        String key = key();
        String body = chargeBody(9_000, "NGN", Map.of("paystack", "AUTH_success"));

        CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> postCharge(body, key));
        Thread.sleep(300);
        Response collision = postCharge(body, key);

        assertThat(collision.status()).isEqualTo(409);
        assertThat(collision.json().get("code").asText()).isEqualTo("idempotency_key_in_use");
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(201);
        // the collision did not release the owner's key: a retry now replays
        assertThat(postCharge(body, key).header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(simulators.ledger("paystack")).hasSize(1);
    }

    @Test
    void twentyConcurrentRequestsWithOneKeyChargeExactlyOnce() throws Exception {
        simulators.setBehaviour("paystack", Behaviour.defaults().withLatency(200, 0));
        String key = key();
        String body = chargeBody(11_000, "NGN", Map.of("paystack", "AUTH_success", "stripe", "pm_card_success",
                "flutterwave", "flw-t1nf-success"));
        List<Response> all = concurrently(20, i -> postCharge(body, key));

        assertThat(all).allSatisfy(r -> assertThat(r.status()).isIn(201, 409));
        assertThat(all).filteredOn(r -> r.status() == 201).isNotEmpty()
                .extracting(r -> r.json().get("id").asText()).containsOnly(
                        all.stream().filter(r -> r.status() == 201).findFirst().orElseThrow().json().get("id").asText());
        assertThat(simulators.allLedgers()).as("one provider charge across all simulators").hasSize(1);
        assertThat(countRows("idempotency_keys WHERE idempotency_key = '" + key + "'")).isEqualTo(1);
    }

    @Test
    void keyLeftBehindByACrashBeforeAnyChargeIsReleasedAfterItsLease() {
        // the state a crash between taking the key and creating the charge leaves behind
        String key = key();
        String body = chargeBody(12_000, "NGN", Map.of("paystack", "AUTH_success"));
        String fingerprint = RequestFingerprint.of(parser.parse("application/json", body.getBytes(StandardCharsets.UTF_8), "merchant_default"));
        Instant lockedAt = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MICROS);
        jdbc.update("""
                INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_hash, locked_at, expires_at)
                VALUES ('merchant_default', ?, ?, ?, ?)""",
                key, fingerprint, Timestamp.from(lockedAt), Timestamp.from(lockedAt.plus(Duration.ofHours(24))));

        Response first = postCharge(body, key);
        assertThat(first.status()).isEqualTo(409);
        assertThat(simulators.allLedgers()).isEmpty();

        Response retry = postCharge(body, key);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(simulators.allLedgers()).hasSize(1);
    }

    @Test
    void invalidKeyIsRejected() {
        Response r = postCharge(chargeBody(100, "NGN", Map.of("paystack", "AUTH_success")), "x".repeat(256));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/errors/0/field").asText()).isEqualTo("Idempotency-Key");
    }

    @Test
    void invalidRequestDoesNotConsumeTheKey() {
        String key = key();
        Response bad = postCharge("{\"amount\": -1}", key);
        assertThat(bad.status()).isEqualTo(400);
        Response good = postCharge(chargeBody(100, "NGN", Map.of("paystack", "AUTH_success")), key);
        assertThat(good.status()).isEqualTo(201);
        assertThat(good.header("Idempotent-Replayed")).isNull();
    }
}
