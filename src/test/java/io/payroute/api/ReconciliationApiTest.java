package io.payroute.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import io.payroute.charge.ChargeRepository.DueAttempt;
import io.payroute.charge.Ids;
import io.payroute.reconciliation.Reconciliation;
import io.payroute.simulator.LedgerEntry;
import io.payroute.simulator.Mode;
import io.payroute.support.ApiTestSupport;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Reconciliation of attempts whose outcome PayRoute does not know, against the real simulators. The test profile
 * checks again at once (schedule 0s) and gives up after 5 s; reconciliation runs when a test sends to
 * direct:reconcile, as the timer does in service.
 */
class ReconciliationApiTest extends ApiTestSupport {

    @Autowired
    private ProducerTemplate camel;
    @Autowired
    private Reconciliation reconciliation;

    private void reconcile() {
        camel.sendBody("direct:reconcile", null);
    }

    private JsonNode charge(String id) {
        return get("/v1/charges/" + id).json();
    }

    private List<String> events(String chargeId) {
        return jdbc.queryForList("SELECT type FROM charge_events WHERE charge_id = ? ORDER BY id", String.class, chargeId);
    }

    @Test
    void pendingChargeSettlesWhenTheProviderCompletesIt() {
        JsonNode pending = postCharge(chargeBody(4_000, "NGN", Map.of("paystack", "AUTH_pending"))).json();
        String id = pending.get("id").asText();
        assertThat(pending.get("status").asText()).isEqualTo("pending");

        reconcile();
        assertThat(charge(id).get("status").asText()).as("still pending at the provider").isEqualTo("pending");

        simulators.settle("paystack", pending.at("/attempts/0/reference").asText(), true);
        reconcile();

        JsonNode settled = charge(id);
        assertThat(settled.get("status").asText()).isEqualTo("succeeded");
        assertThat(settled.at("/attempts/0/outcome").asText()).isEqualTo("SUCCESS");
        assertThat(settled.at("/attempts/0/resolved_from/outcome").asText()).isEqualTo("PENDING");
        assertThat(events(id)).containsExactly("charge.created", "charge.succeeded");
        assertThat(ledgerEntriesFor(id)).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(LedgerEntry.SUCCEEDED));

