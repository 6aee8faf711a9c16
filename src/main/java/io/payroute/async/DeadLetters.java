package io.payroute.async;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.api.ChargeFlow;
import io.payroute.api.ProblemException;
import io.payroute.api.Problems;
import io.payroute.broker.Address;
import io.payroute.broker.BrokerProperties;
import io.payroute.charge.ChargeContext;
import io.payroute.charge.Ids;
import io.payroute.observability.ChargeMetrics;
import io.payroute.provider.Redaction;
import io.payroute.secrets.Sealer;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The dead-letter queue (bean {@code deadLetters}): what lands there, why, and how it goes back.
 * <p>
 * A message that can never succeed as sent (invalid request, merchant not allowed, unreadable seal) is copied
 * there at once by {@link #reject}, with its reason, in the consumer's transaction, never retried in a loop.
 * The broker moves there a message whose processing kept failing ({@code max-delivery-attempts}); a charge
 * whose retries ran out is parked there by {@link WorkMessages#deadLetter}. Operators list them and replay
 * them to where they came from once the cause is fixed; a replayed message goes through idempotency again.
 */
@Component("deadLetters")
public class DeadLetters {

    /** Properties PayRoute puts on a dead letter. */
    public static final String REASON = "deadLetterReason";
    public static final String CODE = "deadLetterCode";
    public static final String HISTORY = "deadLetterHistory";
    public static final String ORIGINAL_ADDRESS = "deadLetterOriginalAddress";
    public static final String ORIGINAL_USER = "deadLetterOriginalUser";
    public static final String AT = "deadLetteredAt";
    /** Set by the broker on a message it dead-lettered after too many failed deliveries. */
    static final String BROKER_ORIGINAL_ADDRESS = "_AMQ_ORIG_ADDRESS";
    private static final Set<String> DEAD_LETTER_PROPERTIES = Set.of(REASON, CODE, HISTORY, ORIGINAL_ADDRESS, ORIGINAL_USER, AT);
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final JmsTemplate jms;
    private final JmsTemplate transacted;
    private final Problems problems;
    private final ChargeMetrics metrics;
    private final BrokerProperties broker;
    private final ObjectMapper json;
    private final Clock clock;
    private final String serviceUser;

    public DeadLetters(JmsTemplate jms, ConnectionFactory connectionFactory, Problems problems, ChargeMetrics metrics,
                       BrokerProperties broker, ObjectMapper json, Clock clock,
                       @org.springframework.beans.factory.annotation.Value("${spring.artemis.user}") String serviceUser) {
        this.jms = jms;
        this.transacted = new JmsTemplate(connectionFactory);
        this.transacted.setSessionTransacted(true);
        this.transacted.setReceiveTimeout(JmsTemplate.RECEIVE_TIMEOUT_NO_WAIT);
        this.problems = problems;
        this.metrics = metrics;
        this.broker = broker;
        this.json = json;
        this.clock = clock;
        this.serviceUser = serviceUser;
    }

    /**
     * onException step of the consumer routes: parks the message as received on the dead-letter queue with the
     * reason, publishes a {@code charge.request_rejected} event and answers the producer's JMSReplyTo with the
     * problem; all on the consumer's transaction, so the message is consumed exactly when all of this is sent.
     */
    public void reject(Exchange exchange) throws JMSException {
        deadLetter(exchange, true);
    }

    /**
     * onException step of the consumers of PayRoute's own messages (provider webhooks, webhook deliveries): parks
     * the message on the dead-letter queue with the reason, in the consumer's transaction; no producer to answer.
     */
    public void park(Exchange exchange) throws JMSException {
        deadLetter(exchange, false);
    }

    private void deadLetter(Exchange exchange, boolean answerProducer) throws JMSException {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ProblemException problem = caught instanceof Sealer.SealedValueException sealed
                ? new ProblemException(422, "unreadable_work_message", "Unreadable work message", sealed.getMessage())
                : problems.toProblem(caught, exchange.getProperty(ChargeFlow.REQUEST_ID, String.class));
        Message received = exchange.getProperty(ChargeIntake.RECEIVED, Message.class);
        if (received == null) {
            received = exchange.getIn(JmsMessage.class).getJmsMessage();
        }
        Message original = received;
        String problemJson = Problems.toJson(problem);
        jms.execute(session -> {
            Message copy = copy(session, original, Set.of());
            Address from = Address.of(original.getJMSDestination());
            copy.setStringProperty(REASON, reason(problem));
            copy.setStringProperty(CODE, problem.code());
            copy.setStringProperty(ORIGINAL_ADDRESS, from.toString());
            copy.setStringProperty(ORIGINAL_USER, ChargeIntake.validatedUser(original));
            copy.setLongProperty(AT, clock.instant().toEpochMilli());
            if (isRequest(from)) {
                ChargeIntake.keepIdempotencyKey(original, copy);
            }
            new Address(false, broker.getAddresses().getDeadLetters()).send(session, copy);
            if (answerProducer) {
                rejectedEvent(session, original, problemJson);
                replyWithProblem(session, original, problemJson);
            }
            return null;
        });
        metrics.deadLettered(problem.code());
        // the code only: a parser's message may quote the body, which is the producer's to see, not the logs'
        log.warn("message {} rejected to the dead-letter queue: {}", original.getJMSMessageID(), problem.code());
    }

    /** The problem's detail with every field it names, so the dead letter says what to fix. */
    private static String reason(ProblemException problem) {
        if (problem.errors().isEmpty()) {
            return problem.getMessage();
        }
        return problem.getMessage() + ": " + problem.errors().stream()
                .map(e -> e.field() + " " + e.message()).collect(java.util.stream.Collectors.joining("; "));
    }

    private void rejectedEvent(Session session, Message original, String problemJson) throws JMSException {
        ObjectNode event = json.createObjectNode();
        String eventId = Ids.event();
        event.put("id", eventId);
        event.put("object", "event");
        event.put("type", "charge.request_rejected");
        event.put("created_at", clock.instant().toString());
        ObjectNode data = event.putObject("data");
        data.put("message_id", ChargeIntake.producersMessageId(original));
        data.put("idempotency_key", original.getStringProperty(ChargeIntake.IDEMPOTENCY_KEY));
        data.put("correlation_id", original.getJMSCorrelationID());
        data.set("problem", readJson(problemJson));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("eventId", eventId);
        properties.put("eventType", "charge.request_rejected");
        new Address(true, broker.getAddresses().getEvents()).send(session, Address.text(session, event.toString(), properties));
    }

    private static void replyWithProblem(Session session, Message original, String problemJson) throws JMSException {
        ChargeContext.ReplyTo to = ChargeIntake.requestedReplyTo(original);
        if (to == null || ChargeIntake.isInternal(to)) {
            return;
        }
        Message reply = Address.text(session, problemJson, Map.of("status", "rejected"));
        reply.setJMSCorrelationID(to.correlationId());
        Address.parse(to.destination()).send(session, reply);
    }

    /** The dead letters, oldest first, at most {@code limit}; bodies redacted, sealed ones not opened. */
    public ArrayNode list(int limit) {
        ArrayNode out = json.createArrayNode();
        jms.browse(broker.getAddresses().getDeadLetters(), (session, browser) -> {
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements() && out.size() < limit) {
                out.add(describe((Message) messages.nextElement()));
            }
            return null;
        });
        return out;
    }

    private ObjectNode describe(Message m) throws JMSException {
        ObjectNode node = json.createObjectNode();
        node.put("id", m.getJMSMessageID().replaceFirst("^ID:", ""));
        boolean ours = m.propertyExists(CODE);
        node.put("code", ours ? m.getStringProperty(CODE) : "delivery_failed");
        node.put("reason", ours ? m.getStringProperty(REASON)
                : "processing failed on every delivery (" + m.getIntProperty("JMSXDeliveryCount") + "); see the service logs");
        node.put("original_address", originalAddress(m).toString());
        node.put("dead_lettered_at", java.time.Instant.ofEpochMilli(m.propertyExists(AT) ? m.getLongProperty(AT) : m.getJMSTimestamp()).toString());
        node.put("charge_id", m.getStringProperty(WorkMessages.CHARGE_ID));
        node.put("idempotency_key", m.getStringProperty(ChargeIntake.IDEMPOTENCY_KEY));
        node.put("merchant_id", m.getStringProperty(ChargeIntake.MERCHANT_ID));
        node.put("correlation_id", m.getJMSCorrelationID());
        if (m.getStringProperty(HISTORY) != null) {
            node.set("history", readJson(m.getStringProperty(HISTORY)));
        }
        node.put("body", m.propertyExists(WorkMessages.ROUND) ? "(sealed: payment details are encrypted)" : redactedBody(m));
        return node;
    }

    /** Sends one dead letter back to where it came from; false when there is no such dead letter. */
    public boolean replay(String id) {
        String selector = "JMSMessageID = 'ID:" + id.replaceAll("[^0-9A-Za-z-]", "") + "'";
        return Boolean.TRUE.equals(transacted.execute(session -> replayNext(session, selector), true));
    }

    /** Sends every dead letter back (those there now; one that fails again lands behind them). */
    public int replayAll() {
        int total = jms.browse(broker.getAddresses().getDeadLetters(), (session, browser) -> Collections.list(browser.getEnumeration()).size());
        int replayed = 0;
        while (replayed < total && Boolean.TRUE.equals(transacted.execute(session -> replayNext(session, null), true))) {
            replayed++;
        }
        return replayed;
    }

    private boolean replayNext(Session session, String selector) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(broker.getAddresses().getDeadLetters()), selector)) {
            Message m = consumer.receive(1000);
            if (m == null) {
                return false;
            }
            Address original = originalAddress(m);
            // moved here by the broker, a request keeps the id its key was taken as
            Message again = isRequest(original) ? requestCopy(session, m) : copy(session, m, DEAD_LETTER_PROPERTIES);
            original.send(session, again);
            session.commit();
            log.info("dead letter {} replayed to {}", m.getJMSMessageID(), original);
            return true;
        } catch (JMSException | RuntimeException e) {
            session.rollback();
            throw e;
        }
    }

    /**
     * A producer's request (or its dead letter) as PayRoute sends it again: the same request, its key kept, checked
     * as the producer's, for the producer's merchant ({@link ChargeIntake#ON_BEHALF_OF}), never as PayRoute's own.
     */
    Message requestCopy(Session session, Message request) throws JMSException {
        Message again = copy(session, request, DEAD_LETTER_PROPERTIES);
        ChargeIntake.keepIdempotencyKey(request, again);
        String producer = request.propertyExists(ORIGINAL_USER) ? request.getStringProperty(ORIGINAL_USER) : ChargeIntake.validatedUser(request);
        if (producer != null && !producer.equals(serviceUser)) {
            again.setStringProperty(ChargeIntake.ON_BEHALF_OF, producer);
        }
        return again;
    }

    /** A producer's charge request (not one of PayRoute's own messages). */
    private boolean isRequest(Address address) {
        return address.name().equals(broker.getAddresses().getRequests());
    }

    private static Address originalAddress(Message m) throws JMSException {
        if (m.propertyExists(ORIGINAL_ADDRESS)) {
            return Address.parse(m.getStringProperty(ORIGINAL_ADDRESS));
        }
        return new Address(false, m.getStringProperty(BROKER_ORIGINAL_ADDRESS));
    }

    /** A new message with the body and application properties of {@code m} (not the broker's own, nor {@code skip}). */
    private static Message copy(Session session, Message m, Set<String> skip) throws JMSException {
        Message copy;
        if (m instanceof BytesMessage bytes) {
            BytesMessage b = session.createBytesMessage();
            b.writeBytes(ChargeIntake.readBytes(bytes, Integer.MAX_VALUE));
            copy = b;
        } else {
            copy = session.createTextMessage(m instanceof TextMessage t ? t.getText() : null);
        }
        List<String> names = new ArrayList<>();
        for (Object name : Collections.list(m.getPropertyNames())) {
            names.add((String) name);
        }
        for (String name : names) {
            // the broker's own (_AMQ_*, JMSX*) and AMQP annotations (JMS_AMQP_*) are not the producer's to copy
            if (!name.startsWith("_AMQ_") && !name.startsWith("JMSX") && !name.startsWith("JMS_AMQP_") && !skip.contains(name)) {
                copy.setObjectProperty(name, m.getObjectProperty(name));
            }
        }
        copy.setJMSCorrelationID(m.getJMSCorrelationID());
        copy.setJMSReplyTo(m.getJMSReplyTo());
        return copy;
    }

    /** The body for operators: payment details reduced to their type, card-number-like runs masked anywhere. */
    private String redactedBody(Message m) throws JMSException {
        String body = body(m);
        try {
            JsonNode parsed = body == null ? null : json.readTree(body);
            if (parsed instanceof ObjectNode object) {
                if (object.get("payment_method") instanceof ObjectNode method) {
                    object.set("payment_method", json.createObjectNode().put("type", method.path("type").asText(null))
                            .put("details", "redacted"));
                }
                return Redaction.redact(object).toString();
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            // a malformed request: only its card-number-like runs can be masked
        }
        return Redaction.redactText(body);
    }

    private static String body(Message m) throws JMSException {
        if (m instanceof TextMessage t) {
            return t.getText();
        }
        if (m instanceof BytesMessage b) {
            return new String(ChargeIntake.readBytes(b, 65536), java.nio.charset.StandardCharsets.UTF_8);
        }
        return null;
    }

    private JsonNode readJson(String text) {
        try {
            return json.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return json.getNodeFactory().textNode(text);
        }
    }
}
