package io.payroute.async;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.payroute.api.ChargeFlow;
import io.payroute.api.ChargeRequestParser;
import io.payroute.api.LogContext;
import io.payroute.api.ProblemException;
import io.payroute.api.ProblemException.FieldError;
import io.payroute.api.RequestFingerprint;
import io.payroute.broker.Address;
import io.payroute.broker.BrokerProperties;
import io.payroute.broker.SenderStampPlugin;
import io.payroute.charge.ChargeContext;
import io.payroute.charge.ChargeJson;
import io.payroute.charge.ChargeRepository;
import io.payroute.charge.ChargeRequest;
import io.payroute.charge.Ids;
import io.payroute.idempotency.JdbcIdempotencyRepository;
import io.payroute.outbox.OutboxRelay;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.FilterConstants;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The queue edges of the charge flow (bean {@code chargeIntake}, routes/queues.yaml): a producer's message on
 * the requests queue becomes a charge with the same validation and idempotency as {@code POST /v1/charges}, and
 * its result goes back to the message's JMSReplyTo. The contract is docs/queues.md.
 */
@Component("chargeIntake")
public class ChargeIntake {

    /** Message properties of the queue contract. */
    public static final String IDEMPOTENCY_KEY = "idempotencyKey";
    public static final String MERCHANT_ID = "merchantId";
    /**
     * Set by PayRoute when it sends a producer's request again (a dead letter replayed, a request deferred): the
     * producer the request came from. Honoured only on a message PayRoute itself sent, so the copy is held to that
     * producer's merchant, as the original was.
     */
    public static final String ON_BEHALF_OF = "payrouteOnBehalfOf";
    /** Exchange property: the JMS message as received, for the dead-letter copy of a rejected one. */
    public static final String RECEIVED = "receivedMessage";
    /** Exchange property: answer with the charge as stored (a duplicate), not as this exchange left it. */
    static final String ANSWER_FROM_STORE = "answerFromStore";
    /** Exchange property: the request went back to the queue for later; nothing more to do with this message. */
    static final String DEFERRED = "requestDeferred";
    /** Message property: how many times PayRoute has put this request back on the queue for later. */
    static final String DEFERRALS = "payrouteDeferrals";
    private static final Duration KEY_LEASE_MARGIN = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(ChargeIntake.class);

    private final ChargeRequestParser parser;
    private final ChargeRepository repository;
    private final ChargeJson chargeJson;
    private final JdbcIdempotencyRepository idempotency;
    private final ChargeWork work;
    private final DeadLetters deadLetters;
    private final BrokerProperties broker;
    private final JmsTemplate jms;
    private final Clock clock;
    private final String serviceUser;

    public ChargeIntake(ChargeRequestParser parser, ChargeRepository repository, ChargeJson chargeJson,
                        JdbcIdempotencyRepository idempotency, ChargeWork work, DeadLetters deadLetters,
                        BrokerProperties broker, JmsTemplate jms, Clock clock,
                        @Value("${spring.artemis.user}") String serviceUser) {
        this.parser = parser;
        this.repository = repository;
        this.chargeJson = chargeJson;
        this.idempotency = idempotency;
        this.work = work;
        this.deadLetters = deadLetters;
        this.broker = broker;
        this.jms = jms;
        this.clock = clock;
        this.serviceUser = serviceUser;
    }

