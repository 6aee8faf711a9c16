package io.payroute.provider;

import java.time.Duration;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The connection pool of all provider calls (camel.component.http.client-connection-manager).
 * <p>
 * A pooled connection the provider closed while idle (restart, outage) would fail only after the request was
 * written, and a failure after writing is UNKNOWN, never safe to fail over. Checking connections that sat idle
 * before reusing them turns most of those into a fresh connect, whose refusal is a clean NOT_CHARGED.
 */
@Configuration(proxyBeanMethods = false)
public class ProviderHttpPool {

    @Bean(destroyMethod = "close")
    public PoolingHttpClientConnectionManager providerConnectionPool(
            @Value("${payroute.http.max-connections:2000}") int maxConnections,
            @Value("${payroute.http.max-connections-per-provider:1000}") int perProvider,
            @Value("${payroute.http.validate-after-inactivity:200ms}") Duration validateAfterInactivity,
            @Value("${payroute.http.connection-time-to-live:5m}") Duration timeToLive) {
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(perProvider)
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setValidateAfterInactivity(TimeValue.ofMilliseconds(validateAfterInactivity.toMillis()))
                        .setTimeToLive(TimeValue.ofMilliseconds(timeToLive.toMillis()))
                        .build())
                .build();
    }
}
