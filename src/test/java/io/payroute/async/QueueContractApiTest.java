package io.payroute.async;

import static io.payroute.support.BrokerClients.json;
import static io.payroute.support.BrokerClients.receiveMatching;
import static io.payroute.support.BrokerClients.sendRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import io.payroute.api.ChargeRequestParser;
import io.payroute.api.RequestFingerprint;
import io.payroute.charge.Ids;
import io.payroute.broker.BrokerProperties;
import io.payroute.support.ApiTestSupport;
import io.payroute.support.BrokerClients;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * The queue contract of docs/queues.md, exercised by real clients over the broker's TCP acceptor: login and
 * permissions, replies and events, idempotency on re-publish, poison messages, dead letters and their replay.
 */
class QueueContractApiTest extends ApiTestSupport {

    private static final Map<String, String> PAYSTACK_OK = Map.of("paystack", "AUTH_success");

    @Autowired
    private BrokerProperties broker;
    @Autowired
    private ChargeRequestParser parser;
    @Value("${payroute.idempotency.in-flight-lease}")
    private Duration lease;
    @Autowired
    private EmbeddedActiveMQ brokerServer;

    @Test
    void loginIsRequiredOverCoreAndAmqp() {
        assertThatThrownBy(() -> BrokerClients.core(null, null).createConnection().close())
                .isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> {
            try (Connection c = BrokerClients.amqp("producer", "wrong").createConnection()) {
                c.start();
            }
        }).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void aProducerGetsItsChargeOnItsReplyQueueAndEveryStateChangeIsPublishedAsAnEvent() throws Exception {
        try (Connection producer = BrokerClients.producer(); Connection subscriber = BrokerClients.subscriber()) {
            Session events = subscriber.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer eventConsumer = events.createConsumer(events.createTopic(BrokerClients.EVENTS));
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            String correlation = "order-" + UUID.randomUUID();

            sendRequest(session, chargeBody(500_000, "NGN", PAYSTACK_OK),
                    Map.of("idempotencyKey", "q-" + UUID.randomUUID(), "JMSCorrelationID", correlation), replies);

            Message reply = replyConsumer.receive(15_000);
            assertThat(reply).as("a reply on the JMSReplyTo queue").isNotNull();
            assertThat(reply.getJMSCorrelationID()).isEqualTo(correlation);
            JsonNode charge = json(reply);
            String id = charge.get("id").asText();
            assertThat(charge.get("status").asText()).isEqualTo("succeeded");
            assertThat(charge.get("amount").asLong()).isEqualTo(500_000);
            assertThat(reply.getStringProperty("chargeId")).isEqualTo(id);
            assertThat(reply.getStringProperty("status")).isEqualTo("succeeded");
            assertThat(ledgerEntriesFor(id)).hasSize(1);
            assertThat(get("/v1/charges/" + id).json().get("status").asText()).isEqualTo("succeeded");

            List<Message> published = receiveMatching(eventConsumer, 2, 15_000, m -> id.equals(property(m, "chargeId")));
            List<String> types = new ArrayList<>();
            for (Message event : published) {
                JsonNode body = json(event);
                types.add(body.get("type").asText());
                assertThat(body.get("id").asText()).startsWith("evt_").isEqualTo(event.getStringProperty("eventId"));
                assertThat(body.at("/data/object/id").asText()).isEqualTo(id);
            }
            assertThat(types).containsExactlyInAnyOrder("charge.created", "charge.succeeded");
        }
    }

    @Test
    void republishingTheSameRequestGetsTheSameChargeAndNeverASecondOne() throws Exception {
        try (Connection producer = BrokerClients.producer()) {
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            String body = chargeBody(7_000, "NGN", PAYSTACK_OK);
            String key = "republish-" + UUID.randomUUID();

            for (int i = 0; i < 5; i++) {
                sendRequest(session, body, Map.of("idempotencyKey", key), replies);
            }

            Set<String> chargeIds = new java.util.HashSet<>();
            for (Message reply : receiveMatching(replyConsumer, 5, 30_000, m -> true)) {
                JsonNode charge = json(reply);
                assertThat(charge.get("status").asText()).isEqualTo("succeeded");
                chargeIds.add(charge.get("id").asText());
            }
            assertThat(chargeIds).hasSize(1);
            assertThat(ledgerEntriesFor(chargeIds.iterator().next())).hasSize(1);
        }
    }

