package io.payroute.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.payroute.analytics.Rollup;
import io.payroute.api.ChargeRequestParser;
import io.payroute.api.RequestFingerprint;
import io.payroute.charge.Attempt;
import io.payroute.charge.AttemptResult;
import io.payroute.charge.AttemptTakenOverException;
import io.payroute.charge.ChargeContext;
import io.payroute.charge.ChargeRepository;
import io.payroute.charge.ChargeRequest;
import io.payroute.charge.ChargeService;
import io.payroute.charge.ChargeStatus;
import io.payroute.charge.Ids;
import io.payroute.idempotency.JdbcIdempotencyRepository;
import io.payroute.reconciliation.Reconciliation;
import io.payroute.reconciliation.ReconciliationSchedule;
import io.payroute.routing.ProviderRouter;
import io.payroute.secrets.Sealer;
import io.payroute.simulator.Mode;
import io.payroute.support.ApiTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A worker killed between taking a round of an asynchronous charge and writing its first attempt leaves the
 * charge pending, its round leased, nothing at any provider; the work message it was processing comes back from
 * the broker when the service restarts, usually before the lease has run out. Found by bench/drills/crash-drill.sh:
 * that message was acknowledged as "taken elsewhere", and nothing resumed the charge. Then found by
 * bench/drills/cluster-drills.sh: rolled back for a redelivery instead, such a message was dead-lettered when the
 * dead instance's closing consumers had used up its deliveries, and its charge failed untried.
 */
class CrashedRoundApiTest extends ApiTestSupport {

    private static final String MERCHANT = "merchant_default";

    @Autowired
    private ChargeWork work;
    @Autowired
    private ChargeRepository repository;
    @Autowired
    private ChargeRequestParser parser;
    @Autowired
    private CamelContext camel;
    @Autowired
    private ProducerTemplate producer;
    @Autowired
    private ChargeService charges;
    @Autowired
    private Reconciliation reconciliation;
    @Autowired
    private Sealer sealer;
    @Autowired
    private RetryPolicy retries;
    @Autowired
    private Rollup rollup;
    @Autowired
    private WorkMessages workMessages;
    @Autowired
    private TransactionTemplate tx;
    @Autowired
    private ReconciliationSchedule schedule;

    @Test
    void aMessageForARoundADeadConsumerStillHoldsHandsItToAFreshMessageDueWhenTheLeaseRunsOut() {
        byte[] body = chargeBody(45_000, "NGN", Map.of("paystack", "AUTH_success")).getBytes(StandardCharsets.UTF_8);
        ChargeRequest request = parser.parse("application/json", body, MERCHANT);
        Instant leaseUntil = Instant.now().plusSeconds(2);
        String id = crashedCharge(request, leaseUntil);

        // acknowledging the message with nothing after it would leave the charge pending: nothing else resumes it;
        // rolling it back could dead-letter it (its deliveries used up as the dead instance's consumers closed)
        assertThat(work.takeRound(new DefaultExchange(camel), id, 1, request, body, null)).isEqualTo(ChargeWork.Round.DEFERRED);
        assertThat(repository.findAttempts(id)).as("nothing tried while the lease lasts").isEmpty();

        // the broker holds the deferred work message until the lease has run out; the service's consumer then runs it
        JsonNode charge = awaitCharge(id, 15_000, c -> "succeeded".equals(c.path("status").asText()));
        assertThat(charge.path("attempts")).hasSize(1);
        assertThat(Instant.parse(charge.path("attempts").get(0).path("started_at").asText()))
                .as("the round is taken over only once the dead consumer's lease is over").isAfter(leaseUntil);
        assertThat(ledgerEntriesFor(id)).as("charged once").hasSize(1);

        // a message for a round that is over is done with
        assertThat(work.takeRound(new DefaultExchange(camel), id, 1, request, body, null)).isEqualTo(ChargeWork.Round.NOTHING_TO_DO);
    }

