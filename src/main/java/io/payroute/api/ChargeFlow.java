package io.payroute.api;

import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

import io.payroute.async.ChargeWork;
import io.payroute.charge.ChargeContext;
import io.payroute.charge.ChargeJson;
import io.payroute.charge.ChargeRepository;
import io.payroute.charge.ChargeRequest;
import io.payroute.charge.ChargeStatus;
import io.payroute.charge.Ids;
import io.payroute.idempotency.JdbcIdempotencyRepository;
import io.payroute.merchant.MerchantAuth;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * The HTTP edges of the charge routes (bean {@code chargeFlow}): turns the request into exchange properties,
 * and the stored charge into the response.
 */
@Component("chargeFlow")
public class ChargeFlow {

    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** Exchange property: the correlation id of this request (given by the client, or generated). */
    public static final String REQUEST_ID = "requestId";
    /** Exchange property: the client asked for {@code Prefer: respond-async}. */
    public static final String RESPOND_ASYNC = "respondAsync";
    private static final Pattern KEY = Pattern.compile("^[\\x21-\\x7e]{1,255}$");

    /** An Idempotency-Key PayRoute accepts (REST, refunds, queue property): 1-255 printable ASCII characters. */
    public static boolean validIdempotencyKey(String key) {
        return KEY.matcher(key).matches();
    }
    private static final Pattern CHARGE_ID = Pattern.compile("^ch_[0-9a-z]{26}$");

    private final ChargeRequestParser parser;
    private final ChargeRepository charges;
    private final ChargeJson chargeJson;
    private final JdbcIdempotencyRepository idempotency;
    private final ChargeWork work;
    private final Clock clock;

    public ChargeFlow(ChargeRequestParser parser, ChargeRepository charges, ChargeJson chargeJson,
                      JdbcIdempotencyRepository idempotency, ChargeWork work, Clock clock) {
        this.parser = parser;
        this.charges = charges;
        this.chargeJson = chargeJson;
        this.idempotency = idempotency;
        this.work = work;
        this.clock = clock;
    }

    /**
     * Validates the request and keeps what later steps need as properties, then drops every inbound header so
     * none can leak to a provider or echo into the response.
     */
    public void accept(Exchange exchange) {
        Message in = exchange.getMessage();
        correlate(exchange);
        String key = in.getHeader(IDEMPOTENCY_HEADER, String.class);
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        boolean respondAsync = prefersAsync(in.getHeader("Prefer", String.class));
        byte[] body = in.getBody(byte[].class);
        in.removeHeaders("*");
        if (key != null && !validIdempotencyKey(key)) {
            throw ProblemException.invalid(IDEMPOTENCY_HEADER, "must be 1 to 255 printable ASCII characters");
        }
        ChargeRequest request = parser.parse(contentType, body, MerchantAuth.merchantOf(exchange));
        ChargeContext charge = new ChargeContext(request, Ids.charge(), clock.instant());
        if (respondAsync) {
            charge.processAsync(body, null);
        }
        exchange.setProperty(RESPOND_ASYNC, respondAsync);
        exchange.setProperty(ChargeContext.PROPERTY, charge);
        if (key != null) {
            exchange.setProperty(JdbcIdempotencyRepository.KEY, key);
            exchange.setProperty(JdbcIdempotencyRepository.SCOPE, request.merchantId() + ":" + key);
            exchange.setProperty(JdbcIdempotencyRepository.FINGERPRINT, RequestFingerprint.of(request));
        }
    }