    /** Validates a request message into the charge's context and its idempotency scope; bad input is a ProblemException. */
    public void accept(Exchange exchange) throws JMSException {
        Message message = exchange.getIn(JmsMessage.class).getJmsMessage();
        exchange.setProperty(RECEIVED, message);
        String correlation = message.getJMSCorrelationID();
        LogContext.correlate(exchange, ChargeFlow.validRequestId(correlation) ? correlation : Ids.requestId());
        String producer = validatedUser(message);
        LogContext.actor(exchange, "broker:" + (producer == null ? "unknown" : producer), null);
        exchange.getMessage().removeHeaders("*");
        ChargeContext.ReplyTo replyTo = replyTo(message);
        String merchant = merchant(message);
        String key = message.getStringProperty(IDEMPOTENCY_KEY);
        if (key == null) {
            // a redelivery of the same message is still recognised; a re-published copy needs its own key
            key = producersMessageId(message);
        } else if (!ChargeFlow.validIdempotencyKey(key)) {
            throw ProblemException.invalid(IDEMPOTENCY_KEY, "must be 1 to 255 printable ASCII characters");
        }
        byte[] body = body(message);
        ChargeRequest request = parser.parse("application/json", body, merchant);
        ChargeContext charge = new ChargeContext(request, Ids.charge(), clock.instant());
        charge.processAsync(body, replyTo);
        exchange.setProperty(ChargeContext.PROPERTY, charge);
        exchange.setProperty(JdbcIdempotencyRepository.KEY, key);
        exchange.setProperty(JdbcIdempotencyRepository.SCOPE, merchant + ":" + key);
        exchange.setProperty(JdbcIdempotencyRepository.FINGERPRINT, RequestFingerprint.of(request));
    }

    /**
     * A message whose idempotency key is taken: the same request again (re-published, or redelivered after a
     * crash). It gets the charge's current state; if the instance that was working on it died mid-round, this
     * message takes the round over (property {@link ChargeWork#ROUND_TAKEN}), or, while the dead instance's lease
     * lasts, hands it to a work message due when the lease runs out.
     */
    public void duplicate(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext received, Exchange exchange)
            throws JMSException {
        exchange.setProperty(ChargeWork.ROUND_TAKEN, false);
        Optional<String> created = idempotency.chargeOf(exchange);
        if (created.isEmpty()) {
            deferUntilTheKeyIsFree(exchange);
            return;
        }
        String chargeId = created.get();
        ChargeRepository.StoredCharge charge = repository.findCharge(received.request().merchantId(), chargeId)
                .orElseThrow(() -> new IllegalStateException("idempotency key bound to a missing charge " + chargeId));
        ChargeWork.Round round = charge.status().isFinal() || charge.nextRoundAt() != null ? ChargeWork.Round.NOTHING_TO_DO
                : work.takeRound(exchange, chargeId, charge.rounds(), received.request(), received.body(), received.replyTo());
        if (round == ChargeWork.Round.TAKEN) {
            return;
        }
        // final, waiting for its next round (or for a round another consumer holds), or left to reconciliation:
        // answered with its current state; the producer's reply comes from the round, if one is to come
        exchange.setProperty(ANSWER_FROM_STORE, true);
        ChargeContext current = ChargeContext.resumed(received.request(), charge, List.of(), charge.rounds());
        current.processAsync(received.body(), received.replyTo());
        current.nextRoundScheduled(charge.nextRoundAt() != null || round == ChargeWork.Round.DEFERRED);
        exchange.setProperty(ChargeContext.PROPERTY, current);
    }

