package io.payroute.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payroute.broker.BrokerProperties;
import io.payroute.charge.Attempt;
import io.payroute.observability.ChargeMetrics;
import jakarta.jms.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * What routing learns from each round (bean {@code routingOutcomes}): the attempts' verdicts go into this
 * instance's {@link ProviderHealth} at once and, so that every instance sees every outcome, onto the multicast
 * address {@code payroute.broker.addresses.routing-outcomes}. The charge path only puts them in a bounded queue;
 * routes/routing.yaml publishes the queue in batches and feeds each instance the other instances' batches
 * (docs/routing.md#several-instances). Outcomes are a hint: lost ones (broker down, queue full) cost accuracy,
 * never correctness.
 */
@Component("routingOutcomes")
public class RoutingOutcomes {

    /** One attempt's verdict, as shared between instances. */
    public record Outcome(String provider, Dimensions dimensions, boolean success, int latencyMs) {
    }

    /** The outcomes one instance publishes at once. */
    public record Batch(String instance, List<Outcome> outcomes) {
    }

    private static final Logger log = LoggerFactory.getLogger(RoutingOutcomes.class);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);
    private static final int MAX_BATCH = 1_000;

    /** Tells this instance's own batches apart when they come back from the multicast address. */
    private final String instance = UUID.randomUUID().toString();
    private final ProviderHealth health;
    private final ChargeMetrics metrics;
    private final ObjectMapper json;
    private final Clock clock;
    private final boolean sharing;
    private final BlockingQueue<Outcome> pending;
    private final JmsTemplate jms;
    private final String address;
    /** Only the publishing route's single timer thread touches this. */
    private Instant lastWarning = Instant.EPOCH;

    public RoutingOutcomes(ProviderHealth health, ChargeMetrics metrics, ObjectMapper json, Clock clock,
                           RoutingProperties properties, BrokerProperties broker, ConnectionFactory connectionFactory) {
        this.health = health;
        this.metrics = metrics;
        this.json = json;
        this.clock = clock;
        this.sharing = properties.getSharing().isEnabled();
        this.pending = new ArrayBlockingQueue<>(properties.getSharing().getQueueCapacity());
        this.address = broker.getAddresses().getRoutingOutcomes();
        this.jms = new JmsTemplate(connectionFactory);
        jms.setPubSubDomain(true);
        // a health hint is worth nothing after a while, and not worth a journal write
        jms.setExplicitQosEnabled(true);
        jms.setDeliveryPersistent(false);
        jms.setTimeToLive(properties.getSharing().getTimeToLive().toMillis());
    }

    /** Learns from a settled round's attempts (called by charges.settle); never waits on the broker. */
    public void record(Dimensions dimensions, List<Attempt> attempts) {
        for (Attempt attempt : attempts) {
            Boolean success = ProviderHealth.verdict(attempt.result());
            if (success == null) {
                continue;
            }
            Outcome outcome = new Outcome(attempt.provider(), dimensions, success, attempt.latencyMs());
            health.record(outcome.provider(), dimensions, success, outcome.latencyMs());
            if (sharing && !pending.offer(outcome)) {
                metrics.sharedOutcomes("dropped", 1);
            }
        }
    }

    /** Sends what is queued as batches (routes/routing.yaml, on a timer); returns how many outcomes went out. */
    public int publish() {
        int sent = 0;
        List<Outcome> batch = new ArrayList<>();
        while (pending.drainTo(batch, MAX_BATCH) > 0) {
            String body = write(new Batch(instance, batch));
            try {
                jms.send(address, session -> session.createTextMessage(body));
                sent += batch.size();
            } catch (RuntimeException e) {
                metrics.sharedOutcomes("dropped", batch.size());
                warn(e);
            }
            batch.clear();
        }
        if (sent > 0) {
            metrics.sharedOutcomes("published", sent);
        }
        return sent;
    }

    /** Learns from another instance's batch (routes/routing.yaml); this instance's own batches are skipped. */
    public void receive(String body) throws JsonProcessingException {
        Batch batch = json.readValue(body, Batch.class);
        if (instance.equals(batch.instance())) {
            return;
        }
        for (Outcome o : batch.outcomes()) {
            health.record(o.provider(), o.dimensions(), o.success(), o.latencyMs());
        }
        metrics.sharedOutcomes("received", batch.outcomes().size());
    }

    private String write(Batch batch) {
        try {
            return json.writeValueAsString(batch);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("routing outcomes are plain records and always serialise", e);
        }
    }

    private void warn(RuntimeException e) {
        Instant now = clock.instant();
        if (now.isAfter(lastWarning.plus(WARN_EVERY))) {
            log.warn("routing outcomes cannot be shared with other instances (dropped; this instance still learns "
                    + "from its own): {}", e.toString());
            lastWarning = now;
        }
    }
}
