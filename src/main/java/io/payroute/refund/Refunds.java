package io.payroute.refund;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.api.ChargeFlow;
import io.payroute.api.ProblemException;
import io.payroute.api.ProblemException.FieldError;
import io.payroute.api.Responses;
import io.payroute.charge.AttemptResult;
import io.payroute.charge.ChargeEvents;
import io.payroute.charge.ChargeRepository;
import io.payroute.charge.ChargeRepository.StoredCharge;
import io.payroute.charge.ChargeService;
import io.payroute.charge.ChargeStatus;
import io.payroute.charge.Ids;
import io.payroute.charge.Outcome;
import io.payroute.idempotency.JdbcIdempotencyRepository;
import io.payroute.merchant.MerchantAuth;
import io.payroute.provider.ProviderCall;
import io.payroute.provider.ProviderCalls;
import io.payroute.reconciliation.ReconciliationSchedule;
import io.payroute.refund.RefundRepository.StoredRefund;
import io.payroute.routing.ProviderRouter;
import io.payroute.secrets.Digests;
import io.payroute.state.RefundStateMachine;
import io.payroute.api.RequestFields;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refunds (bean {@code refunds}, routes/refunds.yaml): {@code POST /v1/charges/{id}/refunds} reserves the amount
 * on the charge (a conditional UPDATE: refunds can never exceed what was captured, whatever the concurrency),
 * records the refund pending with its event, asks the provider that captured the charge through
 * {@code mappings/<provider>/refund-*.jsonata}, and settles it from the answer; a pending or unknown answer is
 * settled later by reconciliation or the provider's webhook. A failed refund gives its reservation back.
 */
@Component("refunds")
public class Refunds {

    /** Exchange property: the refund being created ({@link Pending}), then stored. */
    public static final String PROPERTY = "refund";
    private static final List<String> FIELDS = List.of("amount", "reason", "metadata");
    private static final Logger log = LoggerFactory.getLogger(Refunds.class);

    /** A refund request accepted for processing. */
    public record Pending(String refundId, StoredCharge charge, Long requestedAmount, String reason, Instant createdAt) {
    }

    private final RefundRepository refunds;
    private final ChargeRepository charges;
    private final ChargeEvents events;
    private final JdbcIdempotencyRepository idempotency;
    private final ReconciliationSchedule schedule;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;

