package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Paystack: JSON, integer subunit amounts, envelope {@code {"status": bool, "message", "data"}}.
 * A decline is a 200 "Charge attempted" with {@code data.status = "failed"} and the reason in gateway_response.
 * Refunds are queued: created {@code pending}, later {@code processed} or {@code failed}.
 */
final class PaystackDialect implements ProviderDialect {
    private static final String VERIFY_PREFIX = "/transaction/verify/";
    private static final String REFUND_PREFIX = "/refund/";
    /** Paystack: "Only -, ., = and alphanumeric characters allowed". */
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9.=-]{1,100}");
    /** The simulated merchant: its integration id, and the user refunds are made by. */
    private static final long INTEGRATION = 412_829;
    private static final String MERCHANT_USER = "merchant@payroute.test";
    /** When Paystack tells the merchant to expect the money back at the customer's bank. */
    private static final Duration REFUND_EXPECTED_AFTER = Duration.ofDays(9);

    private final AtomicLong ids = new AtomicLong(4_100_000_000L);
    private final AtomicLong refundIds = new AtomicLong(3_018_000L);

    @Override
    public String name() {
        return Simulators.PAYSTACK;
    }

    @Override
    public SimResponse handle(SimRequest req, ChargeDesk desk) {
        if (req.is("POST", "/transaction/charge_authorization")) {
            ObjectNode body = req.jsonObject();
            String token = Fields.requiredText(body, "authorization_code");
            return desk.charge(attempt(body, token, null));
        }
        if (req.is("POST", "/charge")) {
            ObjectNode body = req.jsonObject();
            JsonNode card = body.get("card");
            if (card != null && card.isObject()) {
                return desk.charge(attempt(body, null, card((ObjectNode) card)));
            }
            String token = Fields.text(body, "authorization_code");
            if (token == null || token.isBlank()) {
                throw SimException.badRequest("Please provide a card or an authorization_code", "card");
            }
            return desk.charge(attempt(body, token, null));
        }
        if (req.method().equals("GET") && req.path().startsWith(VERIFY_PREFIX)) {
            String reference = URLDecoder.decode(req.path().substring(VERIFY_PREFIX.length()), StandardCharsets.UTF_8);
            return desk.byReference(reference)
                    .map(r -> SimResponse.json(200, envelope(true, "Verification successful", data(r, true))))
                    .orElseGet(() -> SimResponse.json(400, failure("Transaction reference not found",
                            "validation_error", "transaction_not_found")));
        }
        if (req.is("POST", "/refund")) {
            return refund(req.jsonObject(), desk);
        }
        if (req.method().equals("GET") && req.path().startsWith(REFUND_PREFIX)) {
            String id = req.path().substring(REFUND_PREFIX.length());
            return desk.refundById(id)
                    .map(r -> SimResponse.json(200, envelope(true, "Refund retrieved", fetchedRefund(r))))
                    .orElseGet(() -> SimResponse.json(404, failure("Refund not found", "validation_error", "refund_not_found")));
        }
        return error(ErrorKind.NOT_FOUND, null, null);
    }

    /** {@code transaction} is the transaction's id or reference; {@code amount} (subunits) defaults to all that is left. */
    private SimResponse refund(ObjectNode body, ChargeDesk desk) {
        String transaction = Fields.requiredText(body, "transaction");
        Optional<ChargeRecord> charge = desk.byReference(transaction).or(() -> desk.byId(transaction));
        if (charge.isEmpty()) {
            return SimResponse.json(404, failure("Transaction not found", "validation_error", "transaction_not_found"));
        }
        Long amount = body.hasNonNull("amount") ? Fields.minorAmount(body.get("amount"), "amount") : null;
        String currency = Fields.text(body, "currency");
        if (currency != null && !Fields.currency(currency, "currency").equals(charge.get().entry().currency())) {
            throw SimException.badRequest("Currency does not match the transaction's currency", "currency");
        }
        Map<String, Object> notes = new LinkedHashMap<>();
        for (String note : new String[] {"merchant_note", "customer_note"}) {
            String text = Fields.text(body, note);
            if (text != null) {
                notes.put(note, text);
            }
        }
        return desk.refund(new RefundAttempt(String.valueOf(refundIds.incrementAndGet()), charge.get(), amount, notes));
    }

    private ChargeAttempt attempt(ObjectNode body, String token, ChargeAttempt.Card card) {
        Fields.requiredText(body, "email");
        long amount = Fields.minorAmount(body.get("amount"), "amount");
        String reference = Fields.text(body, "reference");
        if (reference == null || reference.isBlank()) {
            reference = generatedReference();
        } else if (!REFERENCE.matcher(reference).matches()) {
            throw SimException.badRequest("Invalid reference: only -, ., = and alphanumeric characters allowed", "reference");
        }
        String currency = Fields.text(body, "currency");
        currency = currency == null ? "NGN" : Fields.currency(currency, "currency");
        return new ChargeAttempt(String.valueOf(ids.incrementAndGet()), reference, true, amount, currency, token, card,
                Fields.text(body, "email"), Fields.metadata(body.get("metadata"), "metadata"));
    }

    private static ChargeAttempt.Card card(ObjectNode card) {
        String number = Fields.text(card, "number");
        if (number == null || number.isBlank()) {
            throw SimException.badRequest("card.number is required", "card.number");
        }
        return new ChargeAttempt.Card(number.replaceAll("[\\s-]", ""), Fields.text(card, "cvv"),
                Fields.text(card, "expiry_month"), Fields.text(card, "expiry_year"));
    }

    private static String generatedReference() {
        return Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
    }

    @Override
    public SimResponse renderCharge(ChargeRecord record) {
        return SimResponse.json(200, envelope(true, "Charge attempted", data(record, false)));
    }

    @Override
    public SimResponse duplicate(ChargeAttempt attempt) {
        return SimResponse.json(400, failure("Duplicate Transaction Reference", "validation_error", "duplicate_reference"));
    }

    @Override
    public SimResponse invalidCard(ChargeAttempt attempt) {
        return SimResponse.json(400, failure("Invalid card number", "validation_error", "invalid_card_number"));
    }

    @Override
    public SimResponse error(ErrorKind kind, String message, String param) {
        return switch (kind) {
            case UNAUTHORIZED -> SimResponse.json(401, failure(or(message, "Invalid key"), null, null));
            case BAD_REQUEST -> SimResponse.json(400, failure(or(message, "Invalid request"), "validation_error", "invalid_params"));
            case NOT_FOUND -> SimResponse.json(404, failure(or(message, "Entity not found"), null, null));
            case CONFLICT -> SimResponse.json(409, failure(or(message, "Conflict"), "api_error", "conflict"));
            case RATE_LIMITED -> SimResponse.json(429, failure(or(message, "Too many requests. Please try again later"), "api_error", "rate_limit"));
            case SERVER_ERROR -> SimResponse.json(500, failure(or(message, "An error occurred while processing this request"), "api_error", "unknown"));
            case UNAVAILABLE -> SimResponse.json(503, failure(or(message, "Service temporarily unavailable, please try again"), "api_error", "service_unavailable"));
        };
    }

    /** Refunds are queued at Paystack: pending at first, processed a while later. */
    @Override
    public RefundOutcome usualRefund() {
        return RefundOutcome.QUEUED;
    }

    @Override
    public SimResponse renderRefund(RefundRecord refund) {
        return SimResponse.json(200, envelope(true, "Refund has been queued for processing", createdRefund(refund)));
    }

    @Override
    public SimResponse refundRefused(RefundRefused refusal) {
        return switch (refusal.reason) {
            case FULLY_REFUNDED -> SimResponse.json(400, failure("Transaction has been fully reversed", "api_error",
                    "transaction_reversed"));
            case AMOUNT_TOO_LARGE -> SimResponse.json(400, failure("Refund amount cannot be more than the transaction's "
                    + "unrefunded amount (" + refusal.refundable + ")", "validation_error", "invalid_params"));
            case NOT_SUCCEEDED -> SimResponse.json(400, failure("Cannot refund a transaction that is not successful",
                    "validation_error", "invalid_params"));
        };
    }

    // ---- webhooks ----

    /**
     * {@code {"event": "charge.success", "data": <the verify transaction>}}, for successes only: Paystack documents
     * no charge.failed event for card charges (its events are charge.success, disputes, refunds, transfers, ...),
     * so a failure is announced by nothing; PayRoute's reconciliation finds it through verify.
     */
    @Override
    public Optional<WebhookEvent> webhook(ChargeRecord record) {
        if (!LedgerEntry.SUCCEEDED.equals(record.entry().status())) {
            return Optional.empty();
        }
        ObjectNode event = Json.object();
        event.put("event", "charge.success");
        event.set("data", data(record, true));
        return Optional.of(WebhookEvent.of("charge.success", event));
    }

    /**
     * {@code refund.processed} / {@code refund.failed} with Paystack's refund event data (as its documentation shows
     * it: no refund id; the transaction_reference and amount identify the refund). Paystack also announces
     * refund.pending and refund.processing; the simulator sends final statuses only.
     */
    @Override
    public Optional<WebhookEvent> refundWebhook(RefundRecord record) {
        RefundEntry refund = record.refund();
        LedgerEntry charge = record.charge().entry();
        String status = refundStatus(refund.status());
        String type = "refund." + status;
        ObjectNode event = Json.object();
        event.put("event", type);
        ObjectNode d = event.putObject("data");
        d.put("status", status);
        d.put("transaction_reference", charge.reference());
        d.put("refund_reference", "TRF_sim" + refund.id());
        d.put("amount", refund.amount());
        d.put("currency", charge.currency());
        d.put("processor", "simulator");
        ObjectNode customer = d.putObject("customer");
        customer.putNull("first_name");
        customer.putNull("last_name");
        customer.put("email", record.charge().email());
        d.put("integration", INTEGRATION);
        d.put("domain", "test");
        return Optional.of(WebhookEvent.of(type, event));
    }

    /** Hex HMAC-SHA512 of the raw body keyed with the secret key (Paystack has no separate webhook secret). */
    @Override
    public Map<String, String> webhookSignature(byte[] body, String secret, Instant now) {
        return Map.of("x-paystack-signature", Hmac.hex(Hmac.SHA512, secret, body));
    }

    // ---- rendering ----

    private static ObjectNode envelope(boolean status, String message, ObjectNode data) {
        ObjectNode n = Json.object();
        n.put("status", status);
        n.put("message", message);
        n.set("data", data);
        return n;
    }

    private static ObjectNode failure(String message, String type, String code) {
        ObjectNode n = Json.object();
        n.put("status", false);
        n.put("message", message);
        if (type != null) {
            n.putObject("meta").put("nextStep", "Check the request and try again");
            n.put("type", type);
            n.put("code", code);
        }
        return n;
    }

    /** The transaction object; {@code verify} selects the transaction-status vocabulary over the charge one. */
    private static ObjectNode data(ChargeRecord r, boolean verify) {
        LedgerEntry e = r.entry();
        Outcome o = r.outcome();
        String created = Json.iso(e.createdAt());
        boolean paid = LedgerEntry.SUCCEEDED.equals(e.status());
        ObjectNode d = Json.object();
        d.put("id", Long.parseLong(e.id()));
        d.put("domain", "test");
        d.put("status", status(e.status(), verify));
        d.put("reference", e.reference());
        d.putNull("receipt_number");
        d.put("amount", e.amount());
        d.putNull("message");
        d.put("gateway_response", o.issuerMessage);
        if (paid) {
            d.put("paid_at", created);
        } else {
            d.putNull("paid_at");
        }
        d.put("created_at", created);
        d.put("channel", "card");
        d.put("currency", e.currency());
        d.putNull("ip_address");
        d.set("metadata", Json.toNode(e.metadata()));
        d.putNull("log");
        d.put("fees", paid ? Math.min(e.amount() * 15 / 1000, 200_000) : 0);
        d.putNull("fees_split");
        ObjectNode auth = d.putObject("authorization");
        auth.put("authorization_code", r.token() != null ? r.token() : "AUTH_sim" + e.id());
        if (e.paymentMethod().bin() != null) {
            auth.put("bin", e.paymentMethod().bin());
        } else {
            auth.putNull("bin");
        }
        auth.put("last4", e.paymentMethod().last4());
        auth.put("exp_month", "12");
        auth.put("exp_year", "2030");
        auth.put("channel", "card");
        String brand = TestCards.brand(e.paymentMethod().bin());
        auth.put("card_type", brand);
        auth.put("bank", "TEST BANK");
        auth.put("country_code", "NG");
        auth.put("brand", brand);
        auth.put("reusable", true);
        auth.put("signature", "SIG_sim" + e.id());
        auth.putNull("account_name");
        d.set("customer", customer(r));
        d.putNull("plan");
        d.putObject("split");
        d.putNull("order_id");
        if (paid) {
            d.put("paidAt", created);
        } else {
            d.putNull("paidAt");
        }
        d.put("createdAt", created);
        d.put("requested_amount", e.amount());
        d.put("transaction_date", created);
        d.putObject("plan_object");
        d.putObject("subaccount");
        if (o == Outcome.REQUIRES_ACTION && !verify) {
            d.put("url", "https://standard.paystack.co/sim/3ds/" + e.reference());
            d.put("display_text", "Please complete authentication on your bank's page");
        }
        return d;
    }

    private static ObjectNode customer(ChargeRecord r) {
        ObjectNode customer = Json.object();
        customer.put("id", Long.parseLong(r.entry().id()) % 100_000_000L);
        customer.putNull("first_name");
        customer.putNull("last_name");
        customer.put("email", r.email());
        customer.put("customer_code", "CUS_sim" + Integer.toHexString(r.email() == null ? 0 : r.email().hashCode()));
        customer.putNull("phone");
        customer.putNull("metadata");
        customer.put("risk_action", "default");
        customer.putNull("international_format_phone");
        return customer;
    }

    /** The refund as POST /refund answers it: the transaction embedded, timestamps in camelCase. */
    private static ObjectNode createdRefund(RefundRecord r) {
        RefundEntry refund = r.refund();
        LedgerEntry e = r.charge().entry();
        ObjectNode d = Json.object();
        ObjectNode tx = d.putObject("transaction");
        tx.put("id", Long.parseLong(e.id()));
        tx.put("domain", "test");
        tx.put("reference", e.reference());
        tx.put("amount", e.amount());
        tx.put("paid_at", Json.iso(e.createdAt()));
        tx.put("channel", "card");
        tx.put("currency", e.currency());
        ObjectNode auth = tx.putObject("authorization");
        auth.putNull("exp_month");
        auth.putNull("exp_year");
        auth.putNull("account_name");
        tx.putObject("customer").putNull("international_format_phone");
        tx.putObject("plan");
        tx.putObject("subaccount").putNull("currency");
        tx.putObject("split");
        tx.putNull("order_id");
        tx.put("paidAt", Json.iso(e.createdAt()));
        tx.putNull("pos_transaction_data");
        tx.putNull("source");
        tx.putNull("fees_breakdown");
        d.put("integration", INTEGRATION);
        d.put("deducted_amount", deducted(refund));
        d.putNull("channel");
        d.put("merchant_note", merchantNote(r));
        d.put("customer_note", customerNote(r));
        d.put("status", refundStatus(refund.status()));
        d.put("refunded_by", MERCHANT_USER);
        d.put("expected_at", Json.iso(refund.createdAt().plus(REFUND_EXPECTED_AFTER)));
        d.put("currency", e.currency());
        d.put("domain", "test");
        d.put("amount", refund.amount());
        d.put("fully_deducted", deducted(refund) == refund.amount());
        d.put("id", Long.parseLong(refund.id()));
        d.put("createdAt", Json.iso(refund.createdAt()));
        d.put("updatedAt", Json.iso(refund.updatedAt()));
        return d;
    }

    /** The refund as GET /refund/{id} answers it: the transaction by id and reference, the customer in full. */
    private static ObjectNode fetchedRefund(RefundRecord r) {
        RefundEntry refund = r.refund();
        LedgerEntry e = r.charge().entry();
        boolean processed = LedgerEntry.SUCCEEDED.equals(refund.status());
        ObjectNode d = Json.object();
        d.put("integration", INTEGRATION);
        d.put("transaction", Long.parseLong(e.id()));
        d.putNull("dispute");
        d.putNull("settlement");
        d.put("id", Long.parseLong(refund.id()));
        d.put("domain", "test");
        d.put("currency", e.currency());
        d.put("amount", refund.amount());
        d.put("status", refundStatus(refund.status()));
        if (processed) {
            d.put("refunded_at", Json.iso(refund.updatedAt()));
        } else {
            d.putNull("refunded_at");
        }
        d.put("refunded_by", MERCHANT_USER);
        d.put("customer_note", customerNote(r));
        d.put("merchant_note", merchantNote(r));
        d.put("deducted_amount", deducted(refund));
        d.put("fully_deducted", deducted(refund) == refund.amount() ? 1 : 0);
        d.put("createdAt", Json.iso(refund.createdAt()));
        d.putNull("bank_reference");
        d.put("transaction_reference", e.reference());
        d.put("reason", switch (refund.status()) {
            case LedgerEntry.SUCCEEDED -> "Refund processed";
            case LedgerEntry.FAILED -> "Refund failed";
            default -> "Refund queued";
        });
        d.set("customer", customer(r.charge()));
        d.put("refund_type", refund.amount() == e.amount() ? "full" : "partial");
        d.put("transaction_amount", e.amount());
        d.put("initiated_by", MERCHANT_USER);
        d.put("refund_channel", "card");
        d.putNull("session_id");
        d.put("collect_account_number", false);
        return d;
    }

    /** What Paystack took from the merchant's balance for the refund: all of it once processed. */
    private static long deducted(RefundEntry refund) {
        return LedgerEntry.SUCCEEDED.equals(refund.status()) ? refund.amount() : 0;
    }

    private static String merchantNote(RefundRecord r) {
        String note = r.refund().detail("merchant_note");
        return note != null ? note : "Refund for transaction " + r.charge().entry().reference() + " by " + MERCHANT_USER;
    }

    private static String customerNote(RefundRecord r) {
        String note = r.refund().detail("customer_note");
        return note != null ? note : "Refund for transaction " + r.charge().entry().reference();
    }

    /** Paystack's refund statuses: pending, then processed or failed. */
    private static String refundStatus(String ledgerStatus) {
        return switch (ledgerStatus) {
            case LedgerEntry.SUCCEEDED -> "processed";
            case LedgerEntry.FAILED -> "failed";
            default -> "pending";
        };
    }

    private static String status(String ledgerStatus, boolean verify) {
        return switch (ledgerStatus) {
            case LedgerEntry.SUCCEEDED -> "success";
            case LedgerEntry.FAILED -> "failed";
            // the charge call asks the client to open a 3DS URL; verify reports the transaction as ongoing
            case LedgerEntry.REQUIRES_ACTION -> verify ? "ongoing" : "open_url";
            default -> "pending";
        };
    }

    private static String or(String message, String fallback) {
        return message != null ? message : fallback;
    }
}
