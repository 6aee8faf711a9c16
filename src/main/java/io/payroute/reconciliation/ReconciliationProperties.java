package io.payroute.reconciliation;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** When and how often PayRoute asks providers about attempts whose outcome it does not know yet. */
@ConfigurationProperties("payroute.reconciliation")
public class ReconciliationProperties {

    /** How often each instance looks for due attempts. */
    private Duration pollInterval = Duration.ofSeconds(5);
    /** Attempts one instance claims per poll. */
    private int batchSize = 50;
    /** Delays between status queries of one attempt; the last one repeats until {@link #giveUpAfter}. */
    private List<Duration> schedule = List.of(Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10),
            Duration.ofHours(1), Duration.ofHours(24));
    /**
     * After this long, an attempt the provider still has no record of is taken as never charged and its
     * charge fails ({@code not_found_at_provider}); one still pending at the provider is left to operators.
     */
    private Duration giveUpAfter = Duration.ofDays(3);
    /** How long a claim on an attempt holds before another instance may take the work over. */
    private Duration claimTimeout = Duration.ofMinutes(2);
    /** Extra time an in-flight attempt is given, beyond its call and status query, before it counts as interrupted. */
    private Duration inFlightGrace = Duration.ofSeconds(30);

    /**
     * A charge whose round was claimed by an instance that then died (its lease ran out this long ago, and no
     * redelivered message took the round over) is settled from its attempts: by the last one's answer, or as
     * failed with nothing charged when no provider was reached.
     */
    private Duration abandonedAfter = Duration.ofMinutes(10);

    public Duration getAbandonedAfter() { return abandonedAfter; }
    public void setAbandonedAfter(Duration abandonedAfter) { this.abandonedAfter = abandonedAfter; }
    public Duration getPollInterval() { return pollInterval; }
    public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
    public int getBatchSize() { return batchSize; }
    public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
    public List<Duration> getSchedule() { return schedule; }
    public void setSchedule(List<Duration> schedule) { this.schedule = schedule; }
    public Duration getGiveUpAfter() { return giveUpAfter; }
    public void setGiveUpAfter(Duration giveUpAfter) { this.giveUpAfter = giveUpAfter; }
    public Duration getClaimTimeout() { return claimTimeout; }
    public void setClaimTimeout(Duration claimTimeout) { this.claimTimeout = claimTimeout; }
    public Duration getInFlightGrace() { return inFlightGrace; }
    public void setInFlightGrace(Duration inFlightGrace) { this.inFlightGrace = inFlightGrace; }
}