        reconcile();
        assertThat(events(id)).as("a settled attempt is not checked again").hasSize(2);
    }

    @Test
    void pendingChargeThatTheProviderFailsIsFailed() {
        JsonNode pending = postCharge(chargeBody(4_500, "NGN", Map.of("flutterwave", "flw-t1nf-pending"))).json();
        simulators.settle("flutterwave", pending.at("/attempts/0/reference").asText(), false);

        reconcile();

        JsonNode failed = charge(pending.get("id").asText());
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/failure/code").asText()).isEqualTo("generic_decline");
    }

    @Test
    void unknownOutcomeWithoutAnyRecordFailsOnlyAfterGivingUp() throws Exception {
        simulators.setMode("flutterwave", Mode.HANG);
        JsonNode unknown = postCharge(chargeBody(5_000, "NGN", Map.of("flutterwave", "flw-t1nf-success"))).json();
        String id = unknown.get("id").asText();
        assertThat(unknown.get("status").asText()).isEqualTo("pending");
        simulators.setMode("flutterwave", Mode.NORMAL);

        reconcile();
        assertThat(charge(id).get("status").asText()).as("not found yet proves nothing").isEqualTo("pending");

        Instant giveUp = Instant.parse(unknown.get("created_at").asText()).plusMillis(5_200);
        Thread.sleep(Math.max(0, giveUp.toEpochMilli() - System.currentTimeMillis()));
        reconcile();

        JsonNode failed = charge(id);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/failure/code").asText()).isEqualTo("not_found_at_provider");
        assertThat(failed.at("/attempts/0/outcome").asText()).isEqualTo("NOT_CHARGED");
        assertThat(failed.at("/attempts/0/resolved_from/code").asText()).isEqualTo("timeout");
        assertThat(simulators.allLedgers()).isEmpty();
    }

    @Test
    void attemptInterruptedByACrashIsFoundAtTheProvider() {
        // the state a crash leaves: charge pending, attempt written but never completed, provider charged
        String id = Ids.charge();
        String reference = Ids.attemptReference(id, 1);
        Instant started = Instant.now().minusSeconds(120);
        jdbc.update("""
                INSERT INTO charges (id, merchant_id, status, amount, currency, customer, payment_method, created_at, updated_at)
                VALUES (?, 'merchant_default', 'pending', 6000, 'NGN', '{"email":"a@b.co"}', '{"type":"tokens","providers":["paystack"]}', ?, ?)""",
                id, Timestamp.from(started), Timestamp.from(started));
        jdbc.update("""
                INSERT INTO charge_attempts (charge_id, seq, provider, attempt_reference, started_at, next_check_at)
                VALUES (?, 1, 'paystack', ?, ?, ?)""",
                id, reference, Timestamp.from(started), Timestamp.from(started.plusSeconds(60)));
        Response atProvider = send(HttpRequest.newBuilder(simulators.baseUrl("paystack").resolve("/transaction/charge_authorization"))
                .header("Authorization", "Bearer sk_test_payroute_sim_paystack").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"email": "a@b.co", "amount": 6000, "currency": "NGN", "authorization_code": "AUTH_success",
                         "reference": "%s", "metadata": {"payroute_charge_id": "%s"}}""".formatted(reference, id)))
                .build());
        assertThat(atProvider.status()).isEqualTo(200);

        reconcile();

        JsonNode recovered = charge(id);
        assertThat(recovered.get("status").asText()).isEqualTo("succeeded");
        assertThat(recovered.get("provider").asText()).isEqualTo("paystack");
        assertThat(recovered.at("/attempts/0/resolved_from/code").asText()).isEqualTo("interrupted");
        assertThat(events(id)).containsExactly("charge.succeeded");
        assertThat(ledgerEntriesFor(id)).hasSize(1);
    }

    @Test
    void anAttemptIsClaimedByOneReconcilerOnly() throws Exception {
        simulators.setMode("flutterwave", Mode.HANG);
        String id = postCharge(chargeBody(5_500, "NGN", Map.of("flutterwave", "flw-t1nf-success"))).json().get("id").asText();
        simulators.setMode("flutterwave", Mode.NORMAL);

        List<CompletableFuture<List<DueAttempt>>> racers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            racers.add(CompletableFuture.supplyAsync(reconciliation::claimDue));
        }
        long claims = 0;
        for (CompletableFuture<List<DueAttempt>> r : racers) {
            claims += r.get().stream().filter(d -> d.chargeId().equals(id)).count();
        }
        assertThat(claims).isEqualTo(1);
    }

    /**
     * What an instance killed mid-round leaves behind (its round's lease run out, nothing scheduled): a charge
     * opened but never sent anywhere, and one whose provider took the money just before the crash.
     */
    @Test
    void chargesAStoppedInstanceLeftMidRoundAreSettledFromTheirAttempts() {
        Instant expired = Instant.now().minusSeconds(5);
        String neverSent = abandonedCharge(expired);
        String taken = abandonedCharge(expired);
        jdbc.update("""
                INSERT INTO charge_attempts (charge_id, seq, provider, attempt_reference, outcome, status, provider_reference,
                                             started_at, finished_at)
                VALUES (?, 1, 'paystack', ?, 'SUCCESS', 'succeeded', 'PSK-1', ?, ?)""",
                taken, Ids.attemptReference(taken, 1), Timestamp.from(expired), Timestamp.from(expired));
        String stillRunning = abandonedCharge(Instant.now().plusSeconds(60));

        reconcile();

        JsonNode interrupted = charge(neverSent);
        assertThat(interrupted.get("status").asText()).isEqualTo("failed");
        assertThat(interrupted.at("/failure/code").asText()).isEqualTo("processing_interrupted");
        assertThat(events(neverSent)).containsExactly("charge.failed");
        JsonNode succeeded = charge(taken);
        assertThat(succeeded.get("status").asText()).isEqualTo("succeeded");
        assertThat(succeeded.get("provider_reference").asText()).isEqualTo("PSK-1");
        assertThat(charge(stillRunning).get("status").asText()).as("a live lease is left alone").isEqualTo("pending");
    }

    private String abandonedCharge(Instant leaseUntil) {
        String id = Ids.charge();
        jdbc.update("""
                INSERT INTO charges (id, merchant_id, status, amount, currency, customer, payment_method, rounds,
                                     round_claimed_until, created_at, updated_at)
                VALUES (?, 'merchant_default', 'pending', 1000, 'NGN', '{}', '{"type":"tokens"}', 1, ?, ?, ?)""",
                id, Timestamp.from(leaseUntil), Timestamp.from(Instant.now()), Timestamp.from(Instant.now()));
        return id;
    }
}
