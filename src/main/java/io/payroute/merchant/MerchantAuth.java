package io.payroute.merchant;

import io.payroute.api.BearerToken;
import io.payroute.api.LogContext;
import io.payroute.api.ProblemException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The merchant API's credential (bean {@code merchantAuth}, run before every merchant route by the
 * {@code merchant-auth} route configuration): {@code Authorization: Bearer <secret API key>}, looked up by its
 * SHA-256. It decides whose request this is ({@link #MERCHANT_ID}, which every merchant API bean scopes its reads
 * and writes to) and applies the key's rate limit. The key id and client address go into the logging context
 * and the audit log as who and from where.
 */
@Component("merchantAuth")
public class MerchantAuth {

    /** Exchange properties set for the rest of the request. */
    public static final String MERCHANT_ID = "merchantId";
    public static final String API_KEY_ID = "apiKeyId";

    private final MerchantRepository merchants;
    private final RateLimits rateLimits;

    public MerchantAuth(MerchantRepository merchants, RateLimits rateLimits) {
        this.merchants = merchants;
        this.rateLimits = rateLimits;
    }

    public void authenticate(Exchange exchange) {
        String key = BearerToken.of(exchange);
        if (key == null || key.isEmpty() || key.length() > 200) {
            throw unauthorized("Send your secret API key as Authorization: Bearer <key>");
        }
        MerchantRepository.Authenticated who = merchants.authenticate(ApiKeys.hash(key))
                .orElseThrow(() -> unauthorized("The API key is not valid (unknown, revoked, or its merchant is disabled)"));
        LogContext.actor(exchange, who.keyId(), LogContext.clientAddress(exchange));
        long retryAfter = rateLimits.acquire(who);
        if (retryAfter > 0) {
            throw ProblemException.tooManyRequests(retryAfter);
        }
        exchange.setProperty(MERCHANT_ID, who.merchantId());
        exchange.setProperty(API_KEY_ID, who.keyId());
    }

    /** The authenticated merchant of this exchange; only merchant routes (after {@link #authenticate}) ask. */
    public static String merchantOf(Exchange exchange) {
        String merchant = exchange.getProperty(MERCHANT_ID, String.class);
        if (merchant == null) {
            throw new IllegalStateException("merchant route without merchant-auth");
        }
        return merchant;
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "unauthorized", "Unauthorized", detail);
    }
}