    @Test
    void aProducerMaySendRequestsButNotReadEventsNorTouchInternalAddresses() throws Exception {
        try (Connection producer = BrokerClients.producer()) {
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> session.createConsumer(session.createTopic(BrokerClients.EVENTS)))
                    .isInstanceOf(JMSException.class).hasMessageContaining("does not have permission");
            assertThatThrownBy(() -> session.createConsumer(session.createQueue(BrokerClients.REQUESTS)))
                    .isInstanceOf(JMSException.class).hasMessageContaining("does not have permission");
            assertThatThrownBy(() -> session.createProducer(session.createQueue("payroute.charges.work"))
                    .send(session.createTextMessage("{}"))).isInstanceOf(JMSException.class).hasMessageContaining("permission");
            assertThatThrownBy(() -> session.createConsumer(session.createQueue("payroute.dead-letters")))
                    .isInstanceOf(JMSException.class).hasMessageContaining("does not have permission");
        }
    }

    @Test
    void invalidRequestsAreDeadLetteredAtOnceWithTheirReasonAndTheConsumerCarriesOn() throws Exception {
        int chargesBefore = countRows("charges");
        try (Connection producer = BrokerClients.producer(); Connection subscriber = BrokerClients.subscriber()) {
            Session events = subscriber.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer eventConsumer = events.createConsumer(events.createTopic(BrokerClients.EVENTS));
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            String malformed = "malformed-" + UUID.randomUUID();
            String noAmount = "no-amount-" + UUID.randomUUID();
            String otherMerchant = "other-merchant-" + UUID.randomUUID();

            sendRequest(session, "{\"amount\": 500,", Map.of("JMSCorrelationID", malformed), replies);
            sendRequest(session, "{\"currency\": \"NGN\"}", Map.of("JMSCorrelationID", noAmount), replies);
            sendRequest(session, chargeBody(100, "NGN", PAYSTACK_OK),
                    Map.of("JMSCorrelationID", otherMerchant, "merchantId", "merchant_other"), replies);
            sendRequest(session, chargeBody(100, "NGN", PAYSTACK_OK), Map.of("JMSCorrelationID", "valid"), replies);

            Map<String, Message> byCorrelation = receiveMatching(replyConsumer, 4, 20_000, m -> true).stream()
                    .collect(Collectors.toMap(BrokerClients::correlationId, m -> m));
            assertThat(json(byCorrelation.get(malformed)).get("code").asText()).isEqualTo("malformed_json");
            assertThat(byCorrelation.get(malformed).getStringProperty("status")).isEqualTo("rejected");
            JsonNode missing = json(byCorrelation.get(noAmount));
            assertThat(missing.get("code").asText()).isEqualTo("invalid_request");
            assertThat(missing.get("errors").toString()).contains("amount");
            assertThat(json(byCorrelation.get(otherMerchant)).get("code").asText()).isEqualTo("merchant_not_allowed");
            assertThat(json(byCorrelation.get("valid")).get("status").asText()).isEqualTo("succeeded");
            assertThat(countRows("charges")).isEqualTo(chargesBefore + 1);

            Map<String, JsonNode> deadLetters = deadLettersByCorrelation();
            assertThat(deadLetters.get(malformed).get("code").asText()).isEqualTo("malformed_json");
            assertThat(deadLetters.get(malformed).get("reason").asText()).contains("not valid JSON");
            assertThat(deadLetters.get(malformed).get("original_address").asText()).isEqualTo("queue:" + BrokerClients.REQUESTS);
            assertThat(deadLetters.get(noAmount).get("reason").asText()).contains("amount");
            assertThat(deadLetters.get(otherMerchant).get("code").asText()).isEqualTo("merchant_not_allowed");
            assertThat(deadLetters).doesNotContainKey("valid");

            List<Message> rejected = receiveMatching(eventConsumer, 3, 10_000,
                    m -> "charge.request_rejected".equals(property(m, "eventType")));
            assertThat(rejected).hasSize(3);
        }
    }

    @Test
    void deadLettersAreListedToAdminsOnlyAndReplayedThroughIdempotencyOnceTheCauseIsFixed() throws Exception {
        assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/admin/dead-letters")).GET().build())
                .status()).isEqualTo(401);
        BrokerProperties.User newshop = broker.user("newshop").orElseThrow();
        try (Connection connection = BrokerClients.amqp("newshop", "newshop-test").createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            String body = chargeBody(12_345, "NGN", PAYSTACK_OK);
            String key = "newshop-" + UUID.randomUUID();
            // sent twice, as a producer retrying would: both land in the dead-letter queue
            sendRequest(session, body, Map.of("idempotencyKey", key, "JMSCorrelationID", key + "-1"), replies);
            sendRequest(session, body, Map.of("idempotencyKey", key, "JMSCorrelationID", key + "-2"), replies);
            // and one for a merchant it will never be allowed to charge for
            sendRequest(session, chargeBody(999, "NGN", PAYSTACK_OK),
                    Map.of("JMSCorrelationID", key + "-3", "merchantId", "merchant_other"), replies);
            receiveMatching(replyConsumer, 3, 15_000, m -> "rejected".equals(property(m, "status")));
            Map<String, JsonNode> deadLetters = deadLettersByCorrelation();
            assertThat(deadLetters.get(key + "-1").get("code").asText()).isEqualTo("merchant_not_allowed");
            assertThat(deadLetters.get(key + "-1").get("idempotency_key").asText()).isEqualTo(key);
            assertThat(deadLetters.get(key + "-1").get("body").asText()).as("payment details are not shown")
                    .contains("12345").doesNotContain("AUTH_success");

            // the operator onboards the producer, then replays: one by id, then everything
            newshop.setMerchant("merchant_default");
            assertThat(admin("POST", "/v1/admin/dead-letters/" + deadLetters.get(key + "-1").get("id").asText() + "/replay")
                    .status()).isEqualTo(200);
            assertThat(admin("POST", "/v1/admin/dead-letters/no-such-letter/replay").status()).isEqualTo(404);
            assertThat(admin("POST", "/v1/admin/dead-letters/replay").json().get("replayed").asInt()).isGreaterThanOrEqualTo(1);

            // the two replays of one request, and the refusal of the other merchant's request, in whatever order
            List<Message> answers = receiveMatching(replyConsumer, 3, 20_000,
                    m -> property(m, "chargeId") != null || key.concat("-3").equals(BrokerClients.correlationId(m)));
            List<Message> results = answers.stream().filter(m -> property(m, "chargeId") != null).toList();
            assertThat(results).hasSize(2);
            Set<String> chargeIds = new java.util.HashSet<>();
            for (Message m : results) {
                chargeIds.add(m.getStringProperty("chargeId"));
                assertThat(json(m).get("status").asText()).isEqualTo("succeeded");
            }
            assertThat(chargeIds).as("two replays of one request: one charge").hasSize(1);
            assertThat(ledgerEntriesFor(chargeIds.iterator().next())).hasSize(1);
            // the replay is held to the producer's merchant: the other merchant's request is refused again
            assertThat(answers).filteredOn(m -> key.concat("-3").equals(BrokerClients.correlationId(m)))
                    .singleElement().matches(m -> "rejected".equals(property(m, "status")));
            Map<String, JsonNode> after = deadLettersByCorrelation();
            assertThat(after).doesNotContainKeys(key + "-1", key + "-2");
            assertThat(after.get(key + "-3").get("code").asText()).isEqualTo("merchant_not_allowed");
        } finally {
            newshop.setMerchant(null);
        }
    }

    /**
     * A key held past its in-flight lease and never freed (an answer stored with no charge: no code path leaves
     * that, so this guards against one that would): put back on the queue as many times as a failing message is
     * delivered, the request is then dead-lettered with why, never put back for ever.
     */
    @Test
    void aRequestWhoseKeyStaysHeldIsDeadLetteredWithTheReasonNotPutBackForEver() throws Exception {
        String body = chargeBody(4_400, "NGN", PAYSTACK_OK);
        String key = "held-" + UUID.randomUUID();
        Instant taken = Instant.now().minus(lease.multipliedBy(2));
        jdbc.update("""
                INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_hash, response_status, response_body,
                                              locked_at, completed_at, expires_at)
                VALUES ('merchant_default', ?, ?, 201, '{}', ?, ?, ?)""",
                key, fingerprint(body), Timestamp.from(taken), Timestamp.from(taken), Timestamp.from(Instant.now().plusSeconds(3600)));

        try (Connection producer = BrokerClients.producer()) {
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            // a copy PayRoute already put back as many times as the broker's max-delivery-attempts
            sendRequest(session, body, Map.of("idempotencyKey", key, "JMSCorrelationID", key,
                    ChargeIntake.DEFERRALS, Integer.toString(broker.getRedelivery().getMaxDeliveryAttempts())), replies);

            Message reply = receiveMatching(replyConsumer, 1, 15_000, m -> true).get(0);
            assertThat(reply.getStringProperty("status")).isEqualTo("rejected");
            assertThat(json(reply).get("code").asText()).isEqualTo("idempotency_key_in_use");
        }
        JsonNode deadLetter = deadLettersByCorrelation().get(key);
        assertThat(deadLetter.get("code").asText()).isEqualTo("idempotency_key_in_use");
        assertThat(deadLetter.get("reason").asText()).contains("idempotencyKey");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_keys WHERE idempotency_key = ? AND charge_id IS NULL",
                Integer.class, key)).as("the key is left as it was").isEqualTo(1);
    }

    /**
     * A request sent over AMQP without a key is known by the message id its producer gave it. The broker converts
     * an AMQP message anew for PayRoute's CORE consumer on every delivery, each time with a new JMSMessageID: keyed
     * on that, a request redelivered after a crash was a new request, and could be charged twice.
     */
    @Test
    void anAmqpRequestWithoutAKeyIsKnownByTheMessageIdItsProducerGaveIt() throws Exception {
        try (Connection producer = BrokerClients.producer()) {
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            Message sent = sendRequest(session, chargeBody(3_300, "NGN", PAYSTACK_OK), Map.of(), replies);

            Message reply = receiveMatching(replyConsumer, 1, 15_000, m -> true).get(0);
            assertThat(reply.getJMSCorrelationID()).as("the answer correlates with the request as its producer knows it")
                    .isEqualTo(sent.getJMSMessageID());
            assertThat(jdbc.queryForObject("SELECT charge_id FROM idempotency_keys WHERE idempotency_key = ?", String.class,
                    sent.getJMSMessageID())).isEqualTo(json(reply).get("id").asText());
        }
    }

    /**
     * A request sent without a key is known by its message id, which a copy does not keep. Its dead letter, parked
     * by the consumer or moved there by the broker (its deliveries used up, perhaps after it had created its
     * charge), is replayed as that same request. Before, the replay was a new message with a new id, so a request
     * that had created a charge before it was dead-lettered was charged a second time.
     */
    @Test
    void aRequestWithoutAKeyReplayedFromTheDeadLettersIsStillTheSameRequest() throws Exception {
        String run = UUID.randomUUID().toString();
        Queue requests = brokerServer.getActiveMQServer().locateQueue(SimpleString.of(BrokerClients.REQUESTS));
        // over CORE, the message id the producer sees is the one the service reads (AMQP's is the broker's own)
        try (Connection producer = BrokerClients.core("producer", "producer-test").createConnection()) {
            producer.start();
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            // one the consumer parks at once (a negative amount), one the broker moves as it does after the last delivery
            Message rejected = sendRequest(session, chargeBody(-3_100, "NGN", PAYSTACK_OK),
                    Map.of("JMSCorrelationID", run + "-rejected"), replies);
            requests.pause();
            Message moved;
            try {
                moved = sendRequest(session, chargeBody(3_200, "NGN", PAYSTACK_OK),
                        Map.of("JMSCorrelationID", run + "-moved", "testRun", run + "-moved"), replies);
                long deadline = System.currentTimeMillis() + 5_000;
                while (requests.sendMessagesToDeadLetterAddress(FilterImpl.createFilter("testRun = '" + run + "-moved'")) == 0) {
                    assertThat(System.currentTimeMillis()).as("the request reached the queue").isLessThan(deadline);
                    Thread.sleep(20);
                }
            } finally {
                requests.resume();
            }
            assertThat(receiveMatching(replyConsumer, 1, 10_000, m -> true).get(0).getStringProperty("status")).isEqualTo("rejected");

            Map<String, JsonNode> deadLetters = deadLettersByCorrelation();
            assertThat(deadLetters.get(run + "-rejected").get("idempotency_key").asText()).isEqualTo(rejected.getJMSMessageID());
            assertThat(deadLetters.get(run + "-moved").get("code").asText()).isEqualTo("delivery_failed");
            for (String which : List.of("rejected", "moved")) {
                assertThat(admin("POST", "/v1/admin/dead-letters/" + deadLetters.get(run + "-" + which).get("id").asText() + "/replay")
                        .status()).isEqualTo(200);
            }

            // the moved one is charged, under the key its original message id gave it (the negative amount is refused again)
            Message charged = receiveMatching(replyConsumer, 1, 20_000, m -> property(m, "chargeId") != null).get(0);
            assertThat(charged.getJMSCorrelationID()).isEqualTo(run + "-moved");
            assertThat(jdbc.queryForObject("SELECT charge_id FROM idempotency_keys WHERE idempotency_key = ?", String.class,
                    moved.getJMSMessageID())).isEqualTo(charged.getStringProperty("chargeId"));
            assertThat(deadLettersByCorrelation().get(run + "-rejected").get("idempotency_key").asText())
                    .as("parked again as the same request").isEqualTo(rejected.getJMSMessageID());
        }
    }

    @Test
    void aRedeliveredRequestTakesOverTheRoundOfAnInstanceThatDied() throws Exception {
        String body = chargeBody(4_200, "NGN", PAYSTACK_OK);
        String key = "crashed-" + UUID.randomUUID();
        String chargeId = Ids.charge();
        Instant now = Instant.now();
        // what an instance killed right after opening the charge leaves: pending, its round's lease run out,
        // the key bound to the charge, no attempt, and the message back on the queue
        jdbc.update("""
                INSERT INTO charges (id, merchant_id, status, amount, currency, customer, payment_method, rounds,
                                     round_claimed_until, created_at, updated_at)
                VALUES (?, 'merchant_default', 'pending', 4200, 'NGN', '{}', '{"type":"tokens"}', 1, ?, ?, ?)""",
                chargeId, Timestamp.from(now.minusSeconds(1)), Timestamp.from(now.minusSeconds(70)), Timestamp.from(now.minusSeconds(70)));
        jdbc.update("""
                INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_hash, charge_id, locked_at, expires_at)
                VALUES ('merchant_default', ?, ?, ?, ?, ?)""",
                key, fingerprint(body), chargeId, Timestamp.from(now.minusSeconds(70)), Timestamp.from(now.plusSeconds(3600)));

        try (Connection producer = BrokerClients.producer()) {
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            sendRequest(session, body, Map.of("idempotencyKey", key), replies);

            Message reply = replyConsumer.receive(15_000);
            assertThat(reply).isNotNull();
            assertThat(json(reply).get("id").asText()).isEqualTo(chargeId);
            assertThat(json(reply).get("status").asText()).isEqualTo("succeeded");
            assertThat(ledgerEntriesFor(chargeId)).hasSize(1);
        }
    }

    /**
     * An instance killed between taking a request's key and storing its charge leaves the key held with no charge,
     * until its in-flight lease runs out. The request, redelivered, is put back on the queue for when the key is
     * freed, and then charged once. Before, it was rolled back for a redelivery, and dead-lettered once its
     * deliveries ran out: here (5 deliveries, 100 to 200 ms apart) well before the lease did.
     */
    @Test
    void aRequestWhoseKeyADeadInstanceHoldsIsChargedOnceTheKeyIsFreed() throws Exception {
        String body = chargeBody(4_300, "NGN", PAYSTACK_OK);
        String key = "orphaned-" + UUID.randomUUID();
        Instant freed = Instant.now().plusSeconds(2);
        jdbc.update("""
                INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_hash, locked_at, expires_at)
                VALUES ('merchant_default', ?, ?, ?, ?)""",
                key, fingerprint(body), Timestamp.from(freed.minus(lease)), Timestamp.from(freed.plusSeconds(3600)));

        try (Connection producer = BrokerClients.producer()) {
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            sendRequest(session, body, Map.of("idempotencyKey", key, "JMSCorrelationID", key), replies);

            Message reply = replyConsumer.receive(15_000);
            assertThat(reply).as("answered, not dead-lettered").isNotNull();
            assertThat(reply.getJMSCorrelationID()).isEqualTo(key);
            JsonNode charge = json(reply);
            assertThat(charge.get("status").asText()).isEqualTo("succeeded");
            assertThat(Instant.parse(charge.get("created_at").asText())).as("charged once the key was freed").isAfter(freed);
            assertThat(jdbc.queryForObject("SELECT charge_id FROM idempotency_keys WHERE idempotency_key = ?", String.class, key))
                    .isEqualTo(charge.get("id").asText());
            assertThat(ledgerEntriesFor(charge.get("id").asText())).hasSize(1);
            assertThat(replyConsumer.receive(1_000)).as("one answer").isNull();
        }
        assertThat(deadLettersByCorrelation()).doesNotContainKey(key);
    }

    /** The request hash an idempotency key of merchant_default stores for this body. */
    private String fingerprint(String body) {
        return RequestFingerprint.of(parser.parse("application/json", body.getBytes(StandardCharsets.UTF_8), "merchant_default"));
    }

    private Map<String, JsonNode> deadLettersByCorrelation() {
        JsonNode list = admin("GET", "/v1/admin/dead-letters?limit=1000").json().get("data");
        return StreamSupport.stream(list.spliterator(), false)
                .filter(n -> n.hasNonNull("correlation_id"))
                .collect(Collectors.toMap(n -> n.get("correlation_id").asText(), n -> n, (a, b) -> a));
    }

    private static String property(Message m, String name) {
        try {
            return m.getStringProperty(name);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
