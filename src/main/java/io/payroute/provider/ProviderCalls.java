package io.payroute.provider;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Currency;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.payroute.api.ChargeFlow;
import io.payroute.charge.Attempt;
import io.payroute.charge.AttemptResult;
import io.payroute.charge.ChargeContext;
import io.payroute.charge.ChargeRequest;
import io.payroute.charge.ChargeService;
import io.payroute.merchant.ProviderAccounts;
import io.payroute.charge.ChargeStatus;
import io.payroute.charge.Outcome;
import io.payroute.charge.PaymentMethod;
import io.payroute.observability.ProviderCallSpans;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The provider-independent half of every provider call (bean {@code providerCalls} in routes/providers.yaml).
 * The provider-specific half is data: the JSONata mappings and the configuration block. Flow of one call:
 * <ol>
 *   <li>{@link #chargeRequestInput}: the canonical input of mappings/&lt;p&gt;/charge-request.jsonata;</li>
 *   <li>{@link #prepare}: the mapping's {@code {method, path, query, headers, body}} becomes the HTTP request,
 *       with auth and encoding from configuration and no inbound header;</li>
 *   <li>{@link #received} (inside the circuit breaker): 5xx/429 are provider failures and trip the breaker;
 *       anything else becomes the input of the response mapping;</li>
 *   <li>{@link #failed} (breaker fallback): transport failures classified as NOT_CHARGED or UNKNOWN;</li>
 *   <li>{@link #mapped}: the response mapping's canonical result.</li>
 * </ol>
 */
@Component("providerCalls")
public class ProviderCalls {

    private static final Logger log = LoggerFactory.getLogger(ProviderCalls.class);
    private static final int EXCERPT = 2000;
    private static final Set<String> OUTCOMES = Set.of("SUCCESS", "PENDING", "DECLINED", "NOT_CHARGED", "UNKNOWN");

    private final ProviderCatalog catalog;
    private final ProviderAccounts accounts;
    private final ObjectMapper json;
    private final ProviderCallSpans spans;
    private final InFlightCalls inFlight;

    public ProviderCalls(ProviderCatalog catalog, ProviderAccounts accounts, ObjectMapper json, ProviderCallSpans spans,
                         InFlightCalls inFlight) {
        this.catalog = catalog;
        this.accounts = accounts;
        this.json = json;
        this.spans = spans;
        this.inFlight = inFlight;
    }

    /** Thrown inside the breaker for answers that mean "the provider is failing" (5xx, 429). */
    static final class ProviderFailureResponse extends IOException {
        final int status;
        final String excerpt;

        ProviderFailureResponse(int status, String excerpt) {
            super("provider answered HTTP " + status, null);
            this.status = status;
            this.excerpt = excerpt;
        }
    }

    /** Exchange properties of the call in progress; cleared before each call. */
    static final String HTTP_STATUS = "httpStatus";
    static final String RESPONSE_EXCERPT = "responseExcerpt";
    /** "charge" or "status": tells the response mapping which question the provider answered. */
    static final String CALL_KIND = "callKind";

    /** Forgets everything the previous call of this exchange left behind. */
    public static void resetCallState(Exchange exchange) {
        exchange.removeProperty(ChargeService.ATTEMPT_RESULT);
        exchange.removeProperty(ChargeService.REQUEST_EXCERPT);
        exchange.removeProperty(HTTP_STATUS);
        exchange.removeProperty(RESPONSE_EXCERPT);
        exchange.removeProperty(CALL_KIND);
    }

    /** Canonical input for charge-request.jsonata: the charge, the attempt reference and this provider's token. */
    public void chargeRequestInput(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge,
                                   @ExchangeProperty("provider") String provider, Exchange exchange) {
        ChargeRequest r = charge.request();
        Attempt attempt = charge.currentAttempt();
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("charge_id", charge.id());
        in.put("reference", attempt.reference());
        in.put("merchant_reference", r.reference());
        in.put("description", r.description());
        in.put("amount", r.amount());
        in.put("amount_major", amountMajor(r.amount(), r.currency()));
        in.put("currency", r.currency());
        in.put("currency_exponent", Currency.getInstance(r.currency()).getDefaultFractionDigits());
        Map<String, Object> customer = new LinkedHashMap<>();
        customer.put("email", r.customer().email());
        customer.put("name", r.customer().name());
        customer.put("phone", r.customer().phone());
        customer.put("country", r.customer().country());
        in.put("customer", customer);
        Map<String, Object> method = new LinkedHashMap<>();
        method.put("type", r.paymentMethod().type());
        if (r.paymentMethod() instanceof PaymentMethod.Tokens tokens) {
            method.put("token", tokens.byProvider().get(provider));
        } else if (r.paymentMethod() instanceof PaymentMethod.Card card) {
            method.put("number", card.number());
            method.put("exp_month", card.expMonth());
            method.put("exp_year", card.expYear());
            method.put("cvc", card.cvc());
        }
        in.put("payment_method", method);
        in.put("metadata", r.metadata());
        // absent, not null: mappings then leave optional fields out of the provider request
        in.values().removeIf(Objects::isNull);
        customer.values().removeIf(Objects::isNull);
        exchange.getMessage().setBody(in);
    }

    /** Minor units in major units, exactly (for providers such as Flutterwave that take major units). */
    public static BigDecimal amountMajor(long amount, String currency) {
        return BigDecimal.valueOf(amount, Math.max(Currency.getInstance(currency).getDefaultFractionDigits(), 0));
    }

    /** Names the call for the response mapping's {@code kind} ({@code charge}, {@code status}, {@code refund}). */
    public static void callKind(Exchange exchange, String kind) {
        exchange.setProperty(CALL_KIND, kind);
    }

    /** Canonical input for status-request.jsonata: what PayRoute knows about the unresolved attempt. */
    public void statusQueryInput(@ExchangeProperty(ProviderCall.PROPERTY) ProviderCall call, Exchange exchange) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("charge_id", call.chargeId());
        in.put("reference", call.reference());
        in.put("provider_reference", call.providerReference());
        exchange.getMessage().setBody(in);
        resetCallState(exchange);
        exchange.setProperty(CALL_KIND, "status");
    }

    /**
     * Turns a mapping's request description into the HTTP request for the provider-call route. Every header
     * is set here; nothing of the merchant's request reaches the provider.
     */
    public void prepare(@ExchangeProperty("provider") String provider, Exchange exchange) {
        ProviderProperties.Provider config = catalog.provider(provider);
        JsonNode spec = exchange.getMessage().getBody(JsonNode.class);
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        String method = spec.path("method").asText("POST").toUpperCase(Locale.ROOT);
        // the enum camel-http reads it as: a String would be type-converted on every call (4 % of a charge's CPU)
        m.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(method));
        m.setHeader(Exchange.HTTP_PATH, spec.path("path").asText(""));
        if (spec.hasNonNull("query")) {
            m.setHeader(Exchange.HTTP_QUERY, query(spec.get("query")));
        }
        ProviderCall call = exchange.getProperty(ProviderCall.PROPERTY, ProviderCall.class);
        // the merchant's own account at the provider when it has one, else the platform's
        m.setHeader("Authorization", "Bearer " + accounts.secretKey(call == null ? null : call.merchantId(), provider)
                .orElse(config.getSecretKey()));
        m.setHeader("Accept", "application/json");
        m.setHeader("X-PayRoute-Request-Id", exchange.getProperty(ChargeFlow.REQUEST_ID, String.class));
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            m.setHeader(h.getKey(), h.getValue().asText());
        }
        JsonNode body = spec.get("body");
        if (body == null || body.isNull() || method.equals("GET")) {
            m.setBody(null);
        } else if (config.getEncoding() == ProviderProperties.Encoding.form) {
            m.setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
            m.setBody(FormEncoding.encode(body));
        } else {
            m.setHeader(Exchange.CONTENT_TYPE, "application/json");
            m.setBody(body.toString());
        }
        if (body != null && !body.isNull()) {
            exchange.setProperty(ChargeService.REQUEST_EXCERPT, excerpt(Redaction.redact(body).toString()));
        }
        spans.start(exchange, provider, exchange.getProperty(CALL_KIND, "charge", String.class),
                exchange.getProperty(ChargeFlow.REQUEST_ID, String.class), call == null ? null : call.chargeId());
        inFlight.started(provider, exchange);
    }

    /** Inside the breaker: provider failures throw (and count); a business answer goes on to the response mapping. */
    public void received(@ExchangeProperty(ProviderCall.PROPERTY) ProviderCall call, Exchange exchange)
            throws ProviderFailureResponse {
        inFlight.ended(exchange);
        Message m = exchange.getMessage();
        int status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String text = m.getBody(String.class);
        m.removeHeaders("*");
        exchange.setProperty(HTTP_STATUS, status);
        if (status >= 500 || status == 429) {
            throw new ProviderFailureResponse(status, excerpt(Redaction.redactText(text)));
        }
        spans.end(exchange, String.valueOf(status), null);
        ObjectNode in = json.createObjectNode();
        in.put("kind", exchange.getProperty(CALL_KIND, "charge", String.class));
        in.put("http_status", status);
        in.put("reference", call.reference());
        JsonNode parsed = parse(text);
        in.set("body", parsed);
        exchange.setProperty(RESPONSE_EXCERPT, excerpt(parsed == null ? Redaction.redactText(text) : Redaction.redact(parsed).toString()));
        m.setBody(in);
    }

    /** Breaker fallback: what the failure proves about the money. */
    public void failed(Exchange exchange) {
        // no exception at all means the breaker refused the call
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        AttemptResult result = classify(t);
        inFlight.ended(exchange);
        spans.end(exchange, result.code(), t);
        log.info("provider {} call failed: {} ({})", exchange.getProperty("provider"), result.code(), result.outcome());
        exchange.setProperty(ChargeService.ATTEMPT_RESULT, result);
    }

    static AttemptResult classify(Throwable t) {
        if (t == null || t instanceof CallNotPermittedException) {
            return AttemptResult.notCharged("circuit_open", "The provider's circuit breaker is open", null, null);
        }
        if (t instanceof ProviderFailureResponse r) {
            // 503 and 429 are refusals before processing; other 5xx may come after the charge was made
            return r.status == 503 || r.status == 429
                    ? AttemptResult.notCharged(r.status == 429 ? "rate_limited" : "provider_unavailable",
                            "The provider refused the request (HTTP " + r.status + ")", r.status, r.excerpt)
                    : AttemptResult.unknown("provider_error", "The provider failed (HTTP " + r.status
                            + ") after receiving the request", r.status, r.excerpt);
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
            return AttemptResult.notCharged("connection_refused", "Could not connect to the provider", null, null);
        }
        if (t instanceof ConnectTimeoutException) {
            return AttemptResult.notCharged("connect_timeout", "Timed out connecting to the provider", null, null);
        }
        if (t instanceof ConnectionRequestTimeoutException) {
            return AttemptResult.notCharged("connection_pool_exhausted", "No connection to the provider was free", null, null);
        }
        if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
            return AttemptResult.unknown("timeout", "The provider did not answer in time after receiving the request", null, null);
        }
        return AttemptResult.unknown("transport_error", "The connection failed after the request was sent: "
                + t.getClass().getSimpleName(), null, null);
    }

    /** Reads the canonical result a response or status mapping produced; a broken mapping is never read as "not charged". */
    public void mapped(@ExchangeProperty("provider") String provider, Exchange exchange) {
        JsonNode out = exchange.getMessage().getBody(JsonNode.class);
        String excerpt = exchange.getProperty(RESPONSE_EXCERPT, String.class);
        Integer httpStatus = exchange.getProperty(HTTP_STATUS, Integer.class);
        String outcome = out == null ? null : out.path("outcome").asText(null);
        if (outcome == null || !OUTCOMES.contains(outcome)) {
            log.error("mapping of provider {} produced no valid outcome (got {})", provider,
                    out == null ? "nothing" : out.path("outcome").asText("no outcome field"));
            exchange.setProperty(ChargeService.ATTEMPT_RESULT,
                    AttemptResult.unknown("mapping_error", "The provider's answer could not be interpreted", httpStatus, excerpt));
            return;
        }
        Outcome o = Outcome.valueOf(outcome);
        ChargeStatus status = switch (o) {
            case SUCCESS -> ChargeStatus.SUCCEEDED;
            case DECLINED -> ChargeStatus.FAILED;
            case PENDING -> "requires_action".equals(out.path("status").asText()) ? ChargeStatus.REQUIRES_ACTION : ChargeStatus.PENDING;
            default -> null;
        };
        exchange.setProperty(ChargeService.ATTEMPT_RESULT, new AttemptResult(o, status,
                text(out, "provider_reference"), text(out, "code"), text(out, "category"), text(out, "message"),
                out.hasNonNull("http_status") ? Integer.valueOf(out.get("http_status").asInt()) : httpStatus, excerpt,
                out.path("next_action").isObject() ? out.get("next_action").toString() : null));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String query(JsonNode query) {
        StringBuilder s = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = query.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> q = it.next();
            if (!s.isEmpty()) {
                s.append('&');
            }
            s.append(URLEncoder.encode(q.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(q.getValue().asText(), StandardCharsets.UTF_8));
        }
        return s.toString();
    }

    private static String excerpt(String text) {
        return text == null || text.length() <= EXCERPT ? text : text.substring(0, EXCERPT);
    }
}
