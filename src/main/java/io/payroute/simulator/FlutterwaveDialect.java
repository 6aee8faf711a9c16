package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Flutterwave v3: JSON under /v3, amounts in MAJOR units, envelope
 * {@code {"status": "success"|"error", "message", "data"}} with transaction status successful|pending|failed.
 * A decline is a 400 error envelope whose data is the failed transaction (status failed, processor_response).
 * A refund is {@code completed} at once (pending|completed|failed).
 */
final class FlutterwaveDialect implements ProviderDialect {
    private static final String TX_PREFIX = "/v3/transactions/";
    private static final String REFUND_PREFIX = "/v3/refunds/";
    private static final String NOT_FOUND = "No transaction was found for this id";
    /** The simulated merchant's account, and the wallet refunds are paid from. */
    private static final long ACCOUNT_ID = 1;
    private static final long WALLET_ID = 2;

    private final AtomicLong ids = new AtomicLong(7_000_000L);
    private final AtomicLong refundIds = new AtomicLong(8_600L);

    @Override
    public String name() {
        return Simulators.FLUTTERWAVE;
    }

    @Override
    public SimResponse handle(SimRequest req, ChargeDesk desk) {
        if (req.is("POST", "/v3/tokenized-charges")) {
            return desk.charge(attempt(req.jsonObject()));
        }
        if (req.is("GET", "/v3/transactions/verify_by_reference")) {
            String txRef = req.query("tx_ref");
            if (txRef == null || txRef.isBlank()) {
                throw SimException.badRequest("tx_ref is required", "tx_ref");
            }
            return verified(desk.byReference(txRef));
        }
        String verifyId = transactionId(req, "GET", "/verify");
        if (verifyId != null) {
            return verified(desk.byId(verifyId));
        }
        String refundId = transactionId(req, "POST", "/refund");
        if (refundId != null) {
            return refund(req, desk.byId(refundId), desk);
        }
        if (req.method().equals("GET") && req.path().startsWith(REFUND_PREFIX)) {
            return desk.refundById(req.path().substring(REFUND_PREFIX.length()))
                    .map(r -> SimResponse.json(200, envelope("success", "Refund fetched", refundData(r))))
                    .orElseGet(() -> error(ErrorKind.NOT_FOUND, "No refund was found for this id", null));
        }
        return error(ErrorKind.NOT_FOUND, "Cannot " + req.method() + " " + req.path(), null);
    }

    /** The {id} of {@code /v3/transactions/{id}<suffix>} when the request is that, else null. */
    private static String transactionId(SimRequest req, String method, String suffix) {
        String path = req.path();
        if (!req.method().equals(method) || !path.startsWith(TX_PREFIX) || !path.endsWith(suffix)
                || path.length() <= TX_PREFIX.length() + suffix.length()) {
            return null;
        }
        return path.substring(TX_PREFIX.length(), path.length() - suffix.length());
    }

    /** {@code amount} in MAJOR units, optional (all that is left); an empty body is allowed. */
    private SimResponse refund(SimRequest req, Optional<ChargeRecord> charge, ChargeDesk desk) {
        if (charge.isEmpty()) {
            return error(ErrorKind.BAD_REQUEST, NOT_FOUND, null);
        }
        ObjectNode body = req.body().length == 0 ? Json.object() : req.jsonObject();
        Long amount = body.hasNonNull("amount")
                ? Fields.majorToMinor(body.get("amount"), "amount", charge.get().entry().currency()) : null;
        String comments = Fields.text(body, "comments");
        return desk.refund(new RefundAttempt(String.valueOf(refundIds.incrementAndGet()), charge.get(), amount,
                comments == null ? Map.of() : Map.of("comments", comments)));
    }

    private SimResponse verified(Optional<ChargeRecord> record) {
        return record.map(r -> SimResponse.json(200, envelope("success", "Transaction fetched successfully", data(r))))
                .orElseGet(() -> error(ErrorKind.BAD_REQUEST, NOT_FOUND, null));
    }

