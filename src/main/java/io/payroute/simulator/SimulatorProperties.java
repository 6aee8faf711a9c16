package io.payroute.simulator;

import org.springframework.boot.context.properties.ConfigurationProperties;

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
        private final Provider flutterwave = new Provider(ProviderSettings.defaults(Simulators.FLUTTERWAVE));
        private final Provider stripe = new Provider(ProviderSettings.defaults(Simulators.STRIPE));

        public Provider getPaystack() {
            return paystack;
        }

        public Provider getFlutterwave() {
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

        Provider(ProviderSettings d) {
            port = d.port();
            secretKey = d.secretKey();
            latencyMs = d.latencyMs();
            latencyJitterMs = d.latencyJitterMs();
            declineRate = d.declineRate();
            errorRate = d.errorRate();
            timeoutDelayMs = d.timeoutDelayMs();
        }

        ProviderSettings toSettings() {
            return new ProviderSettings(port, secretKey, latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs);
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
    }
}
