package io.payroute.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One resilience4j circuit breaker per provider, configured from {@code payroute.providers.<name>.circuit-breaker}
 * and bound as {@code <name>CircuitBreaker} for the circuitBreaker EIP of the provider-call route template.
 * The scorer reads the same breakers to skip open providers.
 */
@Configuration(proxyBeanMethods = false)
public class ProviderCircuitBreakers {

    @Bean
    public CircuitBreakerRegistry circuitBreakerRegistry(ProviderProperties properties) {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        properties.getProviders().forEach((name, p) -> registry.circuitBreaker(name, config(p.getCircuitBreaker())));
        return registry;
    }

    @Bean
    public CamelContextConfiguration bindCircuitBreakers(CircuitBreakerRegistry registry, ProviderProperties properties) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                for (String name : properties.getProviders().keySet()) {
                    camelContext.getRegistry().bind(name + "CircuitBreaker", CircuitBreaker.class, registry.circuitBreaker(name));
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                // nothing to do once started
            }
        };
    }

    private static CircuitBreakerConfig config(ProviderProperties.CircuitBreaker c) {
        return CircuitBreakerConfig.custom()
                .failureRateThreshold(c.getFailureRateThreshold())
                .minimumNumberOfCalls(c.getMinimumNumberOfCalls())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(c.getSlidingWindowSize())
                .waitDurationInOpenState(c.getWaitDurationInOpenState())
                .permittedNumberOfCallsInHalfOpenState(c.getPermittedCallsInHalfOpenState())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .writableStackTraceEnabled(false)
                .build();
    }
}
