package io.payroute.simulator;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Start-up settings of all simulators.
 *
 * @param host        bind address (loopback by default: the simulators have no real security)
 * @param controlPort port of the control API; 0 = ephemeral
 * @param seed        seed for outcome/jitter randomness, or null for a random seed
 * @param providers   per-provider settings keyed by provider name; a missing provider gets its defaults
 */
public record SimulatorSettings(String host, int controlPort, Long seed, Map<String, ProviderSettings> providers) {

    public static final String DEFAULT_HOST = "127.0.0.1";

    public SimulatorSettings {
        host = host == null || host.isBlank() ? DEFAULT_HOST : host;
        if (controlPort < 0 || controlPort > 65535) {
            throw new IllegalArgumentException("controlPort must be 0..65535");
        }
        Map<String, ProviderSettings> all = new LinkedHashMap<>();
        for (String name : Simulators.PROVIDERS) {
            all.put(name, ProviderSettings.defaults(name));
        }
        if (providers != null) {
            providers.forEach((name, settings) -> {
                String key = name.toLowerCase(Locale.ROOT);
                if (!all.containsKey(key)) {
                    throw new IllegalArgumentException("unknown provider: " + name);
                }
                all.put(key, Objects.requireNonNull(settings, name));
            });
        }
        providers = Map.copyOf(all);
    }

    /** Fixed default ports: control 18080, paystack 18081, flutterwave 18082, stripe 18083. */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings(DEFAULT_HOST, 18080, null, Map.of());
    }

    /** Every server on an ephemeral port: what tests want. */
    public static SimulatorSettings ephemeral() {
        Map<String, ProviderSettings> p = new LinkedHashMap<>();
        for (String name : Simulators.PROVIDERS) {
            p.put(name, ProviderSettings.defaults(name).withPort(0));
        }
        return new SimulatorSettings(DEFAULT_HOST, 0, null, p);
    }

    public ProviderSettings provider(String name) {
        ProviderSettings s = providers.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown provider: " + name);
        }
        return s;
    }

    public SimulatorSettings withSeed(Long seed) {
        return new SimulatorSettings(host, controlPort, seed, providers);
    }

    public SimulatorSettings withProvider(String name, ProviderSettings settings) {
        Map<String, ProviderSettings> p = new LinkedHashMap<>(providers);
        p.put(name.toLowerCase(Locale.ROOT), settings);
        return new SimulatorSettings(host, controlPort, seed, p);
    }

    /** Applies the same behaviour to every provider (ports and keys unchanged). */
    public SimulatorSettings withBehaviour(Behaviour behaviour) {
        Map<String, ProviderSettings> p = new LinkedHashMap<>();
        providers.forEach((n, s) -> p.put(n, s.withBehaviour(behaviour)));
        return new SimulatorSettings(host, controlPort, seed, p);
    }
}