    public Refunds(RefundRepository refunds, ChargeRepository charges, ChargeEvents events, JdbcIdempotencyRepository idempotency,
                   ReconciliationSchedule schedule, TransactionTemplate tx,
                   ObjectMapper json, Clock clock) {
        this.refunds = refunds;
        this.charges = charges;
        this.events = events;
        this.idempotency = idempotency;
        this.schedule = schedule;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    /** Validates the request; 404 for another merchant's or no charge, 409 unless the charge succeeded. */
    public void accept(Exchange exchange) {
        Message in = exchange.getMessage();
        ChargeFlow.correlate(exchange);
        String key = in.getHeader("Idempotency-Key", String.class);
        StoredCharge charge = charge(exchange);
        byte[] raw = Responses.bytes(in);
        Long amount = null;
        String reason = null;
        if (raw != null && raw.length > 0) {
            ObjectNode body = Responses.jsonObject(in, json);
            List<FieldError> errors = new ArrayList<>();
            RequestFields.rejectUnknown(body, FIELDS, errors);
            JsonNode a = body.get("amount");
            if (a != null && !a.isNull()) {
                if (!a.isIntegralNumber() || !a.canConvertToLong() || a.asLong() < 1) {
                    errors.add(new FieldError("amount", "must be a positive integer in minor units"));
                } else if (a.asLong() > charge.amount()) {
                    errors.add(new FieldError("amount", "must not exceed the charge's amount " + charge.amount()));
                } else {
                    amount = a.asLong();
                }
            }
            reason = RequestFields.optionalText(body.get("reason"), "reason", 500, errors);
            if (body.has("metadata") && !body.get("metadata").isObject()) {
                errors.add(new FieldError("metadata", "must be an object"));
            }
            if (!errors.isEmpty()) {
                throw ProblemException.invalid(errors);
            }
        }
        in.removeHeaders("*");
        if (charge.status() != ChargeStatus.SUCCEEDED) {
            throw new ProblemException(409, "charge_not_refundable", "Charge not refundable",
                    "Only a succeeded charge can be refunded; this one is " + charge.status().wire());
        }
        if (key != null) {
            if (!ChargeFlow.validIdempotencyKey(key)) {
                throw ProblemException.invalid("Idempotency-Key", "must be 1 to 255 printable ASCII characters");
            }
            exchange.setProperty(JdbcIdempotencyRepository.KEY, key);
            exchange.setProperty(JdbcIdempotencyRepository.SCOPE, charge.merchantId() + ":" + key);
            exchange.setProperty(JdbcIdempotencyRepository.FINGERPRINT,
                    Digests.sha256Hex("refund|" + charge.id() + "|" + (amount == null ? "full" : amount) + "|" + (reason == null ? "" : reason)));
        }
        exchange.setProperty(PROPERTY, new Pending(Ids.refund(), charge, amount, reason, clock.instant()));
    }

    /**
     * Reserves the amount and records the refund pending, with its event, in one transaction; 409 naming
     * {@code amount} when it would take refunds over what was captured.
     */
    public void open(@ExchangeProperty(PROPERTY) Pending pending, Exchange exchange) {
        StoredCharge charge = pending.charge();
        Instant now = pending.createdAt();
        StoredRefund refund = tx.execute(s -> {
            long amount = pending.requestedAmount() != null ? pending.requestedAmount() : refunds.refundable(charge.id());
            if (amount < 1 || !refunds.reserve(charge.id(), amount)) {
                long left = refunds.refundable(charge.id());
                throw new ProblemException(409, "refund_exceeds_charge", "Refund exceeds charge",
                        "Refunds of this charge may total at most " + charge.amount() + "; " + left + " is left to refund",
                        List.of(new FieldError("amount", left == 0 ? "the charge is fully refunded" : "at most " + left)));
            }
            StoredRefund r = new StoredRefund(pending.refundId(), charge.id(), charge.merchantId(), amount, charge.currency(),
                    RefundStatus.PENDING, charge.provider(), null, pending.reason(), null, null, now, now);
            // if this instance dies mid-call, reconciliation asks the provider about the refund
            refunds.insert(r, schedule.inFlightDeadline(charge.provider(), now));
            events.recordRefund("refund.created", charge.id(), charge.merchantId(), r.id(), null, r.status().wire(), render(r), now);
            idempotency.bindCharge(exchange, r.id());
            return r;
        });
        exchange.setProperty(PROPERTY, refund);
    }

    /** The canonical input of mappings/&lt;provider&gt;/refund-request.jsonata, and the provider call it is. */
    public void requestInput(@ExchangeProperty(PROPERTY) StoredRefund refund, Exchange exchange) {
        StoredCharge charge = charges.findCharge(refund.chargeId()).orElseThrow();
        ProviderCalls.resetCallState(exchange);
        exchange.setProperty(ProviderRouter.PROVIDER, refund.provider());
        exchange.setProperty(ProviderCall.PROPERTY, new ProviderCall(charge.id(), charge.merchantId(), refund.provider(),
                reference(refund), refund.providerReference()));
        exchange.getMessage().setBody(mappingInput(refund, charge));
        ProviderCalls.callKind(exchange, "refund");
    }

    /** As {@link #requestInput}, for a status query about a refund already requested. */
    public void statusInput(@ExchangeProperty(PROPERTY) StoredRefund refund, Exchange exchange) {
        requestInput(refund, exchange);
        ProviderCalls.callKind(exchange, "status");
    }

    /** The input of the refund mappings: the refund, and the captured charge it gives money back from. */
    Map<String, Object> mappingInput(StoredRefund refund, StoredCharge charge) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("refund_id", refund.id());
        in.put("reference", reference(refund));
        in.put("provider_reference", refund.providerReference());
        in.put("amount", refund.amount());
        in.put("amount_major", ProviderCalls.amountMajor(refund.amount(), refund.currency()));
        in.put("currency", refund.currency());
        in.put("reason", refund.reason());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", charge.id());
        c.put("provider_reference", charge.providerReference());
        c.put("amount", charge.amount());
        in.put("charge", c);
        return in;
    }

    /** Applies the provider's answer to the refund just requested. */
    public void settle(@ExchangeProperty(PROPERTY) StoredRefund refund, Exchange exchange) {
        AttemptResult result = exchange.getProperty(ChargeService.ATTEMPT_RESULT, AttemptResult.class);
        exchange.setProperty(PROPERTY, apply(refund, result));
    }