    private ChargeAttempt attempt(ObjectNode body) {
        String token = Fields.requiredText(body, "token");
        String currency = Fields.currency(Fields.text(body, "currency"), "currency");
        long amount = Fields.majorToMinor(body.get("amount"), "amount", currency);
        String email = Fields.requiredText(body, "email");
        String txRef = Fields.requiredText(body, "tx_ref");
        return new ChargeAttempt(String.valueOf(ids.incrementAndGet()), txRef, true, amount, currency, token, null,
                email, meta(body.get("meta")));
    }

    /** meta as an object, or v3's list form [{"metaname": k, "metavalue": v}]. */
    private static Map<String, Object> meta(JsonNode n) {
        if (n != null && n.isArray()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (JsonNode item : n) {
                if (item.hasNonNull("metaname")) {
                    out.put(item.get("metaname").asText(), item.path("metavalue").asText(null));
                }
            }
            return out;
        }
        return Fields.metadata(n, "meta");
    }

    @Override
    public SimResponse renderCharge(ChargeRecord record) {
        ObjectNode data = data(record);
        return switch (record.outcome()) {
            case SUCCESS, TIMEOUT -> SimResponse.json(200, envelope("success", "Charge successful", data));
            case PENDING -> SimResponse.json(200, envelope("success", "Charge initiated", data));
            case REQUIRES_ACTION -> {
                ObjectNode n = envelope("success", "Charge initiated", data);
                // v3 tells the merchant how to complete authentication in a top-level meta.authorization
                ObjectNode auth = n.putObject("meta").putObject("authorization");
                auth.put("mode", "redirect");
                auth.put("redirect", "https://checkout.flutterwave.com/sim/3ds/" + record.entry().id());
                yield SimResponse.json(200, n);
            }
            default -> SimResponse.json(400, envelope("error", record.outcome().issuerMessage, data));
        };
    }

    @Override
    public SimResponse duplicate(ChargeAttempt attempt) {
        return error(ErrorKind.BAD_REQUEST, "Duplicate transaction reference: tx_ref " + attempt.reference() + " already exists", "tx_ref");
    }

    @Override
    public SimResponse invalidCard(ChargeAttempt attempt) {
        return error(ErrorKind.BAD_REQUEST, "Invalid card number", "card_number");
    }

    @Override
    public SimResponse error(ErrorKind kind, String message, String param) {
        String text = message != null ? message : switch (kind) {
            case UNAUTHORIZED -> "Invalid authorization key";
            case BAD_REQUEST -> "Invalid request";
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "Conflict";
            case RATE_LIMITED -> "Too many requests, please try again later";
            case SERVER_ERROR -> "An error occurred while processing the request";
            case UNAVAILABLE -> "Service unavailable, please try again later";
        };
        return SimResponse.json(kind.status, envelope("error", text, null));
    }

    /**
     * v3 announces successes and failures alike as {@code charge.completed}, the transaction (as verify returns it)
     * in data, and the payment type in a top-level {@code event.type}.
     */
    @Override
    public Optional<WebhookEvent> webhook(ChargeRecord record) {
        ObjectNode event = Json.object();
        event.put("event", "charge.completed");
        event.set("data", data(record));
        event.put("event.type", "CARD_TRANSACTION"); // tokenized charges are card payments
        return Optional.of(WebhookEvent.of("charge.completed", event));
    }

    @Override
    public RefundOutcome usualRefund() {
        return RefundOutcome.SUCCEEDED;
    }

    @Override
    public SimResponse renderRefund(RefundRecord refund) {
        return SimResponse.json(200, envelope("success", "Transaction refund initiated", refundData(refund)));
    }

    @Override
    public SimResponse refundRefused(RefundRefused refusal) {
        String currency = refusal.charge.entry().currency();
        return error(ErrorKind.BAD_REQUEST, switch (refusal.reason) {
            case FULLY_REFUNDED -> "Transaction has already been fully refunded";
            case AMOUNT_TOO_LARGE -> "Refund amount cannot be greater than the amount left to refund: "
                    + Fields.minorToMajor(refusal.refundable, currency).toPlainString() + " " + currency;
            case NOT_SUCCEEDED -> "Only successful transactions can be refunded";
        }, "amount");
    }

