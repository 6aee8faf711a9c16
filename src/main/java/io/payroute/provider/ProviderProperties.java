package io.payroute.provider;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The providers PayRoute may route to, one block each under {@code payroute.providers.<name>}.
 * Adding a provider is a block here plus a folder {@code mappings/<name>/}: no route or core Java changes.
 */
@ConfigurationProperties("payroute")
public class ProviderProperties {

    private Map<String, Provider> providers = new LinkedHashMap<>();

    public Map<String, Provider> getProviders() {
        return providers;
    }

    public void setProviders(Map<String, Provider> providers) {
        this.providers = providers;
    }

    /** How a request body is put on the wire. */
    public enum Encoding { json, form }

    public static class Provider {
        private boolean enabled = true;
        private String baseUrl;
        private String secretKey;
        private Encoding encoding = Encoding.json;
        private Set<String> methods = Set.of("tokens");
        private Set<String> currencies = Set.of();
        /** Per currency (or "default"): percent + fixed minor units, optionally capped. */
        private Map<String, Fee> fees = new LinkedHashMap<>();
        /** Per payment method, fees that differ from {@link #fees}: per currency (or "default") again. */
        private Map<String, Map<String, Fee>> methodFees = new LinkedHashMap<>();
        /** Per currency: min/max amount in minor units. */
        private Map<String, Limit> limits = new LinkedHashMap<>();
        private Duration connectTimeout = Duration.ofSeconds(2);
        /** Longest wait for a response once the request is sent; beyond it the outcome is UNKNOWN. */
        private Duration responseTimeout = Duration.ofSeconds(10);
        private CircuitBreaker circuitBreaker = new CircuitBreaker();
        /** How the provider's webhooks are verified; none configured: its webhooks are refused. */
        private Webhook webhook;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getBaseUrl() { return baseUrl; }
        public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
        public String getSecretKey() { return secretKey; }
        public void setSecretKey(String secretKey) { this.secretKey = secretKey; }
        public Encoding getEncoding() { return encoding; }
        public void setEncoding(Encoding encoding) { this.encoding = encoding; }
        public Set<String> getMethods() { return methods; }
        public void setMethods(Set<String> methods) { this.methods = methods; }
        public Set<String> getCurrencies() { return currencies; }
        public void setCurrencies(Set<String> currencies) { this.currencies = currencies; }
        public Map<String, Fee> getFees() { return fees; }
        public void setFees(Map<String, Fee> fees) { this.fees = fees; }
        public Map<String, Map<String, Fee>> getMethodFees() { return methodFees; }
        public void setMethodFees(Map<String, Map<String, Fee>> methodFees) { this.methodFees = methodFees; }
        public Map<String, Limit> getLimits() { return limits; }
        public void setLimits(Map<String, Limit> limits) { this.limits = limits; }
        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
        public Duration getResponseTimeout() { return responseTimeout; }
        public void setResponseTimeout(Duration responseTimeout) { this.responseTimeout = responseTimeout; }
        /**
         * The longest one attempt can keep a call open: the call and the status query after an unanswered one, each
         * up to its connect and response timeouts.
         */
        public Duration longestCallWithStatusQuery() { return connectTimeout.plus(responseTimeout).multipliedBy(2); }
        public CircuitBreaker getCircuitBreaker() { return circuitBreaker; }
        public void setCircuitBreaker(CircuitBreaker circuitBreaker) { this.circuitBreaker = circuitBreaker; }
        public Webhook getWebhook() { return webhook; }
        public void setWebhook(Webhook webhook) { this.webhook = webhook; }
    }

    /**
     * Verification of the provider's webhooks ({@link io.payroute.webhook.signing.WebhookVerifier}): a scheme, the
     * header carrying the proof and the secret behind it. With {@code confirm-by-status-query} the webhook only
     * says "look now": the outcome applied is the answer to a status query, as Flutterwave advises.
     */
    public static class Webhook {
        private String scheme;
        private String header;
        private String secret;
        private String algorithm = "HmacSHA512";
        private Duration tolerance = Duration.ofMinutes(5);
        private boolean confirmByStatusQuery;
        /** For a merchant's own account (/v1/webhooks/{provider}/{merchant}): the account field holding the secret. */
        private String accountSecret = "webhook_secret";

        public String getScheme() { return scheme; }
        public void setScheme(String scheme) { this.scheme = scheme; }
        public String getHeader() { return header; }
        public void setHeader(String header) { this.header = header; }
        public String getSecret() { return secret; }
        public void setSecret(String secret) { this.secret = secret; }
        public String getAlgorithm() { return algorithm; }
        public void setAlgorithm(String algorithm) { this.algorithm = algorithm; }
        public Duration getTolerance() { return tolerance; }
        public void setTolerance(Duration tolerance) { this.tolerance = tolerance; }
        public boolean isConfirmByStatusQuery() { return confirmByStatusQuery; }
        public void setConfirmByStatusQuery(boolean v) { this.confirmByStatusQuery = v; }
        public String getAccountSecret() { return accountSecret; }
        public void setAccountSecret(String accountSecret) { this.accountSecret = accountSecret; }
    }

    public static class Fee {
        private BigDecimal percent = BigDecimal.ZERO;
        private long fixed;
        private Long cap;

        public BigDecimal getPercent() { return percent; }
        public void setPercent(BigDecimal percent) { this.percent = percent; }
        public long getFixed() { return fixed; }
        public void setFixed(long fixed) { this.fixed = fixed; }
        public Long getCap() { return cap; }
        public void setCap(Long cap) { this.cap = cap; }
    }

    public static class Limit {
        private long min = 1;
        private long max = Long.MAX_VALUE;

        public long getMin() { return min; }
        public void setMin(long min) { this.min = min; }
        public long getMax() { return max; }
        public void setMax(long max) { this.max = max; }
    }

    /** resilience4j circuit breaker settings, one breaker per provider. */
    public static class CircuitBreaker {
        private float failureRateThreshold = 50;
        private int minimumNumberOfCalls = 10;
        private int slidingWindowSize = 20;
        private Duration waitDurationInOpenState = Duration.ofSeconds(30);
        private int permittedCallsInHalfOpenState = 2;

        public float getFailureRateThreshold() { return failureRateThreshold; }
        public void setFailureRateThreshold(float v) { this.failureRateThreshold = v; }
        public int getMinimumNumberOfCalls() { return minimumNumberOfCalls; }
        public void setMinimumNumberOfCalls(int v) { this.minimumNumberOfCalls = v; }
        public int getSlidingWindowSize() { return slidingWindowSize; }
        public void setSlidingWindowSize(int v) { this.slidingWindowSize = v; }
        public Duration getWaitDurationInOpenState() { return waitDurationInOpenState; }
        public void setWaitDurationInOpenState(Duration v) { this.waitDurationInOpenState = v; }
        public int getPermittedCallsInHalfOpenState() { return permittedCallsInHalfOpenState; }
        public void setPermittedCallsInHalfOpenState(int v) { this.permittedCallsInHalfOpenState = v; }
    }

    /** Names of the enabled providers, in configuration order (the tie-breaker of equal scores). */
    public List<String> enabledNames() {
        return providers.entrySet().stream().filter(e -> e.getValue().isEnabled()).map(Map.Entry::getKey).toList();
    }
}