    /**
     * The key's first request has not created its charge: it is in flight on another consumer, or its instance died
     * between taking the key and storing the charge, and then the key is freed when its in-flight lease runs out.
     * A copy of this message, the same request, comes back to the queue later (after the broker's redelivery
     * delays, one more each time, but no later than the lease's end), and this one is done with (property
     * {@link #DEFERRED}). Not a rollback: a dead instance's closing consumers may have used up this message's
     * deliveries already ({@link ChargeWork#takeRound}), and a rollback would dead-letter it.
     */
    private void deferUntilTheKeyIsFree(Exchange exchange) throws JMSException {
        Message received = exchange.getProperty(RECEIVED, Message.class);
        int deferrals = received.propertyExists(DEFERRALS) ? Math.max(0, received.getIntProperty(DEFERRALS)) : 0;
        Instant now = clock.instant();
        // empty: the key has just been freed (its holder had died), and the next delivery takes it
        Optional<Instant> leaseEnd = idempotency.inFlightUntil(exchange);
        if (leaseEnd.isPresent() && !leaseEnd.get().isAfter(now) && deferrals >= broker.getRedelivery().getMaxDeliveryAttempts()) {
            // a key still held past its lease, after as many tries as a failing message gets: dead-lettered with
            // the reason, never put back for ever
            throw new ProblemException(409, "idempotency_key_in_use", "Idempotency key in use",
                    "The request with this idempotencyKey has still not created its charge after " + deferrals
                            + " tries; send this one again later",
                    List.of(new FieldError(IDEMPOTENCY_KEY, "a request with this key is in flight")));
        }
        Instant keyFreed = Collections.max(List.of(leaseEnd.orElse(now), now)).plus(KEY_LEASE_MARGIN);
        Instant due = Collections.min(List.of(keyFreed, now.plus(broker.getRedelivery().delayAfter(deferrals + 1))));
        jms.execute(session -> {
            Message again = deadLetters.requestCopy(session, received);
            again.setIntProperty(DEFERRALS, deferrals + 1);
            again.setLongProperty(OutboxRelay.SCHEDULED_DELIVERY, due.toEpochMilli());
            Address.of(received.getJMSDestination()).send(session, again);
            return null;
        });
        exchange.setProperty(DEFERRED, true);
        log.info("the request with this idempotency key has not created its charge yet: back on the queue at {}", due);
    }

