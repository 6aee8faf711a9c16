package io.payroute.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Simulators whose webhooks go to a local receiver ({@code /hooks/<provider>}), fresh for every test, and the
 * checks a merchant makes on what arrives, with the test's own HMAC code.
 */
abstract class WebhookReceiverSupport extends SimulatorTestSupport {
    /** The secrets a merchant would configure on its side (the simulators' documented defaults). */
    static final String FLUTTERWAVE_HASH = "payroute-sim-flw-hash";
    static final String STRIPE_WEBHOOK_SECRET = "whsec_payroute_sim_stripe";
    static final Duration WAIT = Duration.ofSeconds(5);
    static final Duration QUIET = Duration.ofMillis(300);

    static WebhookReceiver receiver;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @BeforeEach
    void pointWebhooksAtReceiver() {
        receiver.reset();
        for (String p : Simulators.PROVIDERS) {
            sims.setWebhookUrl(p, receiver.url("/hooks/" + p));
        }
    }

    static String hmacHex(String algorithm, String key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
        return HexFormat.of().formatHex(mac.doFinal(data));
    }

    /** Verifies the provider's authentication header the way a merchant does. */
    static void assertAuthentic(String provider, WebhookReceiver.Received r) throws Exception {
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/hooks/" + provider);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        switch (provider) {
            case "paystack" -> assertThat(r.header("x-paystack-signature"))
                    .isEqualTo(hmacHex("HmacSHA512", PAYSTACK_KEY, r.body()));
            case "flutterwave" -> assertThat(r.header("verif-hash")).isEqualTo(FLUTTERWAVE_HASH);
            default -> {
                String header = r.header("Stripe-Signature");
                assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
                String t = header.substring(2, header.indexOf(','));
                String v1 = header.substring(header.indexOf("v1=") + 3);
                byte[] signed = (t + "." + new String(r.body(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                assertThat(v1).isEqualTo(hmacHex("HmacSHA256", STRIPE_WEBHOOK_SECRET, signed));
                assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t))).isLessThan(300);
            }
        }
    }

}
