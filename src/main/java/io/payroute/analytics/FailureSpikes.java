package io.payroute.analytics;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.payroute.analytics.AlertRepository.Alert;
import io.payroute.analytics.AnalyticsRepository.RateSample;
import io.payroute.charge.Ids;
import io.payroute.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Failure-spike alerts (bean {@code failureSpikes}, routes/analytics.yaml): every instance periodically compares
 * each provider's and each bank's success rate over the last {@code payroute.alerts.window} with its rate in the
 * {@code baseline} before, in SQL. A drop of {@code drop} or more opens an alert; it resolves when the rate is back
 * within half that of the baseline it opened against (a baseline that has itself degraded is never compared with).
 * The alerts table arbitrates between instances, so each alert opens and resolves once, with an {@code alert.opened}
 * or {@code alert.resolved} event on the events address, a log line, and the gauge {@code payroute_alerts_open}.
 */
@Component("failureSpikes")
public class FailureSpikes {

    public static final String KIND = "success_rate_drop";
    private static final Logger log = LoggerFactory.getLogger(FailureSpikes.class);

    private final AnalyticsRepository analytics;
    private final AlertRepository alerts;
    private final AlertProperties properties;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;
    private final String events;
    private final MeterRegistry meters;
    private final MultiGauge openGauge;

    public FailureSpikes(AnalyticsRepository analytics, AlertRepository alerts, AlertProperties properties, Outbox outbox,
                         TransactionTemplate tx, ObjectMapper json, Clock clock, MeterRegistry meters,
                         @Value("${payroute.broker.addresses.events}") String eventsAddress) {
        this.analytics = analytics;
        this.alerts = alerts;
        this.properties = properties;
        this.outbox = outbox;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.events = "topic:" + eventsAddress;
        this.meters = meters;
        this.openGauge = MultiGauge.builder("payroute.alerts.open")
                .description("1 for every open failure-spike alert (the same on every instance: read from the alerts table)")
                .register(meters);
    }

    /** One evaluation of every provider and bank; then the gauge shows the alerts open now. */
    public void evaluate() {
        Instant now = clock.instant();
        Instant since = now.minus(properties.getWindow());
        Instant baselineFrom = since.minus(properties.getBaseline());
        Map<String, Alert> open = new HashMap<>();
        alerts.findOpen().forEach(a -> open.put(a.dimension() + ":" + a.value(), a));
        evaluate("provider", analytics.providerRates(baselineFrom, since), open, now);
        evaluate("bank", analytics.bankRates(baselineFrom, since), open, now);
        // too little traffic to judge for a whole baseline period (the provider's circuit is open, the bank unused)
        alerts.findOpen().stream().filter(a -> a.updatedAt().isBefore(now.minus(properties.getBaseline())))
                .forEach(a -> resolve(a, now));
        openGauge.register(alerts.findOpen().stream()
                .map(a -> MultiGauge.Row.of(Tags.of("kind", a.kind(), "dimension", a.dimension(), "value", a.value()), 1))
                .toList(), true);
    }

    private void evaluate(String dimension, List<RateSample> samples, Map<String, Alert> open, Instant now) {
        for (RateSample s : samples) {
            if (s.currentTotal() < properties.getMinSamples()) {
                continue;
            }
            double current = (double) s.currentSuccesses() / s.currentTotal();
            Alert existing = open.get(dimension + ":" + s.key());
            if (existing != null) {
                Alert latest = new Alert(existing.id(), existing.kind(), dimension, s.key(), existing.baselineRate(),
                        existing.baselineSamples(), current, (int) s.currentTotal(), existing.openedAt(), now, null);
                if (existing.baselineRate() - current < properties.getDrop() / 2) {
                    resolve(latest, now);
                } else {
                    alerts.update(latest);
                }
            } else if (s.baselineTotal() >= properties.getMinSamples()) {
                double baseline = (double) s.baselineSuccesses() / s.baselineTotal();
                if (baseline - current >= properties.getDrop()) {
                    open(new Alert(Ids.alert(), KIND, dimension, s.key(), baseline, (int) s.baselineTotal(), current,
                            (int) s.currentTotal(), now, now, null));
                }
            }
        }
    }

    private void open(Alert alert) {
        try {
            tx.executeWithoutResult(status -> {
                alerts.open(alert);
                publish("alert.opened", alert);
            });
        } catch (DuplicateKeyException openedElsewhere) {
            return;
        }
        Counter.builder("payroute.alerts.opened").description("Failure-spike alerts this instance opened")
                .tag("dimension", alert.dimension()).register(meters).increment();
        log.warn("alert {}: {} {} success rate {} against a baseline of {} ({} and {} outcomes)", alert.id(),
                alert.dimension(), alert.value(), percent(alert.currentRate()), percent(alert.baselineRate()),
                alert.currentSamples(), alert.baselineSamples());
    }

    private void resolve(Alert latest, Instant now) {
        Alert resolved = new Alert(latest.id(), latest.kind(), latest.dimension(), latest.value(), latest.baselineRate(),
                latest.baselineSamples(), latest.currentRate(), latest.currentSamples(), latest.openedAt(), now, now);
        boolean mine = Boolean.TRUE.equals(tx.execute(status -> {
            if (!alerts.resolve(resolved)) {
                return false;
            }
            publish("alert.resolved", resolved);
            return true;
        }));
        if (mine) {
            log.info("alert {} resolved: {} {} success rate back to {}", resolved.id(), resolved.dimension(),
                    resolved.value(), percent(resolved.currentRate()));
        }
    }

    private void publish(String type, Alert alert) {
        String eventId = Ids.event();
        ObjectNode event = json.createObjectNode().put("id", eventId).put("object", "event").put("type", type)
                .put("created_at", alert.updatedAt().toString());
        event.putObject("data").set("object", render(alert));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("eventId", eventId);
        properties.put("eventType", type);
        outbox.send(events, event.toString(), properties);
    }

    /** The alert as the admin API lists it and its events carry it. */
    public ObjectNode render(Alert a) {
        ObjectNode n = json.createObjectNode().put("id", a.id()).put("object", "alert").put("kind", a.kind())
                .put("status", a.isOpen() ? "open" : "resolved").put("dimension", a.dimension()).put("value", a.value())
                .put("baseline_rate", round(a.baselineRate())).put("baseline_samples", a.baselineSamples())
                .put("current_rate", round(a.currentRate())).put("current_samples", a.currentSamples())
                .put("opened_at", a.openedAt().toString()).put("updated_at", a.updatedAt().toString());
        return a.resolvedAt() == null ? n.putNull("resolved_at") : n.put("resolved_at", a.resolvedAt().toString());
    }

    private static double round(double rate) {
        return Math.round(rate * 10000) / 10000.0;
    }

    private static String percent(double rate) {
        return Math.round(rate * 1000) / 10.0 + " %";
    }
}
