package io.payroute.merchant;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Requests per merchant API key: {@code per-second} on average with bursts up to {@code burst}, resilience4j
 * rate limiters (permits refilled to {@code burst} every burst/per-second seconds). Each instance enforces its
 * share, {@code 1 / instances} of the limit, so behind a round-robin balancer N instances together allow the
 * configured limit (docs/security.md#rate-limits): no shared counter on the request path.
 */
@Component
@ConfigurationProperties("payroute.rate-limit")
public class RateLimits {

    private int perSecond = 100;
    private int burst = 200;
    /** Instances sharing the limit; each allows this share of it. */
    private int instances = 1;
    private final ConcurrentMap<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    /**
     * Takes a permit for the key; returns 0 when the request may go on, else the seconds until one is free
     * (for Retry-After).
     */
    public long acquire(MerchantRepository.Authenticated key) {
        int rate = key.rateLimitPerSecond() != null ? key.rateLimitPerSecond() : perSecond;
        int size = key.rateLimitBurst() != null ? key.rateLimitBurst() : burst;
        // keyed by the limits too: a merchant's new limits take effect on its next request
        RateLimiter limiter = limiters.computeIfAbsent(key.keyId() + ":" + rate + ":" + size, id -> limiter(id, rate, size));
        if (limiter.acquirePermission()) {
            return 0;
        }
        long nanos = limiter instanceof AtomicRateLimiter atomic ? atomic.getDetailedMetrics().getNanosToWait()
                : limiter.getRateLimiterConfig().getLimitRefreshPeriod().toNanos();
        return Math.max(1, (long) Math.ceil(nanos / 1e9));
    }

    private RateLimiter limiter(String keyId, int rate, int size) {
        int permits = share(size);
        double perInstanceRate = Math.max(rate / (double) instances, 0.001);
        Duration refill = Duration.ofNanos(Math.max(1_000_000L, (long) (permits / perInstanceRate * 1e9)));
        return RateLimiter.of(keyId, RateLimiterConfig.custom().limitForPeriod(permits).limitRefreshPeriod(refill)
                .timeoutDuration(Duration.ZERO).build());
    }

    private int share(int size) {
        return Math.max(1, size / instances);
    }

    public int getPerSecond() { return perSecond; }
    public void setPerSecond(int perSecond) { this.perSecond = perSecond; }
    public int getBurst() { return burst; }
    public void setBurst(int burst) { this.burst = burst; }
    public int getInstances() { return instances; }
    public void setInstances(int instances) { this.instances = Math.max(1, instances); }
}
