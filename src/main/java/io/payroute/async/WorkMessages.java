package io.payroute.async;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.payroute.api.LogContext;
import io.payroute.broker.BrokerProperties;
import io.payroute.charge.ChargeContext;
import io.payroute.outbox.Outbox;
import io.payroute.secrets.Sealer;
import org.springframework.stereotype.Component;

/**
 * The messages that carry an asynchronous charge to its next round on the work queue, and to the dead-letter
 * queue when it has had its last. The request travels sealed (AES-GCM, bound to the charge id): card numbers and
 * tokens never lie in clear in the outbox table or the broker's journal. Written through the outbox, inside the
 * transaction that makes the round due.
 */
@Component
public class WorkMessages {

    /** Properties of a work message (docs/queues.md, internal addresses). */
    static final String CHARGE_ID = "chargeId";
    static final String ROUND = "round";
    static final String MERCHANT_ID = "merchantId";
    static final String REPLY_TO = "replyTo";
    static final String CORRELATION_ID = "correlationId";
    static final String REQUEST_ID = LogContext.MESSAGE_PROPERTY;

    private final Outbox outbox;
    private final Sealer sealer;
    private final BrokerProperties.Addresses addresses;

    public WorkMessages(Outbox outbox, Sealer sealer, BrokerProperties broker) {
        this.outbox = outbox;
        this.sealer = sealer;
        this.addresses = broker.getAddresses();
    }

    /** Round {@code round} of {@code charge}, delivered by the broker at {@code at} (null: now). */
    public void send(ChargeContext charge, int round, Instant at, String requestId) {
        outbox.send("queue:" + addresses.getWork(), sealer.seal(charge.body(), charge.id()),
                properties(charge, round, requestId), at);
    }

    /** The charge's request, parked on the dead-letter queue with why it ended there and what was tried. */
    public void deadLetter(ChargeContext charge, String code, String reason, String history, String requestId) {
        Map<String, Object> properties = properties(charge, charge.round(), requestId);
        properties.put(DeadLetters.REASON, reason);
        properties.put(DeadLetters.CODE, code);
        properties.put(DeadLetters.HISTORY, history);
        properties.put(DeadLetters.ORIGINAL_ADDRESS, "queue:" + addresses.getWork());
        outbox.send("queue:" + addresses.getDeadLetters(), sealer.seal(charge.body(), charge.id()), properties, null);
    }

    private static Map<String, Object> properties(ChargeContext charge, int round, String requestId) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(CHARGE_ID, charge.id());
        p.put(ROUND, round);
        p.put(MERCHANT_ID, charge.request().merchantId());
        p.put(REQUEST_ID, requestId);
        if (charge.replyTo() != null) {
            p.put(REPLY_TO, charge.replyTo().destination());
            p.put(CORRELATION_ID, charge.replyTo().correlationId());
        }
        return p;
    }
}
