package io.payroute.webhook.inbound;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payroute.api.ChargeFlow;
import io.payroute.api.LogContext;
import io.payroute.api.ProblemException;
import io.payroute.api.Responses;
import io.payroute.charge.AttemptResult;
import io.payroute.charge.ChargeRepository;
import io.payroute.charge.ChargeRepository.StoredAttempt;
import io.payroute.charge.ChargeRepository.StoredCharge;
import io.payroute.charge.ChargeService;
import io.payroute.charge.ChargeStatus;
import io.payroute.charge.Ids;
import io.payroute.charge.Outcome;
import io.payroute.merchant.ProviderAccounts;
import io.payroute.observability.ChargeMetrics;
import io.payroute.provider.Mappings;
import io.payroute.provider.ProviderCall;
import io.payroute.provider.ProviderCalls;
import io.payroute.provider.ProviderProperties;
import io.payroute.provider.Redaction;
import io.payroute.refund.RefundRepository;
import io.payroute.refund.RefundRepository.StoredRefund;
import io.payroute.refund.RefundStatus;
import io.payroute.refund.Refunds;
import io.payroute.routing.ProviderRouter;
import io.payroute.secrets.Digests;
import io.payroute.webhook.signing.WebhookVerifier;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Provider webhooks (bean {@code providerWebhooks}, routes/webhooks.yaml): verified over the raw body and queued
 * at once ({@link #verify}), then, on a consumer, read into a canonical {@link ProviderEvent} by the provider's
 * webhook mapping ({@link #normalize}) and applied to the attempt and charge it is about ({@link #apply}).
 * <p>
 * A webhook is only ever a claim about an attempt PayRoute made: it settles an open charge through the state
 * machine (as reconciliation does), never moves a final charge, never reopens one, and is applied once per
 * provider event. What it could not apply is kept and reported (admin API), never dropped.
 */
@Component("providerWebhooks")
public class ProviderWebhooks {

    /** Exchange properties of the consumer route. */
    public static final String EVENT = "providerEvent";
    public static final String ACTIONABLE = "webhookActionable";
    public static final String CONFIRM = "confirmByStatusQuery";
    static final String ATTEMPT = "webhookAttempt";
    /** The refund a refund event is about (also under Refunds.PROPERTY while it is worked). */
    public static final String REFUND = "webhookRefund";
    static final String DUPLICATE = "webhookDuplicate";
    /** Message headers on the queued webhook. */
    static final String PROVIDER = "provider";
    /** Set when the webhook came to a merchant's own URL: it may only touch that merchant's objects. */
    static final String MERCHANT = "merchant";
    static final String RECEIVED_AT = "receivedAt";
    /** provider_webhooks.provider_event_id: the key a webhook is applied once by, so never cut short. */
    private static final int MAX_EVENT_ID = 255;
    private static final Logger log = LoggerFactory.getLogger(ProviderWebhooks.class);

    private final Map<String, WebhookVerifier> verifiers = new LinkedHashMap<>();
    private final ProviderProperties providers;
    private final ProviderAccounts accounts;
    private final Mappings mappings;
    private final ChargeRepository charges;
    private final ChargeService chargeService;
    private final ProviderWebhookRepository repository;
    private final RefundRepository refundRepository;
    private final Refunds refunds;
    private final TransactionTemplate tx;
    private final ChargeMetrics metrics;
    private final ObjectMapper json;
    private final Clock clock;

    public ProviderWebhooks(ProviderProperties providers, ProviderAccounts accounts, Mappings mappings, ChargeRepository charges,
                            ChargeService chargeService, ProviderWebhookRepository repository,
                            RefundRepository refundRepository, Refunds refunds, TransactionTemplate tx,
                            ChargeMetrics metrics, ObjectMapper json, Clock clock) {
        this.providers = providers;
        this.accounts = accounts;
        this.mappings = mappings;
        this.charges = charges;
        this.chargeService = chargeService;
        this.repository = repository;
        this.refundRepository = refundRepository;
        this.refunds = refunds;
        this.tx = tx;
        this.metrics = metrics;
        this.json = json;
        this.clock = clock;
        providers.getProviders().forEach((name, p) -> {
            ProviderProperties.Webhook w = p.getWebhook();
            if (p.isEnabled() && w != null) {
                try {
                    verifiers.put(name, verifier(w, w.getSecret()));
                } catch (RuntimeException e) {
                    throw new IllegalStateException("invalid payroute.providers." + name + ".webhook: " + e.getMessage(), e);
                }
            }
        });
    }

    /**
     * REST step: 401 problem unless the provider's scheme proves the body is the provider's; nothing is read
     * from an unverified body. Leaves the raw body and the provider on the message, for the queue.
     */
    public void verify(Exchange exchange) {
        Message in = exchange.getMessage();
        ChargeFlow.correlate(exchange);
        String provider = in.getHeader(PROVIDER, String.class);
        String merchant = in.getHeader(MERCHANT, String.class);
        WebhookVerifier verifier = provider == null ? null : merchant == null ? verifiers.get(provider) : merchantVerifier(provider, merchant);
        if (verifier == null) {
            throw ProblemException.notFound("webhook endpoint for provider '" + String.valueOf(provider).replaceAll("[^a-z0-9_-]", "") + "'"
                    + (merchant == null ? "" : " and this merchant"));
        }
        byte[] body = in.getBody(byte[].class);
        byte[] raw = body == null ? new byte[0] : body;
        if (!verifier.verify(raw, name -> in.getHeader(name, String.class), clock.instant())) {
            metrics.providerWebhook(provider, "signature_rejected");
            log.warn("{} webhook refused: signature does not verify ({} bytes)", provider, raw.length);
            throw new ProblemException(401, "invalid_signature", "Invalid signature",
                    "The webhook's signature does not verify for " + provider + "; nothing was changed");
        }
        in.removeHeaders("*");
        in.setHeader(PROVIDER, provider);
        if (merchant != null) {
            in.setHeader(MERCHANT, merchant);
        }
        in.setHeader(RECEIVED_AT, clock.instant().toEpochMilli());
        in.setHeader(LogContext.MESSAGE_PROPERTY, exchange.getProperty(ChargeFlow.REQUEST_ID));
        in.setBody(raw);
    }

    /**
     * The provider's scheme with the merchant's own secret (the account field {@code webhook.account-secret}), for
     * a merchant whose provider account sends its webhooks to {@code /v1/webhooks/{provider}/{merchant}}.
     */
    private WebhookVerifier merchantVerifier(String provider, String merchant) {
        ProviderProperties.Provider p = providers.getProviders().get(provider);
        if (p == null || !p.isEnabled() || p.getWebhook() == null || !merchant.matches("^[a-z0-9_]{3,64}$")) {
            return null;
        }
        ProviderProperties.Webhook w = p.getWebhook();
        return accounts.credential(merchant, provider, w.getAccountSecret()).map(secret -> verifier(w, secret)).orElse(null);
    }

    /** The provider's configured scheme, with {@code secret} (the platform's, or a merchant account's). */
    private static WebhookVerifier verifier(ProviderProperties.Webhook w, String secret) {
        return WebhookVerifier.of(WebhookVerifier.Scheme.fromConfig(w.getScheme()), w.getHeader(), secret, w.getAlgorithm(),
                w.getTolerance());
    }

    /** REST step once the webhook is on the queue: the provider may stop retrying. */
    public void acknowledge(Exchange exchange) {
        Responses.json(exchange, 200, "{\"received\":true}");
    }

    /**
     * Consumer step: the canonical event, the attempt it is about, and whether it still has anything to apply.
     * When it has, the message body becomes the provider's status answer the webhook carries (for
     * charge-response.jsonata), and the provider call is set up in case the provider's outcome is confirmed by a
     * status query instead. A body the mapping cannot read is refused (dead-lettered with the reason).
     */
    public void normalize(Exchange exchange) {
        LogContext.continueFrom(exchange);
        Message in = exchange.getMessage();
        String provider = in.getHeader(PROVIDER, String.class);
        byte[] raw = in.getBody(byte[].class);
        Long receivedAt = in.getHeader(RECEIVED_AT, Long.class);
        JsonNode mapped = map(provider, raw);
        String eventId = text(mapped, "event_id");
        ProviderEvent event = new ProviderEvent(provider, eventId != null ? eventId : "sha256:" + Digests.sha256Hex(raw),
                text(mapped, "type"), text(mapped, "object"), text(mapped, "reference"), text(mapped, "charge_reference"),
                text(mapped, "provider_reference"), mapped.path("amount").canConvertToLong() ? mapped.get("amount").asLong() : null,
                text(mapped, "currency"), receivedAt == null ? clock.instant() : Instant.ofEpochMilli(receivedAt),
                Redaction.redactText(new String(raw, StandardCharsets.UTF_8)));
        boolean isRefund = "refund".equals(event.object());
        String merchant = in.getHeader(MERCHANT, String.class);
        // a webhook to a merchant's own URL, signed with its own secret, speaks only for that merchant's objects
        Optional<StoredAttempt> attempt = isRefund ? Optional.empty() : attemptOf(event)
                .filter(a -> merchant == null || ownedBy(Ids.chargeOfAttemptReference(a.attemptReference()).orElseThrow(), merchant));
        Optional<StoredRefund> refund = isRefund ? refundOf(event).filter(r -> merchant == null || r.merchantId().equals(merchant))
                : Optional.empty();
        boolean duplicate = repository.exists(provider, event.eventId());
        boolean actionable = !duplicate && (isRefund ? refund.isPresent() : attempt.isPresent() && "charge".equals(event.object()));
        ProviderCalls.resetCallState(exchange);
        exchange.setProperty(EVENT, event);
        exchange.setProperty(ATTEMPT, attempt.orElse(null));
        exchange.setProperty(REFUND, refund.orElse(null));
        exchange.setProperty(DUPLICATE, duplicate);
        exchange.setProperty(ACTIONABLE, actionable);
        exchange.setProperty(ProviderRouter.PROVIDER, provider);
        exchange.setProperty(CONFIRM, providers.getProviders().get(provider).getWebhook().isConfirmByStatusQuery());
        if (actionable && isRefund) {
            exchange.setProperty(Refunds.PROPERTY, refund.get());
            in.setBody(mapped.get("response"));
        } else if (actionable) {
            StoredAttempt a = attempt.get();
            String chargeId = Ids.chargeOfAttemptReference(a.attemptReference()).orElseThrow();
            exchange.setProperty(ProviderCall.PROPERTY, new ProviderCall(chargeId, charges.findCharge(chargeId).orElseThrow().merchantId(),
                    provider, a.attemptReference(), a.providerReference() != null ? a.providerReference() : event.providerReference()));
            in.setBody(mapped.get("response"));
        }
    }

    private JsonNode map(String provider, byte[] raw) {
        JsonNode body;
        try {
            body = json.readTree(raw);
        } catch (IOException e) {
            throw new ProblemException(400, "invalid_webhook_body", "Invalid webhook body",
                    "A verified " + provider + " webhook is not JSON");
        }
        JsonNode mapped;
        try {
            mapped = mappings.map(provider, "webhook", body);
            if (mapped == null || !mapped.isObject()) {
                throw new IllegalStateException("the mapping produced no object");
            }
        } catch (RuntimeException e) {
            throw unmappable(provider, e.getMessage());
        }
        // what is stored or looked up as text must fit and be text: a verified body is still the provider's data
        for (String field : new String[] {"event_id", "type", "reference", "charge_reference", "provider_reference"}) {
            String value = text(mapped, field);
            if (value != null && value.codePoints().anyMatch(Character::isISOControl)) {
                throw unmappable(provider, field + " contains control characters");
            }
        }
        String eventId = text(mapped, "event_id");
        if (eventId != null && eventId.length() > MAX_EVENT_ID) {
            throw unmappable(provider, "event_id is longer than " + MAX_EVENT_ID + " characters");
        }
        return mapped;
    }

    private static ProblemException unmappable(String provider, String why) {
        return new ProblemException(422, "unmappable_webhook", "Unmappable webhook",
                "mappings/" + provider + "/webhook.jsonata could not read this webhook: " + why);
    }

    /**
     * By the provider's refund id, or PayRoute's refund reference when the payload carries it, or (a refund event
     * that names neither, like Paystack's) the one pending refund of that amount on the charge it names.
     */
    private Optional<StoredRefund> refundOf(ProviderEvent event) {
        if (event.providerReference() != null) {
            Optional<StoredRefund> byProvider = refundRepository.findByProviderReference(event.provider(), event.providerReference());
            if (byProvider.isPresent()) {
                return byProvider;
            }
        }
        if (event.reference() != null && event.reference().matches("^rf-[0-9a-z]{26}$")) {
            return refundRepository.find(event.reference().replaceFirst("^rf-", "rf_")).filter(r -> r.provider().equals(event.provider()));
        }
        List<StoredRefund> candidates = Ids.chargeOfAttemptReference(event.chargeReference())
                .map(refundRepository::forCharge).orElse(List.of()).stream()
                .filter(r -> r.provider().equals(event.provider()) && r.status() == RefundStatus.PENDING
                        && event.amount() != null && r.amount() == event.amount())
                .toList();
        // two pending refunds of the same amount cannot be told apart: reconciliation settles them instead
        return candidates.size() == 1 ? Optional.of(candidates.get(0)) : Optional.empty();
    }

    private boolean ownedBy(String chargeId, String merchant) {
        return charges.findCharge(merchant, chargeId).isPresent();
    }

    private Optional<StoredAttempt> attemptOf(ProviderEvent event) {
        return Ids.chargeOfAttemptReference(event.reference()).flatMap(chargeId -> charges.findAttempts(chargeId).stream()
                .filter(a -> a.attemptReference().equals(event.reference()) && a.provider().equals(event.provider()))
                .findFirst());
    }

    /** Consumer step: records the event with what it did and, when it settles an open charge, settles it. */
    public void apply(@ExchangeProperty(EVENT) ProviderEvent event, Exchange exchange) {
        if (Boolean.TRUE.equals(exchange.getProperty(DUPLICATE, Boolean.class))) {
            metrics.providerWebhook(event.provider(), "duplicate");
            log.info("{} webhook {} already received: ignored", event.provider(), event.eventId());
            return;
        }
        StoredAttempt attempt = exchange.getProperty(ATTEMPT, StoredAttempt.class);
        StoredRefund refund = exchange.getProperty(REFUND, StoredRefund.class);
        AttemptResult answer = exchange.getProperty(ChargeService.ATTEMPT_RESULT, AttemptResult.class);
        AtomicReference<Decision> outcome = new AtomicReference<>();
        try {
            tx.executeWithoutResult(status -> {
                Decision d = "refund".equals(event.object()) ? decideRefund(event, refund, answer) : decide(event, attempt, answer);
                repository.insert(event, d.chargeId(), d.status(), d.result(), d.detail(), clock.instant());
                if (d.result().equals("applied") && refund != null) {
                    refunds.apply(refund, answer);
                } else if (d.result().equals("applied")) {
                    chargeService.settleFromProvider(d.chargeId(), attempt, answer);
                }
                outcome.set(d);
            });
        } catch (DuplicateKeyException concurrentDuplicate) {
            metrics.providerWebhook(event.provider(), "duplicate");
            return;
        }
        Decision d = outcome.get();
        metrics.providerWebhook(event.provider(), d.result());
        switch (d.result()) {
            case "conflict" -> log.error("{} webhook {} contradicts charge {}: {}", event.provider(), event.eventId(),
                    d.chargeId(), d.detail());
            case "unmatched" -> log.warn("{} webhook {} matches no attempt: {}", event.provider(), event.eventId(), d.detail());
            default -> log.info("{} webhook {} ({}): {} {}", event.provider(), event.eventId(), event.type(), d.result(),
                    d.detail() == null ? "" : d.detail());
        }
    }

    private record Decision(String result, String chargeId, String status, String detail) {
    }

    /** What a refund event means for the refund as it stands now. */
    private Decision decideRefund(ProviderEvent event, StoredRefund known, AttemptResult answer) {
        if (known == null) {
            return new Decision("unmatched", null, null, "no refund at " + event.provider() + " has the id "
                    + event.providerReference() + (event.reference() == null ? "" : " or reference " + event.reference()));
        }
        StoredRefund refund = refundRepository.find(known.id()).orElseThrow();
        if (answer == null || answer.outcome() == Outcome.UNKNOWN || answer.outcome() == Outcome.PENDING) {
            return new Decision("no_change", refund.chargeId(), null, "refund " + refund.id() + " not settled by this answer");
        }
        RefundStatus reported = answer.outcome() == Outcome.SUCCESS ? RefundStatus.SUCCEEDED : RefundStatus.FAILED;
        if (refund.status() == reported) {
            return new Decision("no_change", refund.chargeId(), reported.wire(), "refund " + refund.id() + " is already " + reported.wire());
        }
        if (refund.status().isFinal()) {
            return new Decision("conflict", refund.chargeId(), reported.wire(), "the provider reports refund " + refund.id() + " "
                    + reported.wire() + " but it is " + refund.status().wire() + "; an operator must reconcile it");
        }
        return new Decision("applied", refund.chargeId(), reported.wire(), "refund " + refund.id() + " pending -> " + reported.wire());
    }

    /** What the event means for the charge as it stands now (read inside the transaction that applies it). */
    private Decision decide(ProviderEvent event, StoredAttempt attempt, AttemptResult answer) {
        if (!"charge".equals(event.object())) {
            return new Decision("ignored", null, null, "PayRoute does not act on " + event.type() + " events");
        }
        if (attempt == null) {
            return new Decision("unmatched", null, null, "no attempt at " + event.provider() + " has the reference "
                    + event.reference());
        }
        String chargeId = Ids.chargeOfAttemptReference(attempt.attemptReference()).orElseThrow();
        if (answer == null || answer.outcome() == Outcome.UNKNOWN || answer.outcome() == Outcome.NOT_CHARGED) {
            return new Decision("no_change", chargeId, null, "the provider's answer settles nothing"
                    + (answer == null ? "" : " (" + answer.code() + ")"));
        }
        ChargeStatus reported = answer.outcome() == Outcome.SUCCESS ? ChargeStatus.SUCCEEDED
                : answer.outcome() == Outcome.DECLINED ? ChargeStatus.FAILED
                : answer.status() == null ? ChargeStatus.PENDING : answer.status();
        StoredCharge charge = charges.findCharge(chargeId).orElseThrow();
        if (reported == ChargeStatus.SUCCEEDED && event.amount() != null && event.amount() != charge.amount()) {
            return new Decision("conflict", chargeId, reported.wire(), "the provider reports " + event.amount()
                    + " captured, the charge is for " + charge.amount());
        }
        if (charge.status().isFinal()) {
            if (charge.status() == reported || !reported.isFinal()) {
                return new Decision("no_change", chargeId, reported.wire(), "the charge is already " + charge.status().wire());
            }
            return new Decision("conflict", chargeId, reported.wire(), "the provider reports " + reported.wire()
                    + " but the charge is " + charge.status().wire() + "; an operator must reconcile it");
        }
        int lastSeq = charges.findAttempts(chargeId).stream().mapToInt(StoredAttempt::seq).max().orElse(attempt.seq());
        if (attempt.seq() != lastSeq) {
            return reported == ChargeStatus.SUCCEEDED
                    ? new Decision("conflict", chargeId, reported.wire(), "the provider reports an earlier attempt ("
                            + attempt.attemptReference() + ") succeeded while a later one is open")
                    : new Decision("no_change", chargeId, reported.wire(), "about an earlier attempt");
        }
        if (charge.status() == reported) {
            return new Decision("no_change", chargeId, reported.wire(), "the charge is already " + reported.wire());
        }
        return new Decision("applied", chargeId, reported.wire(), charge.status().wire() + " -> " + reported.wire());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isMissingNode() ? null : v.asText();
    }
}
