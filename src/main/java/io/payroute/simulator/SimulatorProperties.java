package io.payroute.simulator;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code payroute.simulators.*}. Providers are explicit properties (not a map) so that binding
 * {@code providers.stripe.latency-ms} keeps the other per-provider defaults (port, secret key).
 */
@ConfigurationProperties("payroute.simulators")
public class SimulatorProperties {

    private boolean enabled;
    private String host = SimulatorSettings.DEFAULT_HOST;
    private int controlPort = 18080;
    /** Seed for outcome/jitter randomness; unset = random. */
    private Long seed;
    private final Providers providers = new Providers();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getControlPort() {
        return controlPort;
    }

    public void setControlPort(int controlPort) {
        this.controlPort = controlPort;
    }

    public Long getSeed() {
        return seed;
    }

    public void setSeed(Long seed) {
        this.seed = seed;
    }

    public Providers getProviders() {
        return providers;
    }

    public SimulatorSettings toSettings() {
        Map<String, ProviderSettings> p = new LinkedHashMap<>();
        p.put(Simulators.PAYSTACK, providers.paystack.toSettings());
        p.put(Simulators.FLUTTERWAVE, providers.flutterwave.toSettings());
        p.put(Simulators.STRIPE, providers.stripe.toSettings());
        return new SimulatorSettings(host, controlPort, seed, p);
    }

    public static class Providers {
        private final Provider paystack = new Provider(ProviderSettings.defaults(Simulators.PAYSTACK));
        private final FlutterwaveProvider flutterwave = new FlutterwaveProvider(ProviderSettings.defaults(Simulators.FLUTTERWAVE));
        private final Provider stripe = new Provider(ProviderSettings.defaults(Simulators.STRIPE));

        public Provider getPaystack() {
            return paystack;
        }

        public FlutterwaveProvider getFlutterwave() {
            return flutterwave;
        }

        public Provider getStripe() {
            return stripe;
        }
    }

    public static class Provider {
        private int port;
        private String secretKey;
        private long latencyMs;
        private long latencyJitterMs;
        private double declineRate;
        private double errorRate;
        private long timeoutDelayMs;
        /** A pending charge or refund settles by itself after this long; 0 = never (but see {@link Behaviour}). */
        private long pendingSettleMs;
        /** Where webhooks go; unset = none, or (in the service) the service's own /v1/webhooks/{provider}. */
        private URI webhookUrl;
        private WebhookSend webhookSend;
        /** Stripe's endpoint secret (Flutterwave: webhook-hash); unset for Paystack, which signs with secret-key. */
        private String webhookSecret;

        Provider(ProviderSettings d) {
            port = d.port();
            secretKey = d.secretKey();
            latencyMs = d.latencyMs();
            latencyJitterMs = d.latencyJitterMs();
            declineRate = d.declineRate();
            errorRate = d.errorRate();
            timeoutDelayMs = d.timeoutDelayMs();
            pendingSettleMs = d.pendingSettleMs();
            webhookUrl = d.webhookUrl();
            webhookSend = d.webhookSend();
            webhookSecret = d.webhookSecret();
        }

        ProviderSettings toSettings() {
            return new ProviderSettings(port, secretKey, latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs,
                    pendingSettleMs, webhookUrl, webhookSend, webhookSecret);
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public String getSecretKey() {
            return secretKey;
        }

        public void setSecretKey(String secretKey) {
            this.secretKey = secretKey;
        }

        public long getLatencyMs() {
            return latencyMs;
        }

        public void setLatencyMs(long latencyMs) {
            this.latencyMs = latencyMs;
        }

        public long getLatencyJitterMs() {
            return latencyJitterMs;
        }

        public void setLatencyJitterMs(long latencyJitterMs) {
            this.latencyJitterMs = latencyJitterMs;
        }

        public double getDeclineRate() {
            return declineRate;
        }

        public void setDeclineRate(double declineRate) {
            this.declineRate = declineRate;
        }

        public double getErrorRate() {
            return errorRate;
        }

        public void setErrorRate(double errorRate) {
            this.errorRate = errorRate;
        }

        public long getTimeoutDelayMs() {
            return timeoutDelayMs;
        }

        public void setTimeoutDelayMs(long timeoutDelayMs) {
            this.timeoutDelayMs = timeoutDelayMs;
        }

        public long getPendingSettleMs() {
            return pendingSettleMs;
        }

        public void setPendingSettleMs(long pendingSettleMs) {
            this.pendingSettleMs = pendingSettleMs;
        }

        public URI getWebhookUrl() {
            return webhookUrl;
        }

        public void setWebhookUrl(URI webhookUrl) {
            this.webhookUrl = webhookUrl;
        }

        public WebhookSend getWebhookSend() {
            return webhookSend;
        }

        public void setWebhookSend(WebhookSend webhookSend) {
            this.webhookSend = webhookSend;
        }

        public String getWebhookSecret() {
            return webhookSecret;
        }

        public void setWebhookSecret(String webhookSecret) {
            this.webhookSecret = webhookSecret;
        }
    }

    /** Flutterwave calls its webhook secret the "secret hash": {@code webhook-hash} names the same setting. */
    public static class FlutterwaveProvider extends Provider {
        FlutterwaveProvider(ProviderSettings d) {
            super(d);
        }

        public String getWebhookHash() {
            return getWebhookSecret();
        }

        public void setWebhookHash(String webhookHash) {
            setWebhookSecret(webhookHash);
        }
    }
}
