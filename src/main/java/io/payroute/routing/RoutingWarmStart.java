package io.payroute.routing;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payroute.charge.ChargeRepository;
import io.payroute.charge.ChargeRepository.RecentAttempt;
import io.payroute.charge.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Fills a starting instance's {@link ProviderHealth} with the outcomes of the attempts of the last window duration
 * in the shared database, oldest first, with their own times, so that a restarted or added instance routes on what
 * every instance has seen lately instead of on the prior and fees alone (docs/routing.md#several-instances). It runs
 * while the application context is built, before the routes start, so these outcomes come before any of the present.
 */
@Component
public class RoutingWarmStart implements InitializingBean {

    /**
     * The newest attempts read at most: each window keeps an outcome at (1 − 2/size) per newer one, so a key's
     * outcomes beyond a few windows' size add nothing, and the start stays short whatever the volume.
     */
    static final int MAX_ATTEMPTS = 20_000;
    private static final Logger log = LoggerFactory.getLogger(RoutingWarmStart.class);

    private final ChargeRepository charges;
    private final ProviderHealth health;
    private final ObjectMapper json;
    private final Clock clock;
    private final RoutingProperties properties;

    public RoutingWarmStart(ChargeRepository charges, ProviderHealth health, ObjectMapper json, Clock clock,
                            RoutingProperties properties) {
        this.charges = charges;
        this.health = health;
        this.json = json;
        this.clock = clock;
        this.properties = properties;
    }

    @Override
    public void afterPropertiesSet() {
        try {
            int learnt = warmUp();
            log.info("routing warm start: {} outcomes of the last {} learnt from the database", learnt,
                    properties.getWindow().getDuration());
        } catch (DataAccessException e) {
            // a hint, never a reason not to start: the instance then learns from its own traffic and the others'
            log.warn("routing warm start skipped, the recent attempts could not be read: {}", e.toString());
        }
    }

    /** Records the recent attempts' outcomes; returns how many counted for or against a provider. */
    int warmUp() {
        Instant since = clock.instant().minus(properties.getWindow().getDuration());
        List<RecentAttempt> recent = new ArrayList<>(charges.recentAttempts(since, MAX_ATTEMPTS));
        recent.sort(Comparator.comparing(RecentAttempt::finishedAt));
        int learnt = 0;
        for (RecentAttempt attempt : recent) {
            Boolean success = ProviderHealth.verdict(Outcome.valueOf(attempt.outcome()), attempt.category());
            Dimensions dimensions = dimensions(attempt.routingJson());
            if (success != null && dimensions != null) {
                health.record(attempt.provider(), dimensions, success, attempt.latencyMs(), attempt.finishedAt().toEpochMilli());
                learnt++;
            }
        }
        return learnt;
    }

    /** The dimensions the charge was routed by, as its routing decision recorded them; null if it has none. */
    private Dimensions dimensions(String routingJson) {
        try {
            JsonNode node = json.readTree(routingJson).get("dimensions");
            return node == null || !node.isObject() ? null : json.treeToValue(node, Dimensions.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
