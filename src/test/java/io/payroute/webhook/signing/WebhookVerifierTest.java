package io.payroute.webhook.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/** Each scheme against signatures computed here with the JDK's HMAC, independently of the code under test. */
class WebhookVerifierTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final byte[] BODY = "{\"event\":\"charge.success\",\"data\":{\"amount\":5000}}".getBytes(StandardCharsets.UTF_8);

    private static String hmac(String algorithm, String key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
        return HexFormat.of().formatHex(mac.doFinal(data));
    }

    private static boolean check(WebhookVerifier v, byte[] body, Map<String, String> headers) {
        Map<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        caseInsensitive.putAll(headers);
        return v.verify(body, caseInsensitive::get, NOW);
    }

    @Test
    void hmacHexIsCheckedOverTheExactBytes() throws Exception {
        WebhookVerifier paystack = WebhookVerifier.of(WebhookVerifier.Scheme.fromConfig("hmac-hex"), "x-paystack-signature",
                "sk_test_key", "HmacSHA512", null);
        String good = hmac("HmacSHA512", "sk_test_key", BODY);
        assertThat(check(paystack, BODY, Map.of("X-Paystack-Signature", good))).isTrue();
        assertThat(check(paystack, BODY, Map.of("x-paystack-signature", good.toUpperCase()))).as("hex case").isTrue();
        byte[] oneByteMore = (new String(BODY, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
        assertThat(check(paystack, oneByteMore, Map.of("x-paystack-signature", good))).isFalse();
        assertThat(check(paystack, BODY, Map.of("x-paystack-signature", hmac("HmacSHA512", "sk_other", BODY)))).isFalse();
        assertThat(check(paystack, BODY, Map.of())).isFalse();
    }

    @Test
    void sharedSecretIsPlainEquality() {
        WebhookVerifier flutterwave = WebhookVerifier.of(WebhookVerifier.Scheme.SHARED_SECRET, "verif-hash", "my-hash", null, null);
        assertThat(check(flutterwave, BODY, Map.of("verif-hash", "my-hash"))).isTrue();
        assertThat(check(flutterwave, BODY, Map.of("verif-hash", "my-hash "))).isFalse();
        assertThat(check(flutterwave, BODY, Map.of("verif-hash", "my-has"))).isFalse();
        assertThat(check(flutterwave, BODY, Map.of())).isFalse();
    }

    @Test
    void timestampedSignaturesHonourToleranceAndRotation() throws Exception {
        WebhookVerifier stripe = WebhookVerifier.of(WebhookVerifier.Scheme.fromConfig("timestamped-hmac"), "Stripe-Signature",
                "whsec_abc", null, Duration.ofSeconds(300));
        long t = NOW.getEpochSecond() - 299;
        String v1 = hmac("HmacSHA256", "whsec_abc", (t + "." + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        assertThat(check(stripe, BODY, Map.of("Stripe-Signature", "t=" + t + ",v1=" + v1))).isTrue();
        assertThat(check(stripe, BODY, Map.of("Stripe-Signature", "t=" + t + ",v1=deadbeef,v1=" + v1 + ",v0=old"))).isTrue();
        assertThat(check(stripe, BODY, Map.of("Stripe-Signature", "t=" + (t - 2) + ",v1=" + v1))).as("t is signed").isFalse();
        long stale = NOW.getEpochSecond() - 301;
        String staleV1 = hmac("HmacSHA256", "whsec_abc", (stale + "." + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        assertThat(check(stripe, BODY, Map.of("Stripe-Signature", "t=" + stale + ",v1=" + staleV1))).isFalse();
        assertThat(check(stripe, BODY, Map.of("Stripe-Signature", "v1=" + v1))).isFalse();
        assertThat(check(stripe, BODY, Map.of("Stripe-Signature", "t=abc,v1=" + v1))).isFalse();
    }

    @Test
    void signingWithSeveralSecretsVerifiesUnderEach() {
        String header = TimestampedSignature.sign(NOW.getEpochSecond(), BODY,
                List.of("new".getBytes(StandardCharsets.UTF_8), "old".getBytes(StandardCharsets.UTF_8)));
        assertThat(header).startsWith("t=" + NOW.getEpochSecond() + ",v1=");
        assertThat(header.split(",v1=")).hasSize(3);
        assertThat(TimestampedSignature.verify(header, BODY, "new".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5), NOW)).isTrue();
        assertThat(TimestampedSignature.verify(header, BODY, "old".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5), NOW)).isTrue();
        assertThat(TimestampedSignature.verify(header, BODY, "other".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5), NOW)).isFalse();
    }

    @Test
    void aSchemeWithoutSecretOrUnknownNameIsAConfigurationError() {
        assertThatThrownBy(() -> WebhookVerifier.of(WebhookVerifier.Scheme.SHARED_SECRET, "verif-hash", " ", null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookVerifier.Scheme.fromConfig("md5-please")).isInstanceOf(IllegalArgumentException.class);
    }
}
