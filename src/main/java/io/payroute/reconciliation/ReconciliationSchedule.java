package io.payroute.reconciliation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.payroute.charge.Outcome;
import io.payroute.provider.ProviderCatalog;
import org.springframework.stereotype.Component;

/** When an attempt is next due for a status query. */
@Component
public class ReconciliationSchedule {

    private final ReconciliationProperties properties;
    private final ProviderCatalog catalog;

    public ReconciliationSchedule(ReconciliationProperties properties, ProviderCatalog catalog) {
        this.properties = properties;
        this.catalog = catalog;
    }

    /**
     * For an attempt being written before its call: due once the call and its immediate status query can no
     * longer be running, so only an attempt whose process died is ever picked up this way.
     */
    public Instant inFlightDeadline(String provider, Instant startedAt) {
        return startedAt.plus(catalog.provider(provider).longestCallWithStatusQuery()).plus(properties.getInFlightGrace());
    }

    /** After an outcome: null when it is final, else the time of the next status query. */
    public Instant after(Outcome outcome, int checksDone, Instant now) {
        if (outcome != Outcome.UNKNOWN && outcome != Outcome.PENDING) {
            return null;
        }
        List<Duration> schedule = properties.getSchedule();
        return now.plus(schedule.get(Math.min(checksDone, schedule.size() - 1)));
    }

    public boolean givenUp(Instant startedAt, Instant now) {
        return startedAt.plus(properties.getGiveUpAfter()).isBefore(now);
    }
}