    @Test
    void aMessageForARoundWhoseLeaseRanOutTakesItOver() {
        byte[] body = chargeBody(45_000, "NGN", Map.of("paystack", "AUTH_success")).getBytes(StandardCharsets.UTF_8);
        ChargeRequest request = parser.parse("application/json", body, MERCHANT);
        String id = crashedCharge(request, Instant.now().minusSeconds(1));

        assertThat(work.takeRound(new DefaultExchange(camel), id, 1, request, body, null)).isEqualTo(ChargeWork.Round.TAKEN);
        // now a live consumer holds it: another message for it defers
        assertThat(work.takeRound(new DefaultExchange(camel), id, 1, request, body, null)).isEqualTo(ChargeWork.Round.DEFERRED);
    }

    /**
     * Another instance's reconciliation gives up on the attempt a dead worker left in flight (the provider never saw
     * it) just after this consumer claimed the round from the redelivered message: the charge has failed, so the
     * round must not go on to another provider. Found by bench/drills/cluster-drills.sh, where the round lease and
     * the give-up delay ran out together: the new round's provider took the money of a charge that then read failed.
     */
    @Test
    void aRoundClaimedAsReconciliationFailsTheChargeSendsNothing() {
        byte[] body = chargeBody(46_000, "NGN", Map.of("paystack", "AUTH_success", "stripe", "pm_card_success"))
                .getBytes(StandardCharsets.UTF_8);
        ChargeRequest request = parser.parse("application/json", body, MERCHANT);
        String id = crashedCharge(request, Instant.now().minusSeconds(1));
        Instant startedAt = Instant.now().minus(Duration.ofDays(4));
        repository.insertAttempt(id, MERCHANT, new Attempt(1, "paystack", Ids.attemptReference(id, 1), startedAt), Instant.now());
        ChargeRepository.DueAttempt interrupted = new ChargeRepository.DueAttempt(id, 1, "paystack", Ids.attemptReference(id, 1), null,
                null, null, startedAt, 3);

        // the other instance's reconciliation, between this consumer's claim and its reading of the attempts
        ChargeRepository racing = new ChargeRepository(jdbc, rollup) {
            @Override
            public boolean claimRound(String chargeId, int round, Instant now, Instant until) {
                boolean claimed = super.claimRound(chargeId, round, now, until);
                DefaultExchange status = new DefaultExchange(camel);
                status.setProperty(ChargeService.ATTEMPT_RESULT,
                        AttemptResult.unknown("not_found_at_provider", "no such transaction", 404, null));
                reconciliation.apply(interrupted, status);
                return claimed;
            }
        };
        ChargeWork consumer = new ChargeWork(racing, charges, parser, sealer, retries, workMessages, schedule, tx,
                Clock.systemUTC());

        assertThat(consumer.takeRound(new DefaultExchange(camel), id, 1, request, body, null))
                .as("no round for a charge reconciliation failed").isEqualTo(ChargeWork.Round.NOTHING_TO_DO);
        assertThat(repository.findCharge(id).orElseThrow().status()).isEqualTo(ChargeStatus.FAILED);
        assertThat(repository.findAttempts(id)).as("nothing sent anywhere").hasSize(1)
                .first().satisfies(a -> assertThat(a.code()).isEqualTo("not_found_at_provider"));
    }

    /**
     * A worker killed during a provider call leaves its attempt unanswered. The request may never have left: the
     * round sends it again as it was, and the charge is taken now instead of waiting for reconciliation to give up
     * on it (3 days in production) and fail it. Found by bench/drills/cluster-drills.sh: 4 to 19 of 500 charges per
     * instance kill ended failed, not_found_at_provider.
     */
    @Test
    void anAttemptAKilledWorkerLeftUnansweredIsSentAgainAsItWasAndChargedOnce() {
        Interrupted interrupted = interruptedAtPaystack(47_000);
        String id = interrupted.id();

        resumeWithWorkMessage(interrupted);

        JsonNode charge = awaitCharge(id, 15_000, c -> "succeeded".equals(c.path("status").asText()));
        assertThat(charge.path("attempts")).as("the same attempt, no new one").hasSize(1);
        JsonNode attempt = charge.path("attempts").get(0);
        assertThat(attempt.path("provider").asText()).isEqualTo("paystack");
        assertThat(attempt.path("reference").asText()).isEqualTo(Ids.attemptReference(id, 1));
        assertThat(attempt.path("outcome").asText()).isEqualTo("SUCCESS");
        assertThat(attempt.has("resent_at")).isTrue();
        assertThat(charge.path("routing").path("resent_attempt").asInt()).isEqualTo(1);
        assertThat(ledgerEntriesFor(id)).as("charged once, under the attempt's reference").singleElement()
                .satisfies(e -> assertThat(e.reference()).isEqualTo(Ids.attemptReference(id, 1)));
    }

