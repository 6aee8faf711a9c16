package io.payroute.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stripe: form-encoded requests under /v1, JSON responses, integer minor amounts, lower-case currency.
 * A decline is a 402 card_error whose payment_intent is left in requires_payment_method. A card refund is
 * {@code succeeded} at once (pending|succeeded|failed). Honours {@code Idempotency-Key} on both creating calls like
 * Stripe: replay the first result for the same endpoint and parameters, idempotency_error otherwise.
 */
final class StripeDialect implements ProviderDialect {
    private static final String PI_PATH = "/v1/payment_intents";
    private static final String REFUNDS_PATH = "/v1/refunds";
    private static final List<String> REFUND_REASONS = List.of("duplicate", "fraudulent", "requested_by_customer");
    private static final String REFERENCE_KEY = "payroute_reference";
    /** The API version of the spec the simulator follows; events say which version rendered their data. */
    static final String API_VERSION = "2020-08-27";
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** Bounds memory in long load tests; Stripe keeps keys for 24 h, a simulator run rarely needs more. */
    static final int MAX_IDEMPOTENCY_KEYS = 200_000;
    private static final Pattern METADATA_CLAUSE = Pattern.compile("metadata\\[(['\"])(.+?)\\1\\]\\s*:\\s*(['\"])(.*?)\\3");
    private static final Pattern STATUS_CLAUSE = Pattern.compile("status\\s*:\\s*(['\"])(.*?)\\1");

    private final Map<String, Stored> idempotency = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> idempotencyOrder = new ConcurrentLinkedQueue<>();

    /** First result for an idempotency key; {@code response} null while the first request is in flight. */
    private record Stored(String path, Map<String, Object> params, SimResponse response) {
    }

    @Override
    public String name() {
        return Simulators.STRIPE;
    }

    /** Bearer, or HTTP Basic with the key as user name (what Stripe's libraries and curl -u send). */
    @Override
    public boolean authorized(SimRequest request, String secret) {
        String auth = request.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return ProviderDialect.constantTimeEquals(colon < 0 ? decoded : decoded.substring(0, colon), secret);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return ProviderDialect.super.authorized(request, secret);
    }

    @Override
    public SimResponse handle(SimRequest req, ChargeDesk desk) {
        if (req.is("POST", PI_PATH)) {
            return create(req, desk);
        }
        if (req.is("GET", PI_PATH + "/search")) {
            return search(req, desk);
        }
        String intentId = retrieved(req, PI_PATH);
        if (intentId != null) {
            return desk.byId(intentId).map(r -> SimResponse.json(200, paymentIntent(r)))
                    .orElseGet(() -> missing("payment_intent", intentId, "intent"));
        }
        if (req.is("POST", REFUNDS_PATH)) {
            return createRefund(req, desk);
        }
        String refundId = retrieved(req, REFUNDS_PATH);
        if (refundId != null) {
            return desk.refundById(refundId).map(r -> SimResponse.json(200, refund(r)))
                    .orElseGet(() -> missing("refund", refundId, "id"));
        }
        return error(ErrorKind.NOT_FOUND, "Unrecognized request URL (" + req.method() + ": " + req.path() + ").", null);
    }

    /** The {id} of {@code GET <collection>/{id}} when the request is that, else null. */
    private static String retrieved(SimRequest req, String collection) {
        return req.method().equals("GET") && req.path().startsWith(collection + "/")
                ? req.path().substring(collection.length() + 1) : null;
    }

    /** Stripe's 404 for an unknown object id. */
    private static SimResponse missing(String object, String id, String param) {
        return SimResponse.json(404, error("invalid_request_error", "resource_missing",
                "No such " + object + ": '" + id + "'", param));
    }

    // ---- create + idempotency ----

    private SimResponse create(SimRequest req, ChargeDesk desk) {
        Map<String, Object> params = formParams(req);
        ChargeAttempt attempt = attempt(params);
        return idempotent(req, params, () -> desk.charge(attempt));
    }