    /**
     * The end of an asynchronous charge's processing in this exchange: the charge as it stands becomes the body
     * (and the stored idempotent response), and goes to the JMSReplyTo unless another round is scheduled.
     */
    public void result(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge, Exchange exchange) {
        // a duplicate answers with the charge as stored; otherwise this exchange holds what it just wrote
        boolean fromStore = Boolean.TRUE.equals(exchange.getProperty(ANSWER_FROM_STORE, Boolean.class));
        ChargeRepository.StoredCharge stored = fromStore ? repository.findCharge(charge.id()).orElseThrow() : charge.stored();
        String body;
        if (!fromStore && charge.rendered() != null) {
            body = charge.rendered().toString();
        } else {
            List<ChargeRepository.StoredAttempt> attempts = fromStore ? repository.findAttempts(charge.id())
                    : charge.attempts().stream().map(a -> ChargeRepository.StoredAttempt.of(a, null)).toList();
            body = chargeJson.render(stored, attempts).toString();
        }
        org.apache.camel.Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, charge.nextRoundScheduled() ? 202 : 201);
        out.setBody(body);
        if (charge.replyTo() != null && !charge.nextRoundScheduled()) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("chargeId", stored.id());
            properties.put("status", stored.status().wire());
            properties.put(MERCHANT_ID, stored.merchantId());
            send(charge.replyTo(), body, properties);
        }
    }

    /** Sends on the consumer's transacted session (it commits with the message's acknowledgement). */
    void send(ChargeContext.ReplyTo to, String body, Map<String, Object> properties) {
        jms.execute(session -> {
            Message reply = Address.text(session, body, properties);
            reply.setJMSCorrelationID(to.correlationId());
            Address.parse(to.destination()).send(session, reply);
            return null;
        });
    }

    private static ChargeContext.ReplyTo replyTo(Message message) throws JMSException {
        ChargeContext.ReplyTo requested = requestedReplyTo(message);
        if (requested != null && isInternal(requested)) {
            throw ProblemException.invalid("JMSReplyTo", "must be the producer's own queue (a temporary queue), not a PayRoute address");
        }
        return requested;
    }

    /**
     * Where the message asks its answer to go, with the correlation id the answer carries (the request's, or its
     * message id); null when it asks for none.
     */
    static ChargeContext.ReplyTo requestedReplyTo(Message message) throws JMSException {
        if (message.getJMSReplyTo() == null) {
            return null;
        }
        String correlation = message.getJMSCorrelationID() != null ? message.getJMSCorrelationID() : producersMessageId(message);
        return new ChargeContext.ReplyTo(Address.of(message.getJMSReplyTo()).toString(), correlation);
    }

    /** A PayRoute address: never a place PayRoute sends a producer's answer to. */
    static boolean isInternal(ChargeContext.ReplyTo replyTo) {
        return Address.parse(replyTo.destination()).name().startsWith("payroute.");
    }

    /**
     * The merchant a message is for: a producer sends for the merchant its broker user is configured with (and
     * may say so in merchantId). A dead letter PayRoute replays is held to its original producer's merchant.
     */
    String merchant(Message message) throws JMSException {
        String user = validatedUser(message);
        if (user == null) {
            throw forbidden("the message carries no sender: the broker must run with io.payroute.broker.SenderStampPlugin");
        }
        if (user.equals(serviceUser)) {
            String producer = message.getStringProperty(ON_BEHALF_OF);
            if (producer == null) {
                throw forbidden("a request PayRoute sends must name the producer it replays (" + ON_BEHALF_OF + ")");
            }
            user = producer;
        }
        String sender = user;
        String allowed = broker.user(sender).map(BrokerProperties.User::getMerchant)
                .orElseThrow(() -> forbidden("broker user " + sender + " may not send charges"));
        String claimed = message.getStringProperty(MERCHANT_ID);
        if (claimed != null && !claimed.equals(allowed)) {
            throw forbidden("broker user " + sender + " may not send charges for merchant " + claimed);
        }
        return allowed;
    }

    /**
     * Makes {@code copy} the same request as {@code original}: a request sent without a key is known by its
     * message id, which a copy does not keep, so the copy carries it as its key. A dead letter replayed is then
     * recognised as the request that may have created a charge before it was dead-lettered.
     */
    static void keepIdempotencyKey(Message original, Message copy) throws JMSException {
        if (!original.propertyExists(IDEMPOTENCY_KEY)) {
            copy.setStringProperty(IDEMPOTENCY_KEY, producersMessageId(original));
        }
    }

    /**
     * The message id the producer gave the message, which a request without a key is known by. A message sent over
     * AMQP reaches PayRoute's CORE consumer converted anew on each delivery, with a new JMSMessageID each time; the
     * producer's own id travels in {@link FilterConstants#NATIVE_MESSAGE_ID}.
     */
    static String producersMessageId(Message message) throws JMSException {
        String amqpId = message.getStringProperty(FilterConstants.NATIVE_MESSAGE_ID);
        return amqpId != null && ChargeFlow.validIdempotencyKey(amqpId) ? amqpId : message.getJMSMessageID();
    }

    /** Who sent the message, as the broker stamped it ({@link SenderStampPlugin}). */
    static String validatedUser(Message message) throws JMSException {
        return message.getStringProperty(SenderStampPlugin.PROPERTY);
    }

    private static ProblemException forbidden(String detail) {
        return new ProblemException(403, "merchant_not_allowed", "Merchant not allowed", detail,
                List.of(new FieldError(MERCHANT_ID, detail)));
    }

    private static byte[] body(Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            return text.getText() == null ? new byte[0] : text.getText().getBytes(StandardCharsets.UTF_8);
        }
        if (message instanceof BytesMessage bytes) {
            if (bytes.getBodyLength() > ChargeRequestParser.MAX_BODY_BYTES) {
                throw ChargeRequestParser.tooLarge();
            }
            return readBytes(bytes, ChargeRequestParser.MAX_BODY_BYTES);
        }
        throw ProblemException.invalid("body", "send the JSON request as a text (or bytes) message");
    }

    /** At most {@code max} bytes of a bytes message's body, from its start (however much was read before). */
    static byte[] readBytes(BytesMessage message, int max) throws JMSException {
        byte[] body = new byte[(int) Math.min(message.getBodyLength(), max)];
        message.reset();
        message.readBytes(body);
        return body;
    }
}
