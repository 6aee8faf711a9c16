package io.payroute.simulator;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Start-up settings of one provider simulator.
 *
 * @param port          listening port; 0 picks an ephemeral port (reported by {@link Simulators#baseUrl})
 * @param secretKey     the API secret clients must present ({@code Authorization: Bearer <key>})
 * @param webhookUrl    where webhooks go, or null: none are sent (until one is set at runtime)
 * @param webhookSend   which outcomes are announced; null means {@link WebhookSend#ASYNC}
 * @param webhookSecret what webhooks are signed with (Stripe's endpoint secret, Flutterwave's secret hash); null
 *                      means the secret key, as Paystack signs with it and has no separate webhook secret
 */
public record ProviderSettings(int port, String secretKey, long latencyMs, long latencyJitterMs,
                               double declineRate, double errorRate, long timeoutDelayMs, long pendingSettleMs,
                               URI webhookUrl, WebhookSend webhookSend, String webhookSecret) {

    public static final String FLUTTERWAVE_WEBHOOK_HASH = "payroute-sim-flw-hash";
    public static final String STRIPE_WEBHOOK_SECRET = "whsec_payroute_sim_stripe";

    public ProviderSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        Objects.requireNonNull(secretKey, "secretKey");
        if (secretKey.isBlank()) {
            throw new IllegalArgumentException("secretKey must not be blank");
        }
        if (webhookSecret != null && webhookSecret.isBlank()) {
            throw new IllegalArgumentException("webhookSecret must not be blank");
        }
        webhookSend = webhookSend == null ? WebhookSend.ASYNC : webhookSend;
        // validates the ranges and the URL once, with the control API's field names
        new Behaviour(latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs, pendingSettleMs);
        new WebhookSettings(webhookUrl, webhookSend);
    }

    /**
     * Defaults of a known provider (paystack 18081, flutterwave 18082, stripe 18083), no latency/declines/errors,
     * no webhook URL; Flutterwave's secret hash and Stripe's endpoint secret have simulator values.
     */
    public static ProviderSettings defaults(String provider) {
        String name = provider.toLowerCase(Locale.ROOT);
        long timeout = Behaviour.defaults().timeoutDelayMs();
        return switch (name) {
            case Simulators.PAYSTACK -> new ProviderSettings(18081, "sk_test_payroute_sim_paystack", 0, 0, 0, 0, timeout, 0,
                    null, WebhookSend.ASYNC, null);
            case Simulators.FLUTTERWAVE -> new ProviderSettings(18082, "FLWSECK_TEST-payroute-sim", 0, 0, 0, 0, timeout, 0,
                    null, WebhookSend.ASYNC, FLUTTERWAVE_WEBHOOK_HASH);
            case Simulators.STRIPE -> new ProviderSettings(18083, "sk_test_payroute_sim_stripe", 0, 0, 0, 0, timeout, 0,
                    null, WebhookSend.ASYNC, STRIPE_WEBHOOK_SECRET);
            default -> throw new IllegalArgumentException("unknown provider: " + provider);
        };
    }

    public Behaviour behaviour() {
        return new Behaviour(latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs, pendingSettleMs);
    }

    public WebhookSettings webhooks() {
        return new WebhookSettings(webhookUrl, webhookSend);
    }

    /** The secret webhooks are signed with: the webhook secret, or else the API secret key. */
    public String effectiveWebhookSecret() {
        return webhookSecret != null ? webhookSecret : secretKey;
    }

    public ProviderSettings withPort(int port) {
        return new ProviderSettings(port, secretKey, latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs,
                pendingSettleMs, webhookUrl, webhookSend, webhookSecret);
    }

    public ProviderSettings withSecretKey(String secretKey) {
        return new ProviderSettings(port, secretKey, latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs,
                pendingSettleMs, webhookUrl, webhookSend, webhookSecret);
    }

    public ProviderSettings withBehaviour(Behaviour b) {
        return new ProviderSettings(port, secretKey, b.latencyMs(), b.latencyJitterMs(), b.declineRate(), b.errorRate(),
                b.timeoutDelayMs(), b.pendingSettleMs(), webhookUrl, webhookSend, webhookSecret);
    }

    public ProviderSettings withWebhooks(WebhookSettings w) {
        return new ProviderSettings(port, secretKey, latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs,
                pendingSettleMs, w.url(), w.send(), webhookSecret);
    }

    public ProviderSettings withWebhookSecret(String webhookSecret) {
        return new ProviderSettings(port, secretKey, latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs,
                pendingSettleMs, webhookUrl, webhookSend, webhookSecret);
    }
}