    /**
     * A retry (same Idempotency-Key, same body) of a synchronous charge whose first request's instance died
     * mid-round: the retry takes the round over (property {@link ChargeWork#ROUND_TAKEN}), sending an attempt left
     * unanswered again as it was, and its answer becomes the key's stored response. While another retry holds the
     * round it is 409 in flight; a charge that has ended, or whose attempt reached a provider, is answered as it
     * stands by {@link JdbcIdempotencyRepository#replay}.
     */
    public void resumeAbandoned(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext received, Exchange exchange) {
        exchange.setProperty(ChargeWork.ROUND_TAKEN, false);
        if (received.isAsync()) {
            // Prefer: respond-async: its work message resumes the charge; the retry is answered as it stands
            return;
        }
        Optional<ChargeRepository.StoredCharge> abandoned = idempotency.abandonedCharge(exchange)
                .flatMap(id -> charges.findCharge(received.request().merchantId(), id))
                .filter(c -> c.status() == ChargeStatus.PENDING && c.nextRoundAt() == null);
        if (abandoned.isEmpty()) {
            return;
        }
        ChargeWork.Round round = work.takeRound(exchange, abandoned.get().id(), abandoned.get().rounds(),
                received.request(), null, null);
        if (round == ChargeWork.Round.HELD) {
            throw JdbcIdempotencyRepository.inUse();
        }
        if (round == ChargeWork.Round.TAKEN) {
            idempotency.takeOver(exchange);
            MDC.put(LogContext.CHARGE_ID, abandoned.get().id());
        }
    }

    /** 201 with the charge as this exchange stored it (no read back; GET renders the same row). */
    public void respondCreated(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge, Exchange exchange) {
        Responses.json(exchange, 201, rendered(charge));
        exchange.getMessage().setHeader("Location", "/v1/charges/" + charge.id());
    }

    /** 202 for {@code Prefer: respond-async}: the charge is pending, a worker routes it; GET shows its progress. */
    public void respondAccepted(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge, Exchange exchange) {
        Responses.json(exchange, 202, rendered(charge));
        exchange.getMessage().setHeader("Location", "/v1/charges/" + charge.id());
        exchange.getMessage().setHeader("Preference-Applied", "respond-async");
    }

    /** The charge as this exchange stored it: as its event already rendered it, or rendered now. */
    private String rendered(ChargeContext charge) {
        if (charge.rendered() != null) {
            return charge.rendered().toString();
        }
        return chargeJson.render(charge.stored(), charge.attempts().stream()
                .map(a -> ChargeRepository.StoredAttempt.of(a, null)).toList()).toString();
    }

    /** RFC 7240: {@code Prefer: respond-async}, possibly among other preferences. */
    static boolean prefersAsync(String prefer) {
        if (prefer == null) {
            return false;
        }
        for (String preference : prefer.split(",")) {
            if (preference.split(";", 2)[0].trim().equalsIgnoreCase("respond-async")) {
                return true;
            }
        }
        return false;
    }

    public void respondWithCharge(Exchange exchange) {
        correlate(exchange);
        String id = exchange.getMessage().getHeader("id", String.class);
        exchange.getMessage().removeHeaders("*");
        if (id == null || !CHARGE_ID.matcher(id).matches()) {
            throw ProblemException.notFound("charge " + (id == null ? "" : id.replaceAll("[^\\w-]", "")));
        }
        ChargeRepository.StoredCharge charge = charges.findCharge(MerchantAuth.merchantOf(exchange), id)
                .orElseThrow(() -> ProblemException.notFound("charge " + id));
        Responses.json(exchange, 200, chargeJson.render(charge, charges.findAttempts(id)).toString());
    }

    /** A correlation id PayRoute passes on as given: short, and safe in headers and logs. */
    public static boolean validRequestId(String id) {
        return id != null && id.matches("^[\\w.:-]{1,64}$");
    }

    /**
     * Keeps the caller's X-Request-Id (or a new one) for provider calls and the response, and puts it in the
     * logging context (MDC key request_id) until the exchange is done.
     */
    public static void correlate(Exchange exchange) {
        String given = exchange.getMessage().getHeader(REQUEST_ID_HEADER, String.class);
        LogContext.correlate(exchange, validRequestId(given) ? given : Ids.requestId());
    }
}