    /**
     * Moves a pending refund by what the provider said: SUCCESS → succeeded; DECLINED or NOT_CHARGED (refused,
     * nothing refunded) → failed, reservation released; PENDING or UNKNOWN → stays pending, asked again later.
     * Returns the refund as it stands.
     */
    public StoredRefund apply(StoredRefund refund, AttemptResult result) {
        Instant now = clock.instant();
        RefundStatus next = switch (result.outcome()) {
            case SUCCESS -> RefundStatus.SUCCEEDED;
            case DECLINED, NOT_CHARGED -> RefundStatus.FAILED;
            default -> RefundStatus.PENDING;
        };
        StoredRefund current = refunds.find(refund.id()).orElseThrow();
        if (current.status().isFinal()) {
            return current;
        }
        if (next == RefundStatus.PENDING) {
            StoredRefund waiting = current.withOutcome(RefundStatus.PENDING, result.providerReference(), null, null, now);
            refunds.update(waiting, RefundStatus.PENDING, schedule.after(Outcome.UNKNOWN, refunds.checks(refund.id()), now));
            return waiting;
        }
        RefundStateMachine.check(refund.id(), current.status(), next);
        boolean failed = next == RefundStatus.FAILED;
        StoredRefund settled = current.withOutcome(next, result.providerReference(), failed ? result.code() : null,
                failed ? result.message() : null, now);
        Boolean applied = tx.execute(s -> {
            if (!refunds.update(settled, RefundStatus.PENDING, null)) {
                return false;
            }
            if (failed) {
                refunds.release(settled.chargeId(), settled.amount());
            }
            events.recordRefund("refund." + next.wire(), settled.chargeId(), settled.merchantId(), settled.id(),
                    RefundStatus.PENDING.wire(), next.wire(), render(settled), now);
            return true;
        });
        if (Boolean.TRUE.equals(applied)) {
            log.info("refund {} of charge {}: {}{}", settled.id(), settled.chargeId(), next.wire(),
                    failed ? " (" + result.code() + ")" : "");
            return settled;
        }
        return refunds.find(refund.id()).orElseThrow();
    }

    public void respondCreated(@ExchangeProperty(PROPERTY) StoredRefund refund, Exchange exchange) {
        Responses.json(exchange, 201, render(refund).toString());
        exchange.getMessage().setHeader("Location", "/v1/refunds/" + refund.id());
    }

    /** GET /v1/refunds/{id}. */
    public void get(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (id == null || !id.matches("^rf_[0-9a-z]{26}$")) {
            throw ProblemException.notFound("refund " + (id == null ? "" : id.replaceAll("[^\\w-]", "")));
        }
        StoredRefund refund = refunds.find(MerchantAuth.merchantOf(exchange), id)
                .orElseThrow(() -> ProblemException.notFound("refund " + id));
        Responses.json(exchange, 200, render(refund).toString());
    }

    /** GET /v1/charges/{id}/refunds: the charge's refunds, oldest first, with what is left to refund. */
    public void list(Exchange exchange) {
        StoredCharge charge = charge(exchange);
        ObjectNode out = json.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        refunds.forCharge(charge.id()).forEach(r -> data.add(render(r)));
        out.put("charge", charge.id());
        out.put("amount", charge.amount());
        out.put("refundable", refunds.refundable(charge.id()));
        Responses.json(exchange, 200, out.toString());
    }

    public ObjectNode render(StoredRefund r) {
        ObjectNode n = json.createObjectNode();
        n.put("id", r.id());
        n.put("object", "refund");
        n.put("charge", r.chargeId());
        n.put("amount", r.amount());
        n.put("currency", r.currency());
        n.put("status", r.status().wire());
        n.put("reason", r.reason());
        n.put("provider", r.provider());
        n.put("provider_reference", r.providerReference());
        if (r.failureCode() != null || r.failureMessage() != null) {
            n.putObject("failure").put("code", r.failureCode()).put("message", r.failureMessage());
        } else {
            n.putNull("failure");
        }
        n.put("created_at", r.createdAt().toString());
        n.put("updated_at", r.updatedAt().toString());
        return n;
    }

    /** The reference PayRoute gives the provider for a refund (Stripe's Idempotency-Key and metadata). */
    public static String reference(StoredRefund refund) {
        return refund.id().replace('_', '-');
    }

    private StoredCharge charge(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (id == null || !id.matches("^ch_[0-9a-z]{26}$")) {
            throw ProblemException.notFound("charge " + (id == null ? "" : id.replaceAll("[^\\w-]", "")));
        }
        return charges.findCharge(MerchantAuth.merchantOf(exchange), id).orElseThrow(() -> ProblemException.notFound("charge " + id));
    }
}
