package io.payroute.async;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * payroute.retries: when an asynchronous charge gets another round after every eligible provider was
 * unavailable. Exponential backoff with jitter (each delay drawn between half and all of
 * {@code backoff × 2^(round-1)}, capped at {@code max-backoff}), so charges that failed together do not all
 * come back at the same instant; at most {@code max-rounds} rounds, none starting after {@code max-age}.
 */
@ConfigurationProperties("payroute.retries")
public class RetryPolicy {

    private int maxRounds = 6;
    private Duration maxAge = Duration.ofHours(2);
    private Duration backoff = Duration.ofSeconds(15);
    private Duration maxBackoff = Duration.ofMinutes(15);
    /** How long an instance may work one round before another may take it over (longer than any round takes). */
    private Duration roundLease = Duration.ofMinutes(2);

    /** When round {@code roundsDone + 1} should start, or empty when the charge has had its chances. */
    public Optional<Instant> nextRound(int roundsDone, Instant createdAt, Instant now) {
        if (roundsDone >= maxRounds) {
            return Optional.empty();
        }
        long ceiling = Math.min(maxBackoff.toMillis(), backoff.toMillis() << Math.min(roundsDone - 1, 30));
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        Instant at = now.plusMillis(delay);
        return at.isAfter(createdAt.plus(maxAge)) ? Optional.empty() : Optional.of(at);
    }

    public int getMaxRounds() { return maxRounds; }
    public void setMaxRounds(int maxRounds) { this.maxRounds = maxRounds; }
    public Duration getMaxAge() { return maxAge; }
    public void setMaxAge(Duration maxAge) { this.maxAge = maxAge; }
    public Duration getBackoff() { return backoff; }
    public void setBackoff(Duration backoff) { this.backoff = backoff; }
    public Duration getMaxBackoff() { return maxBackoff; }
    public void setMaxBackoff(Duration maxBackoff) { this.maxBackoff = maxBackoff; }
    public Duration getRoundLease() { return roundLease; }
    public void setRoundLease(Duration roundLease) { this.roundLease = roundLease; }
}