    /**
     * Reconciliation is asking the provider about the attempt when the round is taken over (it claims its due
     * attempts in batches, so a restart's many interrupted attempts are held much of the time): the round is put off
     * until the query is done, then sends the attempt again. Found by bench/drills/crash-drill.sh: such an attempt was
     * left to the status queries, and its charge failed not_found_at_provider at give-up-after.
     */
    @Test
    void anAttemptAStatusQueryHoldsIsSentAgainOnceTheQueryIsDone() {
        Interrupted interrupted = interruptedAtPaystack(54_000);
        String id = interrupted.id();
        Instant queriedUntil = Instant.now().plusSeconds(2);
        jdbc.update("UPDATE charge_attempts SET claimed_until = ? WHERE charge_id = ?", Timestamp.from(queriedUntil), id);

        assertThat(work.takeRound(new DefaultExchange(camel), id, 1, interrupted.request(), interrupted.body(), null))
                .isEqualTo(ChargeWork.Round.DEFERRED);
        assertThat(repository.findAttempts(id)).singleElement().satisfies(a -> assertThat(a.resentAt()).isNull());

        JsonNode charge = awaitCharge(id, 15_000, c -> "succeeded".equals(c.path("status").asText()));
        assertThat(charge.path("attempts")).singleElement().satisfies(a ->
                assertThat(Instant.parse(a.path("resent_at").asText())).isAfter(queriedUntil));
        assertThat(ledgerEntriesFor(id)).hasSize(1);
    }

    /**
     * The killed worker's request did reach the provider, which took the money. Sending it again must not charge a
     * second time, at any provider: Paystack and Flutterwave refuse the reference as a duplicate and the status query
     * finds the charge; Stripe replays the first answer for the Idempotency-Key.
     */
    @ParameterizedTest
    @CsvSource({"paystack, AUTH_success", "flutterwave, flw-t1nf-success", "stripe, pm_card_success"})
    void anAttemptThatReachedTheProviderBeforeTheWorkerWasKilledIsNotChargedAgain(String provider, String token) {
        byte[] body = chargeBody(48_000, "NGN", Map.of(provider, token)).getBytes(StandardCharsets.UTF_8);
        ChargeRequest request = parser.parse("application/json", body, MERCHANT);
        String id = crashedCharge(request, Instant.now().minusSeconds(1));
        // the killed worker's call, made through the provider route as it was: the provider took the money...
        Exchange call = new DefaultExchange(camel);
        call.setProperty(ChargeContext.PROPERTY, ChargeContext.resumed(request, repository.findCharge(id).orElseThrow(), List.of(), 1));
        call.setProperty(ProviderRouter.PROVIDER, provider);
        producer.send("direct:provider-attempt", call);
        assertThat(ledgerEntriesFor(id)).hasSize(1);
        // ...but the worker died before it could record the answer
        jdbc.update("""
                UPDATE charge_attempts SET outcome = NULL, status = NULL, provider_reference = NULL, code = NULL,
                       category = NULL, message = NULL, http_status = NULL, latency_ms = NULL, response_excerpt = NULL,
                       finished_at = NULL, next_check_at = ?
                WHERE charge_id = ?""", Timestamp.from(Instant.now().plus(Duration.ofHours(1))), id);

        resumeWithWorkMessage(new Interrupted(id, request, body));

        JsonNode charge = awaitCharge(id, 15_000, c -> "succeeded".equals(c.path("status").asText()));
        assertThat(charge.path("attempts")).singleElement().satisfies(a -> {
            assertThat(a.has("resent_at")).isTrue();
            assertThat(a.path("reference").asText()).isEqualTo(Ids.attemptReference(id, 1));
        });
        assertThat(ledgerEntriesFor(id)).as("the first request's charge only").hasSize(1);
    }

