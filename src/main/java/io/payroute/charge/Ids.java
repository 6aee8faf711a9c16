package io.payroute.charge;

import java.security.SecureRandom;

/**
 * Time-ordered identifiers (ULID layout: 48-bit milliseconds + 80 random bits, Crockford base32),
 * so new rows land at the end of the primary-key index on any instance without coordination.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final String DECODE = new String(ALPHABET);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String charge() {
        return "ch_" + ulid();
    }

    public static String event() {
        return "evt_" + ulid();
    }

    /** Outbox message ids, also the broker's duplicate-detection ids. */
    public static String message() {
        return "msg_" + ulid();
    }

    public static String providerWebhook() {
        return "pwh_" + ulid();
    }

    public static String webhookEndpoint() {
        return "we_" + ulid();
    }

    public static String webhookDelivery() {
        return "whd_" + ulid();
    }

    public static String apiKey() {
        return "key_" + ulid();
    }

    public static String refund() {
        return "rf_" + ulid();
    }

    public static String alert() {
        return "alr_" + ulid();
    }

    public static String requestId() {
        return "req_" + ulid();
    }

    /** Whether {@code id} has the shape of an id made here with {@code prefix} ("evt_", "we_", ...). */
    public static boolean is(String prefix, String id) {
        return id != null && id.length() == prefix.length() + 26 && id.startsWith(prefix)
                && id.substring(prefix.length()).chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'z');
    }

    /**
     * The reference sent to a provider for one attempt: unique per attempt and made only of characters every
     * provider accepts in references (Paystack allows alphanumerics, '-', '.', '=').
     */
    public static String attemptReference(String chargeId, int seq) {
        return chargeId.replace("_", "-") + "-" + seq;
    }

    /** The charge an attempt reference belongs to (the inverse of {@link #attemptReference}), if it is one of ours. */
    public static java.util.Optional<String> chargeOfAttemptReference(String reference) {
        if (reference == null || !reference.matches("^ch-[0-9a-z]{26}-[0-9]{1,4}$")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("ch_" + reference.substring(3, 29));
    }

    /**
     * The lowest charge id that can have been made at or after {@code time}: "created since" becomes a range of the
     * primary key (and of every key that starts with a charge id), with no index on a timestamp.
     */
    public static String firstChargeIdAt(java.time.Instant time) {
        char[] out = new char[26];
        java.util.Arrays.fill(out, '0');
        encodeTime(time.toEpochMilli(), out);
        return "ch_" + new String(out);
    }

    /** The time a charge id was made at, to the millisecond (what {@link #firstChargeIdAt} encodes). */
    public static java.time.Instant timeOf(String chargeId) {
        long millis = 0;
        for (int i = 3; i < 13; i++) {
            millis = millis << 5 | DECODE.indexOf(chargeId.charAt(i));
        }
        return java.time.Instant.ofEpochMilli(millis);
    }

    /** The 48-bit millisecond time as the first 10 characters. */
    private static void encodeTime(long millis, char[] out) {
        long time = millis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
    }

    static String ulid() {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        char[] out = new char[26];
        encodeTime(System.currentTimeMillis(), out);
        // 80 random bits as 16 base32 characters
        long hi = ((random[0] & 0xffL) << 32) | ((random[1] & 0xffL) << 24) | ((random[2] & 0xffL) << 16)
                | ((random[3] & 0xffL) << 8) | (random[4] & 0xffL);
        long lo = ((random[5] & 0xffL) << 32) | ((random[6] & 0xffL) << 24) | ((random[7] & 0xffL) << 16)
                | ((random[8] & 0xffL) << 8) | (random[9] & 0xffL);
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }
}
