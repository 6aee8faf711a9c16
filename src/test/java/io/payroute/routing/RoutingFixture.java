package io.payroute.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.payroute.observability.ChargeMetrics;
import io.payroute.provider.InFlightCalls;
import io.payroute.provider.ProviderCatalog;
import io.payroute.provider.ProviderProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The routing beans wired as the application wires them, without Spring: on a simulated clock, with a seeded
 * random source and a rules file of the caller's. Unit tests, the simulation and the benchmark route through it.
 */
final class RoutingFixture {

    final SimClock clock = new SimClock(Instant.parse("2026-01-05T08:00:00Z"));
    final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Path rulesFile;
    final ProviderCatalog catalog;
    final ProviderHealth health;
    /** No provider call is ever in flight here unless a test starts one: routing without HTTP. */
    final InFlightCalls inFlight;
    final RoutingRules rules;
    final ProviderRouter router;

    /** {@code fees}: provider name → percent fee, the providers taking cards and tokens in NGN and USD. */
    RoutingFixture(Map<String, String> fees, String rulesYaml, RoutingProperties properties, long seed) {
        ProviderProperties providers = new ProviderProperties();
        Map<String, ProviderProperties.Provider> byName = new LinkedHashMap<>();
        fees.forEach((name, percent) -> byName.put(name, provider(percent)));
        providers.setProviders(byName);
        try {
            rulesFile = Files.createTempDirectory("payroute-rules").resolve("rules.yaml");
            Files.writeString(rulesFile, rulesYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        properties.setRulesFile(rulesFile);
        ChargeMetrics metrics = new ChargeMetrics(meters, breakers);
        catalog = new ProviderCatalog(providers);
        health = new ProviderHealth(properties, clock);
        rules = new RoutingRules(properties, catalog, metrics);
        inFlight = new InFlightCalls(catalog, clock);
        ProviderScorer scorer = new ProviderScorer(catalog, health, breakers, inFlight, properties);
        router = new ProviderRouter(catalog, scorer, health, rules, metrics, properties, new SplittableRandom(seed));
    }

    /**
     * payroute.routing as the service runs it: bound from src/main/resources/application.yaml, with system properties
     * (-Dpayroute.routing.latency-cost-percent-per-second=...) taking precedence as they do in the service.
     */
    static RoutingProperties shippedProperties() {
        try {
            MutablePropertySources sources = new MutablePropertySources();
            sources.addFirst(new PropertiesPropertySource("system", System.getProperties()));
            new YamlPropertySourceLoader().load("application.yaml", new ClassPathResource("application.yaml"))
                    .forEach(sources::addLast);
            Binder binder = new Binder(ConfigurationPropertySources.from(sources),
                    new PropertySourcesPlaceholdersResolver(sources));
            return binder.bind("payroute.routing", RoutingProperties.class).get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProviderProperties.Provider provider(String percent) {
        ProviderProperties.Provider p = new ProviderProperties.Provider();
        p.setBaseUrl("http://127.0.0.1:9");
        p.setSecretKey("not-used");
        p.setMethods(Set.of("card", "tokens"));
        p.setCurrencies(Set.of("NGN", "USD"));
        ProviderProperties.Fee fee = new ProviderProperties.Fee();
        fee.setPercent(new BigDecimal(percent));
        p.setFees(Map.of("default", fee));
        return p;
    }
}