    /**
     * A provider that refuses the second request before processing it (here: unavailable) says nothing of the first
     * one, which may have been charged: the charge is not failed over to the next provider, it waits for the status
     * queries of reconciliation.
     */
    @Test
    void anAttemptSentAgainThatTheProviderRefusesIsNeverFailedOver() {
        Interrupted interrupted = interruptedAtPaystack(49_000);
        String id = interrupted.id();
        simulators.setMode("paystack", Mode.UNAVAILABLE);

        resumeWithWorkMessage(interrupted);

        JsonNode charge = awaitCharge(id, 15_000, c -> "resend_not_processed".equals(c.path("attempts").path(0).path("code").asText()));
        assertThat(charge.path("status").asText()).isEqualTo("pending");
        assertThat(charge.path("attempts")).as("nothing sent to stripe").hasSize(1)
                .first().satisfies(a -> assertThat(a.path("outcome").asText()).isEqualTo("UNKNOWN"));
        assertThat(charge.path("routing").path("failovers")).isEmpty();
        assertThat(ledgerEntriesFor(id)).isEmpty();
    }

    /**
     * The instance was stalled past its round's lease, not dead: its call ends after another took the attempt over
     * and sent it again. Its late answer (here: refused before processing, NOT_CHARGED) must be neither recorded nor
     * acted on: failing over on it would charge a second provider for a charge the resend has already taken.
     */
    @Test
    void aStalledInstancesLateAnswerToAnAttemptSentAgainIsNotRecorded() {
        Interrupted interrupted = interruptedAtPaystack(53_000);
        String id = interrupted.id();
        // the stalled instance's view of its round: attempt 1 in flight
        ChargeContext stalled = ChargeContext.resumed(interrupted.request(), repository.findCharge(id).orElseThrow(),
                repository.findAttempts(id).stream().map(Attempt::stored).toList(), 1);
        resumeWithWorkMessage(interrupted);
        awaitCharge(id, 15_000, c -> "succeeded".equals(c.path("status").asText()));

        Exchange late = new DefaultExchange(camel);
        late.setProperty(ChargeService.ATTEMPT_RESULT,
                AttemptResult.notCharged("provider_unavailable", "Service Unavailable", 503, null));
        assertThatThrownBy(() -> charges.completeAttempt(stalled, late)).isInstanceOf(AttemptTakenOverException.class);

        assertThat(repository.findAttempts(id)).singleElement()
                .satisfies(a -> assertThat(a.outcome()).as("the resend's answer stands").isEqualTo("SUCCESS"));
        assertThat(repository.findCharge(id).orElseThrow().status()).isEqualTo(ChargeStatus.SUCCEEDED);
        assertThat(ledgerEntriesFor(id)).hasSize(1);
    }

