package io.payroute.simulator;

import java.util.Locale;
import java.util.Objects;

/**
 * Start-up settings of one provider simulator.
 *
 * @param port      listening port; 0 picks an ephemeral port (reported by {@link Simulators#baseUrl})
 * @param secretKey the API secret clients must present ({@code Authorization: Bearer <key>})
 */
public record ProviderSettings(int port, String secretKey, long latencyMs, long latencyJitterMs,
                               double declineRate, double errorRate, long timeoutDelayMs) {

    public ProviderSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        Objects.requireNonNull(secretKey, "secretKey");
        if (secretKey.isBlank()) {
            throw new IllegalArgumentException("secretKey must not be blank");
        }
        // validates the ranges once, with the control API's field names
        new Behaviour(latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs);
    }

    /** Defaults of a known provider (paystack 18081, flutterwave 18082, stripe 18083), no latency/declines/errors. */
    public static ProviderSettings defaults(String provider) {
        String name = provider.toLowerCase(Locale.ROOT);
        Behaviour b = Behaviour.defaults();
        return switch (name) {
            case Simulators.PAYSTACK -> new ProviderSettings(18081, "sk_test_payroute_sim_paystack", 0, 0, 0, 0, b.timeoutDelayMs());
            case Simulators.FLUTTERWAVE -> new ProviderSettings(18082, "FLWSECK_TEST-payroute-sim", 0, 0, 0, 0, b.timeoutDelayMs());
            case Simulators.STRIPE -> new ProviderSettings(18083, "sk_test_payroute_sim_stripe", 0, 0, 0, 0, b.timeoutDelayMs());
            default -> throw new IllegalArgumentException("unknown provider: " + provider);
        };
    }

    public Behaviour behaviour() {
        return new Behaviour(latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs);
    }

    public ProviderSettings withPort(int port) {
        return new ProviderSettings(port, secretKey, latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs);
    }

    public ProviderSettings withSecretKey(String secretKey) {
        return new ProviderSettings(port, secretKey, latencyMs, latencyJitterMs, declineRate, errorRate, timeoutDelayMs);
    }

    public ProviderSettings withBehaviour(Behaviour b) {
        return new ProviderSettings(port, secretKey, b.latencyMs(), b.latencyJitterMs(), b.declineRate(), b.errorRate(), b.timeoutDelayMs());
    }
}
