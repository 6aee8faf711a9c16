package io.payroute.webhook.signing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">} scheme: Stripe's {@code Stripe-Signature}, and
 * PayRoute's own {@code PayRoute-Signature} on merchant webhooks (docs/webhooks.md). Several {@code v1} may be
 * present while a secret is being rotated; any one that matches is enough. The timestamp is signed with the
 * body, so a captured request replayed after the tolerance is refused.
 */
public final class TimestampedSignature {

    private static final String ALGORITHM = "HmacSHA256";

    private TimestampedSignature() {
    }

    /** The header value for {@code body} sent at {@code timestamp}, with one {@code v1} per secret. */
    public static String sign(long timestamp, byte[] body, List<byte[]> secrets) {
        StringBuilder header = new StringBuilder("t=").append(timestamp);
        for (byte[] secret : secrets) {
            header.append(",v1=").append(v1(timestamp, body, secret));
        }
        return header.toString();
    }

    /** True when {@code header} carries a {@code v1} of {@code body} under {@code secret}, made within {@code tolerance} of now. */
    public static boolean verify(String header, byte[] body, byte[] secret, Duration tolerance, Instant now) {
        if (header == null) {
            return false;
        }
        Long timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t") && value.matches("^[0-9]{1,12}$")) {
                timestamp = Long.parseLong(value);
            } else if (key.equals("v1")) {
                signatures.add(value.toLowerCase(Locale.ROOT));
            }
        }
        if (timestamp == null || signatures.isEmpty()
                || Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return false;
        }
        String expected = v1(timestamp, body, secret);
        boolean match = false;
        for (String signature : signatures) {
            // every candidate is compared, so the time taken does not tell which one matched
            match |= Hmac.constantTimeEquals(expected, signature);
        }
        return match;
    }

    private static String v1(long timestamp, byte[] body, byte[] secret) {
        return Hmac.hex(ALGORITHM, secret, (timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
    }
}