    /**
     * A synchronous REST charge has no message to resume it: when its instance is killed during the provider call,
     * the merchant's client sees the connection drop and retries with the same Idempotency-Key. Once the key's
     * in-flight lease is over, that retry takes the round over, sends the unanswered attempt again, and answers
     * with the outcome, which every later retry gets replayed. Before, the retry was answered pending, for
     * reconciliation to fail the charge after give-up-after.
     */
    @Test
    void aRetryOfASynchronousChargeWhoseInstanceWasKilledMidCallFinishesIt() {
        String body = chargeBody(51_000, "NGN", Map.of("paystack", "AUTH_success", "stripe", "pm_card_success"));
        ChargeRequest request = parser.parse("application/json", body.getBytes(StandardCharsets.UTF_8), MERCHANT);
        String id = interruptedCharge(request, "paystack");
        String key = keyHeldByADeadRequest(request, id);

        Response retry = postCharge(body, key);

        assertThat(retry.status()).as(retry.text()).isEqualTo(201);
        assertThat(retry.json().path("id").asText()).isEqualTo(id);
        assertThat(retry.json().path("status").asText()).isEqualTo("succeeded");
        assertThat(retry.json().path("attempts")).singleElement()
                .satisfies(a -> assertThat(a.has("resent_at")).isTrue());
        assertThat(ledgerEntriesFor(id)).as("charged once").hasSize(1);

        Response again = postCharge(body, key);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header(JdbcIdempotencyRepository.REPLAYED_HEADER)).isEqualTo("true");
        assertThat(again.json()).isEqualTo(retry.json());
        assertThat(ledgerEntriesFor(id)).hasSize(1);
    }

    /** While another retry runs the taken-over round, a retry is told the request is in flight; nothing is sent. */
    @Test
    void aRetryWhileTheRoundIsHeldIsInFlight() {
        String body = chargeBody(52_000, "NGN", Map.of("paystack", "AUTH_success"));
        ChargeRequest request = parser.parse("application/json", body.getBytes(StandardCharsets.UTF_8), MERCHANT);
        String id = crashedCharge(request, Instant.now().plusSeconds(30));
        String key = keyHeldByADeadRequest(request, id);

        Response retry = postCharge(body, key);

        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.json().path("code").asText()).isEqualTo("idempotency_key_in_use");
        assertThat(repository.findAttempts(id)).isEmpty();
        assertThat(repository.findCharge(id).orElseThrow().status()).isEqualTo(ChargeStatus.PENDING);
    }

    /** The key of a request that created its charge and died: no response stored, its in-flight lease over. */
    private String keyHeldByADeadRequest(ChargeRequest request, String chargeId) {
        String key = "retry-" + chargeId;
        Instant lockedAt = Instant.now().minus(Duration.ofMinutes(2));
        jdbc.update("""
                INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_hash, charge_id, locked_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)""", MERCHANT, key, RequestFingerprint.of(request), chargeId,
                Timestamp.from(lockedAt), Timestamp.from(lockedAt.plus(Duration.ofDays(1))));
        return key;
    }

    /**
     * A charge as a worker leaves it when it dies during its first attempt's call: pending, its round's lease run
     * out, the attempt unanswered. Its status query is not due for an hour, so reconciliation stays out of the test.
     */
    private String interruptedCharge(ChargeRequest r, String provider) {
        String id = crashedCharge(r, Instant.now().minusSeconds(1));
        repository.insertAttempt(id, MERCHANT, new Attempt(1, provider, Ids.attemptReference(id, 1),
                Instant.now().minusSeconds(40)), Instant.now().plus(Duration.ofHours(1)));
        return id;
    }

    /** An asynchronous charge payable at Paystack or Stripe, interrupted during its call to Paystack. */
    private record Interrupted(String id, ChargeRequest request, byte[] body) {
    }

    private Interrupted interruptedAtPaystack(long amount) {
        byte[] body = chargeBody(amount, "NGN", Map.of("paystack", "AUTH_success", "stripe", "pm_card_success"))
                .getBytes(StandardCharsets.UTF_8);
        ChargeRequest request = parser.parse("application/json", body, MERCHANT);
        return new Interrupted(interruptedCharge(request, "paystack"), request, body);
    }

    /** The work message the broker gives the consumers once the killed worker's session is gone. */
    private void resumeWithWorkMessage(Interrupted interrupted) {
        ChargeContext charge = ChargeContext.resumed(interrupted.request(),
                repository.findCharge(interrupted.id()).orElseThrow(), List.of(), 1);
        charge.processAsync(interrupted.body(), null);
        tx.executeWithoutResult(status -> workMessages.send(charge, 1, Instant.now(), Ids.requestId()));
    }

    /** A charge as a worker leaves it when it dies right after taking round 1: pending, leased, no attempt. */
    private String crashedCharge(ChargeRequest r, Instant leaseUntil) {
        String id = Ids.charge();
        Instant created = Instant.now().minusSeconds(60);
        repository.insertCharge(new ChargeRepository.StoredCharge(id, MERCHANT, ChargeStatus.PENDING, r.amount(),
                r.currency(), r.reference(), r.description(), "{\"email\":\"ada@example.com\"}",
                "{\"type\":\"tokens\",\"providers\":[\"paystack\"]}", null, null, null, null, null, null, null, null,
                1, null, null, created, created, 0), leaseUntil, "tokens", null);
        return id;
    }
}