    private static Map<String, Object> formParams(SimRequest req) {
        String contentType = req.header("Content-Type");
        if (contentType != null && contentType.toLowerCase().contains("json")) {
            throw SimException.badRequest("Invalid request: Stripe expects application/x-www-form-urlencoded parameters", null);
        }
        return FormCodec.decode(new String(req.body(), StandardCharsets.UTF_8));
    }

    /**
     * Runs {@code call} at most once per {@code Idempotency-Key}: a repeat with the same endpoint and parameters
     * gets the first result replayed. Requests that failed validation never get here, so their results are not kept.
     */
    private SimResponse idempotent(SimRequest req, Map<String, Object> params, Supplier<SimResponse> call) {
        String key = req.header("Idempotency-Key");
        if (key == null) {
            return call.get();
        }
        if (key.length() > 255) {
            throw SimException.badRequest("Idempotency-Key must be at most 255 characters", null);
        }
        Stored previous = idempotency.putIfAbsent(key, new Stored(req.path(), params, null));
        if (previous != null) {
            if (!previous.path().equals(req.path())) {
                return SimResponse.json(400, error("idempotency_error", null,
                        "Keys for idempotent requests can only be used for the same endpoint they were first used for ('"
                                + req.path() + "' vs '" + previous.path() + "'). Try using a key other than '" + key
                                + "' if you meant to execute a different request.", null));
            }
            if (!previous.params().equals(params)) {
                return SimResponse.json(400, error("idempotency_error", null,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                                + "Try using a key other than '" + key + "' if you meant to execute a different request.", null));
            }
            if (previous.response() == null) {
                return SimResponse.json(409, error("idempotency_error", null,
                        "There is currently another in-progress request using this Stripe token (probably the same idempotency key). "
                                + "Please retry your request.", null));
            }
            // the stored result is replayed at once: the original delay belonged to the original request
            return previous.response().withExtraDelay(0).withHeader("Idempotent-Replayed", "true");
        }
        SimResponse response;
        try {
            response = call.get().withHeader("Idempotency-Key", key);
        } catch (RuntimeException e) {
            idempotency.remove(key);
            throw e;
        }
        // like Stripe, store anything the endpoint produced (incl. 500s) but not rate limiting / unavailability
        if (response.status() == 429 || response.status() == 503) {
            idempotency.remove(key);
        } else {
            idempotency.put(key, new Stored(req.path(), params, response));
            idempotencyOrder.add(key);
            while (idempotency.size() > MAX_IDEMPOTENCY_KEYS) {
                String oldest = idempotencyOrder.poll();
                if (oldest == null) {
                    break;
                }
                idempotency.remove(oldest);
            }
        }
        return response;
    }

    @Override
    public void reset() {
        idempotency.clear();
        idempotencyOrder.clear();
    }

    private ChargeAttempt attempt(Map<String, Object> p) {
        long amount = Fields.minorAmount(Json.toNode(required(p, "amount")), "amount");
        String currency = Fields.currency(required(p, "currency").toString(), "currency");
        if (!"true".equals(p.get("confirm"))) {
            throw SimException.badRequest("This simulator only supports creating and confirming in one call: send confirm=true", "confirm");
        }
        Map<String, Object> metadata = metadata(p);
        String token = null;
        ChargeAttempt.Card card = null;
        Object pm = p.get("payment_method");
        Object pmData = p.get("payment_method_data");
        if (pm instanceof String s && !s.isBlank()) {
            token = s;
        } else if (pmData instanceof Map<?, ?> data) {
            if (!"card".equals(data.get("type"))) {
                throw SimException.badRequest("payment_method_data[type] must be card", "payment_method_data[type]");
            }
            if (!(data.get("card") instanceof Map<?, ?> c) || !(c.get("number") instanceof String number) || number.isBlank()) {
                throw SimException.badRequest("Missing required param: payment_method_data[card][number].",
                        "payment_method_data[card][number]");
            }
            card = new ChargeAttempt.Card(number.replaceAll("[\\s-]", ""), (String) c.get("cvc"),
                    (String) c.get("exp_month"), (String) c.get("exp_year"));
        } else {
            throw SimException.badRequest("You cannot confirm this PaymentIntent because it's missing a payment method. "
                    + "Specify payment_method or payment_method_data.", "payment_method");
        }
        String id = "pi_3" + randomId(23);
        Object ref = metadata.get(REFERENCE_KEY);
        String reference = ref instanceof String s && !s.isBlank() ? s : id;
        String email = p.get("receipt_email") instanceof String s ? s : null;
        return new ChargeAttempt(id, reference, false, amount, currency, token, card, email, metadata);
    }