    /** None: the v3 documentation shows no refund webhook (only charge.completed); refunds are read with GET /v3/refunds/{id}. */
    @Override
    public Optional<WebhookEvent> refundWebhook(RefundRecord refund) {
        return Optional.empty();
    }

    /** No signature: v3 sends the merchant's secret hash as is, for a plain (constant-time) comparison. */
    @Override
    public Map<String, String> webhookSignature(byte[] body, String secret, Instant now) {
        return Map.of("verif-hash", secret);
    }

    private static ObjectNode envelope(String status, String message, ObjectNode data) {
        ObjectNode n = Json.object();
        n.put("status", status);
        n.put("message", message);
        n.set("data", data); // null renders as "data": null, as Flutterwave does on errors
        return n;
    }

    private static ObjectNode data(ChargeRecord r) {
        LedgerEntry e = r.entry();
        String created = Json.iso(e.createdAt());
        ObjectNode d = Json.object();
        d.put("id", Long.parseLong(e.id()));
        d.put("tx_ref", e.reference());
        d.put("flw_ref", "FLW-SIM-" + e.id());
        d.put("device_fingerprint", "N/A");
        d.put("amount", Fields.minorToMajor(e.amount(), e.currency()));
        d.put("currency", e.currency());
        d.put("charged_amount", Fields.minorToMajor(e.amount(), e.currency()));
        d.put("app_fee", 0);
        d.put("merchant_fee", 0);
        d.put("processor_response", r.outcome().issuerMessage);
        d.put("auth_model", r.outcome() == Outcome.REQUIRES_ACTION ? "VBVSECURECODE" : "noauth");
        d.putNull("ip");
        d.put("narration", "PayRoute simulator");
        d.put("status", switch (e.status()) {
            case LedgerEntry.SUCCEEDED -> "successful";
            case LedgerEntry.FAILED -> "failed";
            default -> "pending";
        });
        d.put("payment_type", "card");
        d.put("created_at", created);
        d.put("account_id", ACCOUNT_ID);
        ObjectNode customer = d.putObject("customer");
        customer.put("id", Long.parseLong(e.id()) % 1_000_000L);
        customer.putNull("phone_number");
        customer.put("name", "Simulated Customer");
        customer.put("email", r.email());
        customer.put("created_at", created);
        ObjectNode card = d.putObject("card");
        card.putNull("first_6digits");
        card.put("last_4digits", e.paymentMethod().last4());
        card.put("issuer", "SIMULATED BANK");
        card.put("country", "NG");
        card.put("type", "VISA");
        card.put("expiry", "12/30");
        card.put("token", r.token());
        d.set("meta", Json.toNode(e.metadata()));
        return d;
    }

    /** A refund as the refund endpoints return it; {@code amount_refunded} in MAJOR units. */
    private static ObjectNode refundData(RefundRecord r) {
        RefundEntry refund = r.refund();
        ObjectNode d = Json.object();
        d.put("id", Long.parseLong(refund.id()));
        d.put("account_id", ACCOUNT_ID);
        d.put("tx_id", Long.parseLong(r.charge().entry().id()));
        d.put("flw_ref", "URF_" + refund.createdAt().toEpochMilli() + "_" + refund.id());
        d.put("wallet_id", WALLET_ID);
        d.put("amount_refunded", Fields.minorToMajor(refund.amount(), r.charge().entry().currency()));
        d.put("status", switch (refund.status()) {
            case LedgerEntry.SUCCEEDED -> "completed";
            case LedgerEntry.FAILED -> "failed";
            default -> "pending";
        });
        d.put("destination", "payment_source");
        d.putObject("meta").put("source", "availablebalance");
        d.put("created_at", Json.iso(refund.createdAt()));
        return d;
    }
}
