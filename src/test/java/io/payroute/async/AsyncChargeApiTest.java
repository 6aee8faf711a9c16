package io.payroute.async;

import static io.payroute.support.BrokerClients.json;
import static io.payroute.support.BrokerClients.sendRequest;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.payroute.simulator.Mode;
import io.payroute.support.ApiTestSupport;
import io.payroute.support.BrokerClients;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous charges: {@code Prefer: respond-async} over REST, and rounds retried later through the broker
 * when no provider can take a charge (test profile: at most 4 rounds, 150-600 ms apart).
 */
class AsyncChargeApiTest extends ApiTestSupport {

    private static final Map<String, String> PAYSTACK_OK = Map.of("paystack", "AUTH_success");

    @Test
    void preferRespondAsyncIsAnswered202AndAWorkerFinishesTheCharge() {
        String key = "async-" + UUID.randomUUID();
        String body = chargeBody(250_000, "NGN", PAYSTACK_OK);

        Response accepted = post("/v1/charges", body, Map.of("Prefer", "respond-async", "Idempotency-Key", key));

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.header("Preference-Applied")).isEqualTo("respond-async");
        String id = accepted.json().get("id").asText();
        assertThat(accepted.header("Location")).isEqualTo("/v1/charges/" + id);
        assertThat(accepted.json().get("status").asText()).isEqualTo("pending");
        assertThat(accepted.json().get("attempts")).isEmpty();

        JsonNode done = awaitCharge(id, 10_000, c -> !c.get("status").asText().equals("pending"));
        assertThat(done.get("status").asText()).isEqualTo("succeeded");
        assertThat(done.get("provider").asText()).isEqualTo("paystack");
        assertThat(ledgerEntriesFor(id)).hasSize(1);

        Response replay = post("/v1/charges", body, Map.of("Prefer", "respond-async", "Idempotency-Key", key));
        assertThat(replay.status()).isEqualTo(202);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.json().get("id").asText()).isEqualTo(id);
        assertThat(ledgerEntriesFor(id)).hasSize(1);
    }

    @Test
    void anAsyncChargeNoProviderCanTakeIsRetriedLaterAndSucceedsOnceOneCan() {
        simulators.setMode("paystack", Mode.REFUSE);

        Response accepted = post("/v1/charges", chargeBody(10_000, "NGN", PAYSTACK_OK), Map.of("Prefer", "respond-async"));
        String id = accepted.json().get("id").asText();

        JsonNode waiting = awaitCharge(id, 10_000, c -> c.get("retry").hasNonNull("next_round_at"));
        assertThat(waiting.get("status").asText()).isEqualTo("pending");
        assertThat(waiting.at("/retry/rounds").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(waiting.at("/retry/last_error").asText()).contains("connection_refused");
        assertThat(waiting.get("attempts").get(0).get("outcome").asText()).isEqualTo("NOT_CHARGED");

        simulators.setMode("paystack", Mode.NORMAL);
        resetBreakers();

        JsonNode done = awaitCharge(id, 10_000, c -> !c.get("status").asText().equals("pending"));
        assertThat(done.get("status").asText()).isEqualTo("succeeded");
        JsonNode attempts = done.get("attempts");
        assertThat(attempts.get(attempts.size() - 1).get("outcome").asText()).isEqualTo("SUCCESS");
        assertThat(StreamSupport.stream(attempts.spliterator(), false).limit(attempts.size() - 1)
                .map(a -> a.get("outcome").asText())).allMatch(o -> o.equals("NOT_CHARGED"));
        assertThat(done.get("retry").get("next_round_at").isNull()).isTrue();
        assertThat(ledgerEntriesFor(id)).hasSize(1);
    }

    @Test
    void anAsyncChargeWhoseRoundsRunOutFailsWithTheReasonAndIsDeadLetteredWithItsHistory() {
        simulators.setMode("paystack", Mode.REFUSE);

        String id = post("/v1/charges", chargeBody(20_000, "NGN", PAYSTACK_OK), Map.of("Prefer", "respond-async"))
                .json().get("id").asText();

        JsonNode failed = awaitCharge(id, 15_000, c -> c.get("status").asText().equals("failed"));
        assertThat(failed.at("/failure/code").asText()).isEqualTo("retries_exhausted");
        assertThat(failed.at("/failure/message").asText()).contains("4 rounds").contains("nothing was charged");
        assertThat(failed.at("/retry/rounds").asInt()).isEqualTo(4);
        assertThat(ledgerEntriesFor(id)).isEmpty();

        // written with the failure in one transaction, relayed to the broker by the outbox right after
        JsonNode letter = null;
        for (long deadline = System.currentTimeMillis() + 5_000; letter == null && System.currentTimeMillis() < deadline; ) {
            letter = StreamSupport.stream(admin("GET", "/v1/admin/dead-letters?limit=1000").json().get("data").spliterator(), false)
                    .filter(n -> id.equals(n.path("charge_id").asText(null))).findFirst().orElse(null);
        }
        assertThat(letter).as("dead letter for " + id).isNotNull();
        assertThat(letter.get("code").asText()).isEqualTo("retries_exhausted");
        assertThat(letter.get("history").size()).isEqualTo(failed.get("attempts").size());
        assertThat(letter.get("body").asText()).as("payment details stay sealed").doesNotContain("AUTH_success");
    }

    @Test
    void aQueuedChargeRetriedLaterIsAnsweredOnceWhenItEnds() throws Exception {
        simulators.setMode("paystack", Mode.REFUSE);
        try (Connection producer = BrokerClients.producer()) {
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);

            sendRequest(session, chargeBody(30_000, "NGN", PAYSTACK_OK), Map.of("idempotencyKey", "retry-" + UUID.randomUUID()), replies);

            String id = awaitLatestPendingRetry();
            assertThat(replyConsumer.receive(300)).as("no answer while another round is due").isNull();
            simulators.setMode("paystack", Mode.NORMAL);
            resetBreakers();

            Message reply = replyConsumer.receive(10_000);
            assertThat(reply).isNotNull();
            assertThat(json(reply).get("id").asText()).isEqualTo(id);
            assertThat(json(reply).get("status").asText()).isEqualTo("succeeded");
            assertThat(replyConsumer.receive(1_000)).as("exactly one answer").isNull();
            assertThat(ledgerEntriesFor(id)).hasSize(1);
        }
    }

    /** The id of the most recent charge waiting for its next round. */
    private String awaitLatestPendingRetry() throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            var ids = jdbc.queryForList(
                    "SELECT id FROM charges WHERE status = 'pending' AND next_round_at IS NOT NULL ORDER BY created_at DESC LIMIT 1", String.class);
            if (!ids.isEmpty()) {
                return ids.get(0);
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no charge got a later round");
    }
}