    /** {@code metadata[k]=v} as a map; an empty {@code metadata=} means none. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<String, Object> p) {
        Object metaObj = p.getOrDefault("metadata", Map.of());
        if ("".equals(metaObj)) {
            return new LinkedHashMap<>();
        }
        if (!(metaObj instanceof Map)) {
            throw SimException.badRequest("Invalid object", "metadata");
        }
        return new LinkedHashMap<>((Map<String, Object>) metaObj);
    }

    // ---- refunds ----

    /** {@code payment_intent} or {@code charge}; {@code amount} (all that is left if absent), {@code reason}, {@code metadata[]}. */
    private SimResponse createRefund(SimRequest req, ChargeDesk desk) {
        Map<String, Object> params = formParams(req);
        String intentId = optionalText(params, "payment_intent");
        String chargeId = optionalText(params, "charge");
        if (intentId == null && chargeId == null) {
            throw SimException.badRequest("One of the following params should be provided for this request: payment_intent or charge.",
                    "payment_intent");
        }
        // a charge id shares its suffix with its intent's id (see chargeId)
        String byCharge = chargeId == null ? null : chargeId.startsWith("ch_") ? "pi_" + chargeId.substring(3) : "";
        if (intentId != null && byCharge != null && !intentId.equals(byCharge)) {
            throw SimException.badRequest("Charge " + chargeId + " does not belong to PaymentIntent " + intentId + ".", "charge");
        }
        Optional<ChargeRecord> charge = desk.byId(intentId != null ? intentId : byCharge);
        if (charge.isEmpty()) {
            return intentId != null ? missing("payment_intent", intentId, "payment_intent") : missing("charge", chargeId, "charge");
        }
        Long amount = params.containsKey("amount") ? Fields.minorAmount(Json.toNode(required(params, "amount")), "amount") : null;
        String reason = optionalText(params, "reason");
        if (reason != null && !REFUND_REASONS.contains(reason)) {
            throw SimException.badRequest("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer", "reason");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("metadata", metadata(params));
        if (reason != null) {
            details.put("reason", reason);
        }
        RefundAttempt attempt = new RefundAttempt("re_3" + randomId(24), charge.get(), amount, details);
        return idempotent(req, params, () -> desk.refund(attempt));
    }

    private static String optionalText(Map<String, Object> p, String name) {
        return p.containsKey(name) ? required(p, name).toString() : null;
    }

    private static Object required(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v == null || (v instanceof String s && s.isBlank())) {
            throw SimException.badRequest("Missing required param: " + name + ".", name);
        }
        if (!(v instanceof String)) {
            throw SimException.badRequest("Invalid value for " + name + ".", name);
        }
        return v;
    }

    private static String randomId(int length) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = ALPHABET[r.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }

    // ---- search ----

