package io.payroute.webhook;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code payroute.webhooks}: how provider webhooks are taken in and merchant webhooks delivered (docs/webhooks.md). */
@ConfigurationProperties("payroute.webhooks")
public class WebhookProperties {

    /** Consumers per instance applying verified provider webhooks. */
    private int inboundConsumers = 4;
    /** Consumers per instance turning events into deliveries. */
    private int fanoutConsumers = 2;
    /** Consumers per instance delivering to merchant endpoints; each holds a thread for up to {@link #timeout}. */
    private int deliveryConsumers = 16;
    /** The longest an endpoint may take to connect and answer. */
    private Duration timeout = Duration.ofSeconds(5);
    /** Waits before the 2nd, 3rd, ... attempt of a failed delivery; after the last the delivery is dead-lettered. */
    private List<Duration> retrySchedule = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30),
            Duration.ofHours(2), Duration.ofHours(6), Duration.ofHours(12), Duration.ofHours(24));
    /** Each wait is spread by up to this share either way, so endpoints that failed together do not retry together. */
    private double jitter = 0.1;
    /**
     * Deliveries to one endpoint in flight at once per instance: a slow endpoint holds at most this many
     * consumers; its other deliveries wait {@link #busyDelay} and try again.
     */
    private int perEndpointConcurrency = 4;
    private Duration busyDelay = Duration.ofSeconds(2);
    /** How long the previous secret still signs (a second v1) after a rotation. */
    private Duration rotationOverlap = Duration.ofHours(24);
    /** Endpoints must use https (recommended in production). */
    private boolean requireHttps;
    /** Endpoints on loopback addresses (127.0.0.0/8, ::1) are refused unless this is on (development, tests). */
    private boolean allowLoopback;
    /** Endpoints on private, link-local or shared address ranges are refused unless this is on. */
    private boolean allowPrivateNetworks;

    public int getInboundConsumers() { return inboundConsumers; }
    public void setInboundConsumers(int v) { this.inboundConsumers = v; }
    public int getFanoutConsumers() { return fanoutConsumers; }
    public void setFanoutConsumers(int v) { this.fanoutConsumers = v; }
    public int getDeliveryConsumers() { return deliveryConsumers; }
    public void setDeliveryConsumers(int v) { this.deliveryConsumers = v; }
    public Duration getTimeout() { return timeout; }
    public void setTimeout(Duration v) { this.timeout = v; }
    public List<Duration> getRetrySchedule() { return retrySchedule; }
    public void setRetrySchedule(List<Duration> v) { this.retrySchedule = List.copyOf(v); }
    public double getJitter() { return jitter; }
    public void setJitter(double v) { this.jitter = v; }
    public int getPerEndpointConcurrency() { return perEndpointConcurrency; }
    public void setPerEndpointConcurrency(int v) { this.perEndpointConcurrency = v; }
    public Duration getBusyDelay() { return busyDelay; }
    public void setBusyDelay(Duration v) { this.busyDelay = v; }
    public Duration getRotationOverlap() { return rotationOverlap; }
    public void setRotationOverlap(Duration v) { this.rotationOverlap = v; }
    public boolean isRequireHttps() { return requireHttps; }
    public void setRequireHttps(boolean v) { this.requireHttps = v; }
    public boolean isAllowLoopback() { return allowLoopback; }
    public void setAllowLoopback(boolean v) { this.allowLoopback = v; }
    public boolean isAllowPrivateNetworks() { return allowPrivateNetworks; }
    public void setAllowPrivateNetworks(boolean v) { this.allowPrivateNetworks = v; }
}
