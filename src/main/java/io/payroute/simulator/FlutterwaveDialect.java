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
 */
final class FlutterwaveDialect implements ProviderDialect {
    private static final String TX_PREFIX = "/v3/transactions/";
    private static final String NOT_FOUND = "No transaction was found for this id";

    private final AtomicLong ids = new AtomicLong(7_000_000L);

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
        if (req.method().equals("GET") && req.path().startsWith(TX_PREFIX) && req.path().endsWith("/verify")) {
            String id = req.path().substring(TX_PREFIX.length(), req.path().length() - "/verify".length());
            return verified(desk.byId(id));
        }
        return error(ErrorKind.NOT_FOUND, "Cannot " + req.method() + " " + req.path(), null);
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
        d.put("account_id", 1);
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
}