    private SimResponse search(SimRequest req, ChargeDesk desk) {
        String query = req.query("query");
        if (query == null || query.isBlank()) {
            throw SimException.badRequest("Missing required param: query.", "query");
        }
        Predicate<ChargeRecord> filter = r -> true;
        for (String clause : query.trim().split("\\s+AND\\s+")) {
            filter = filter.and(clause(clause.trim()));
        }
        int limit = 10;
        if (req.query("limit") != null) {
            try {
                limit = Integer.parseInt(req.query("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                throw SimException.badRequest("Invalid limit: must be between 1 and 100", "limit");
            }
        }
        List<ChargeRecord> hits = new ArrayList<>(desk.find(filter));
        Collections.reverse(hits); // newest first, as Stripe sorts search results
        ObjectNode result = Json.object();
        result.put("object", "search_result");
        ArrayNode data = result.putArray("data");
        hits.stream().limit(limit).forEach(r -> data.add(paymentIntent(r)));
        result.put("has_more", hits.size() > limit);
        result.putNull("next_page");
        result.put("total_count", hits.size());
        result.put("url", PI_PATH + "/search");
        return SimResponse.json(200, result);
    }

    /** Supports Stripe's {@code metadata['k']:'v'} and {@code status:'x'} clauses (joined by AND). */
    private static Predicate<ChargeRecord> clause(String clause) {
        Matcher m = METADATA_CLAUSE.matcher(clause);
        if (m.matches()) {
            String key = m.group(2);
            String value = m.group(4);
            return r -> Objects.equals(r.entry().metadataValue(key), value);
        }
        m = STATUS_CLAUSE.matcher(clause);
        if (m.matches()) {
            String status = m.group(2);
            return r -> status.equals(piStatus(r.entry().status()));
        }
        throw SimException.badRequest("Unsupported search query clause: " + clause
                + " (supported: metadata['key']:'value', status:'value', joined by AND)", "query");
    }

    // ---- webhooks ----

    /** An Event whose data.object is the PaymentIntent as GET /v1/payment_intents/{id} returns it. */
    @Override
    public Optional<WebhookEvent> webhook(ChargeRecord record) {
        String type = LedgerEntry.SUCCEEDED.equals(record.entry().status())
                ? "payment_intent.succeeded" : "payment_intent.payment_failed";
        return Optional.of(event(type, paymentIntent(record)));
    }

    /**
     * {@code charge.refund.updated} with the Refund as GET /v1/refunds/{id} returns it: the refund event of this API
     * version's event list (refund.updated / refund.failed came with later versions).
     */
    @Override
    public Optional<WebhookEvent> refundWebhook(RefundRecord record) {
        return Optional.of(event("charge.refund.updated", refund(record)));
    }

    private static WebhookEvent event(String type, ObjectNode object) {
        ObjectNode event = Json.object();
        event.put("id", "evt_" + randomId(24));
        event.put("object", "event");
        event.put("api_version", API_VERSION);
        event.put("created", Instant.now().getEpochSecond());
        event.putObject("data").set("object", object);
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        // no API request to point at: the simulator keeps no request ids
        ObjectNode request = event.putObject("request");
        request.putNull("id");
        request.putNull("idempotency_key");
        event.put("type", type);
        return WebhookEvent.of(type, event);
    }

    /** {@code Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">}, keyed with the endpoint secret. */
    @Override
    public Map<String, String> webhookSignature(byte[] body, String secret, Instant now) {
        long t = now.getEpochSecond();
        byte[] prefix = (t + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return Map.of("Stripe-Signature", "t=" + t + ",v1=" + Hmac.hex(Hmac.SHA256, secret, signed));
    }

    // ---- rendering ----

    @Override
    public SimResponse renderCharge(ChargeRecord record) {
        if (record.outcome().isDecline()) {
            ObjectNode err = declineError(record);
            err.set("payment_intent", paymentIntent(record));
            ObjectNode body = Json.object();
            body.set("error", err);
            return SimResponse.json(402, body);
        }
        return SimResponse.json(200, paymentIntent(record));
    }

    @Override
    public RefundOutcome usualRefund() {
        return RefundOutcome.SUCCEEDED;
    }

    @Override
    public SimResponse renderRefund(RefundRecord refund) {
        return SimResponse.json(200, refund(refund));
    }

    /** Stripe's codes and messages; the amounts in its messages are major units with the currency symbol. */
    @Override
    public SimResponse refundRefused(RefundRefused refusal) {
        ChargeRecord charge = refusal.charge;
        return SimResponse.json(400, switch (refusal.reason) {
            case FULLY_REFUNDED -> error("invalid_request_error", "charge_already_refunded",
                    "Charge " + chargeId(charge) + " has already been refunded.", null);
            case AMOUNT_TOO_LARGE -> error("invalid_request_error", "amount_too_large", "Refund amount ("
                    + money(refusal.requested, charge) + ") is greater than unrefunded amount on charge ("
                    + money(refusal.refundable, charge) + ")", "amount");
            case NOT_SUCCEEDED -> error("invalid_request_error", null, "This PaymentIntent (" + charge.entry().id()
                    + ") does not have a successful charge to refund.", "payment_intent");
        });
    }

    private static String money(long minor, ChargeRecord charge) {
        String currency = charge.entry().currency();
        return Currency.getInstance(currency).getSymbol(Locale.US)
                + BigDecimal.valueOf(minor, Fields.fractionDigits(currency)).toPlainString();
    }

    @Override
    public SimResponse duplicate(ChargeAttempt attempt) {
        // Stripe has no unique merchant reference; idempotency keys play that role
        return error(ErrorKind.BAD_REQUEST, "Duplicate request", null);
    }

    @Override
    public SimResponse invalidCard(ChargeAttempt attempt) {
        ObjectNode e = error("card_error", "incorrect_number", "Your card number is incorrect.", "number");
        return SimResponse.json(402, e);
    }

    @Override
    public SimResponse error(ErrorKind kind, String message, String param) {
        return switch (kind) {
            case UNAUTHORIZED -> SimResponse.json(401, error("invalid_request_error", null,
                    or(message, "Invalid API Key provided. You did not provide a valid API key."), null));
            case BAD_REQUEST -> SimResponse.json(400, error("invalid_request_error", param == null ? null : "parameter_invalid",
                    or(message, "Invalid request"), param));
            case NOT_FOUND -> SimResponse.json(404, error("invalid_request_error", null, or(message, "Not found"), null));
            case CONFLICT -> SimResponse.json(409, error("idempotency_error", null, or(message, "Conflict"), null));
            case RATE_LIMITED -> SimResponse.json(429, error("invalid_request_error", "rate_limit",
                    or(message, "Request rate limit exceeded. Please retry with exponential backoff."), null));
            case SERVER_ERROR -> SimResponse.json(500, error("api_error", null,
                    or(message, "Sorry, something went wrong. We've already been notified of the problem."), null));
            case UNAVAILABLE -> SimResponse.json(503, error("api_error", null,
                    or(message, "Stripe is temporarily unavailable. Please retry your request."), null));
        };
    }

    private static ObjectNode error(String type, String code, String message, String param) {
        ObjectNode body = Json.object();
        ObjectNode e = body.putObject("error");
        e.put("type", type);
        if (code != null) {
            e.put("code", code);
            e.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        e.put("message", message);
        if (param != null) {
            e.put("param", param);
        }
        return body;
    }

    /** Stripe's code and message for each canonical decline. */
    private static ObjectNode declineError(ChargeRecord r) {
        String declineCode = r.outcome().declineCode;
        String code = switch (declineCode) {
            case "expired_card", "incorrect_cvc" -> declineCode;
            default -> "card_declined";
        };
        String message = switch (declineCode) {
            case "insufficient_funds" -> "Your card has insufficient funds.";
            case "expired_card" -> "Your card has expired.";
            case "incorrect_cvc" -> "Your card's security code is incorrect.";
            default -> "Your card was declined.";
        };
        ObjectNode e = Json.object();
        e.put("type", "card_error");
        e.put("code", code);
        e.put("decline_code", declineCode);
        e.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        e.put("message", message);
        e.put("charge", chargeId(r));
        if ("incorrect_cvc".equals(declineCode)) {
            e.put("param", "cvc");
        }
        e.set("payment_method", paymentMethod(r));
        return e;
    }

    private static String suffix(ChargeRecord r) {
        return r.entry().id().substring(3);
    }

    private static String chargeId(ChargeRecord r) {
        return "ch_" + suffix(r);
    }

    private static String paymentMethodId(ChargeRecord r) {
        return r.token() != null ? r.token() : "pm_" + suffix(r);
    }

    private static ObjectNode paymentMethod(ChargeRecord r) {
        LedgerEntry.PaymentMethod pm = r.entry().paymentMethod();
        ObjectNode n = Json.object();
        n.put("id", paymentMethodId(r));
        n.put("object", "payment_method");
        n.put("type", "card");
        ObjectNode card = n.putObject("card");
        card.put("brand", pm.bin() != null ? TestCards.brand(pm.bin()) : "visa");
        card.put("exp_month", 12);
        card.put("exp_year", 2030);
        card.put("last4", pm.last4());
        card.put("funding", "credit");
        card.put("country", "US");
        n.put("livemode", false);
        return n;
    }

    static String piStatus(String ledgerStatus) {
        return switch (ledgerStatus) {
            case LedgerEntry.SUCCEEDED -> "succeeded";
            case LedgerEntry.FAILED -> "requires_payment_method";
            case LedgerEntry.REQUIRES_ACTION -> "requires_action";
            default -> "processing";
        };
    }

    private static ObjectNode paymentIntent(ChargeRecord r) {
        LedgerEntry e = r.entry();
        String status = piStatus(e.status());
        boolean charged = !LedgerEntry.REQUIRES_ACTION.equals(e.status());
        long created = e.createdAt().getEpochSecond();
        String currency = e.currency().toLowerCase();
        ObjectNode pi = Json.object();
        pi.put("id", e.id());
        pi.put("object", "payment_intent");
        pi.put("amount", e.amount());
        pi.put("amount_capturable", 0);
        pi.put("amount_received", LedgerEntry.SUCCEEDED.equals(e.status()) ? e.amount() : 0);
        pi.putNull("application");
        pi.putNull("application_fee_amount");
        pi.putNull("automatic_payment_methods");
        pi.putNull("canceled_at");
        pi.putNull("cancellation_reason");
        pi.put("capture_method", "automatic");
        ObjectNode charges = pi.putObject("charges");
        charges.put("object", "list");
        ArrayNode data = charges.putArray("data");
        if (charged) {
            data.add(charge(r, created, currency));
        }
        charges.put("has_more", false);
        charges.put("total_count", data.size());
        charges.put("url", "/v1/charges?payment_intent=" + e.id());
        pi.put("client_secret", e.id() + "_secret_sim");
        pi.put("confirmation_method", "automatic");
        pi.put("created", created);
        pi.put("currency", currency);
        pi.putNull("customer");
        pi.putNull("description");
        pi.putNull("invoice");
        if (r.outcome().isDecline()) {
            pi.set("last_payment_error", declineError(r));
        } else {
            pi.putNull("last_payment_error");
        }
        if (charged) {
            pi.put("latest_charge", chargeId(r));
        } else {
            pi.putNull("latest_charge");
        }
        pi.put("livemode", false);
        pi.set("metadata", Json.toNode(e.metadata()));
        if (LedgerEntry.REQUIRES_ACTION.equals(e.status())) {
            ObjectNode next = pi.putObject("next_action");
            next.put("type", "redirect_to_url");
            ObjectNode redirect = next.putObject("redirect_to_url");
            redirect.put("url", "https://hooks.stripe.com/redirect/authenticate/src_sim" + suffix(r));
            redirect.putNull("return_url");
        } else {
            pi.putNull("next_action");
        }
        pi.putNull("on_behalf_of");
        // a declined intent goes back to requires_payment_method and drops its payment method, as Stripe does
        if (r.outcome().isDecline()) {
            pi.putNull("payment_method");
        } else {
            pi.put("payment_method", paymentMethodId(r));
        }
        pi.putObject("payment_method_options");
        pi.putArray("payment_method_types").add("card");
        pi.putNull("processing");
        if (r.email() != null) {
            pi.put("receipt_email", r.email());
        } else {
            pi.putNull("receipt_email");
        }
        pi.putNull("review");
        pi.putNull("setup_future_usage");
        pi.putNull("shipping");
        pi.putNull("statement_descriptor");
        pi.putNull("statement_descriptor_suffix");
        pi.put("status", status);
        pi.putNull("transfer_data");
        pi.putNull("transfer_group");
        return pi;
    }

    private static ObjectNode charge(ChargeRecord r, long created, String currency) {
        LedgerEntry e = r.entry();
        Outcome o = r.outcome();
        boolean succeeded = LedgerEntry.SUCCEEDED.equals(e.status());
        boolean failed = o.isDecline();
        ObjectNode c = Json.object();
        c.put("id", chargeId(r));
        c.put("object", "charge");
        c.put("amount", e.amount());
        c.put("amount_captured", succeeded ? e.amount() : 0);
        c.put("amount_refunded", e.refundedAmount());
        c.put("captured", succeeded);
        c.put("created", created);
        c.put("currency", currency);
        if (failed) {
            c.put("failure_code", o.declineCode.equals("expired_card") || o.declineCode.equals("incorrect_cvc") ? o.declineCode : "card_declined");
            c.put("failure_message", o.issuerMessage);
        } else {
            c.putNull("failure_code");
            c.putNull("failure_message");
        }
        c.put("livemode", false);
        c.set("metadata", Json.toNode(e.metadata()));
        ObjectNode outcome = c.putObject("outcome");
        outcome.put("network_status", failed ? "declined_by_network" : "approved_by_network");
        if (failed) {
            outcome.put("reason", o.declineCode);
        } else {
            outcome.putNull("reason");
        }
        outcome.put("risk_level", "normal");
        outcome.put("seller_message", failed ? "The bank did not return any further details with this decline." : "Payment complete.");
        outcome.put("type", failed ? "issuer_declined" : "authorized");
        c.put("paid", succeeded);
        c.put("payment_intent", e.id());
        c.put("payment_method", paymentMethodId(r));
        c.put("refunded", succeeded && e.refundedAmount() == e.amount());
        ObjectNode refunds = c.putObject("refunds");
        refunds.put("object", "list");
        ArrayNode data = refunds.putArray("data");
        e.refunds().forEach(f -> data.add(refund(new RefundRecord(r, f))));
        refunds.put("has_more", false);
        refunds.put("total_count", data.size());
        refunds.put("url", "/v1/charges/" + chargeId(r) + "/refunds");
        c.put("status", succeeded ? "succeeded" : failed ? "failed" : "pending");
        return c;
    }

    /** The Refund object (keys in Stripe's order); a failed one says why and how the balance was restored. */
    private static ObjectNode refund(RefundRecord r) {
        RefundEntry f = r.refund();
        String suffix = f.id().substring(3);
        boolean failed = LedgerEntry.FAILED.equals(f.status());
        ObjectNode n = Json.object();
        n.put("id", f.id());
        n.put("object", "refund");
        n.put("amount", f.amount());
        n.put("balance_transaction", "txn_" + suffix);
        n.put("charge", chargeId(r.charge()));
        n.put("created", f.createdAt().getEpochSecond());
        n.put("currency", r.charge().entry().currency().toLowerCase(Locale.ROOT));
        if (failed) {
            n.put("failure_balance_transaction", "txn_" + suffix + "F");
            n.put("failure_reason", "unknown");
        }
        n.set("metadata", Json.toNode(f.details().getOrDefault("metadata", Map.of())));
        n.put("payment_intent", r.charge().entry().id());
        n.put("reason", f.detail("reason"));
        n.putNull("receipt_number");
        n.putNull("source_transfer_reversal");
        n.put("status", f.status());
        n.putNull("transfer_reversal");
        return n;
    }

    private static String or(String message, String fallback) {
        return message != null ? message : fallback;
    }
}
