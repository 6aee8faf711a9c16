package io.payroute.analytics;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.analytics.AnalyticsRepository.AttemptCount;
import io.payroute.analytics.AnalyticsRepository.ChargeRow;
import io.payroute.analytics.AnalyticsRepository.StatusCount;
import io.payroute.api.AdminAuth;
import io.payroute.api.ChargeFlow;
import io.payroute.api.ProblemException;
import io.payroute.api.Responses;
import io.payroute.charge.ChargeJson;
import io.payroute.charge.ChargeRepository;
import io.payroute.event.EventRepository;
import io.payroute.event.EventsApi;
import io.payroute.merchant.MerchantAuth;
import io.payroute.api.RequestFields;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * {@code /v1/analytics} (bean {@code analyticsApi}, routes/analytics.yaml): success rates, failure reasons, provider
 * health and latency, volume and fees over a window, recent charges and one charge in full. A merchant's API key
 * sees the merchant's own charges; the admin key sees every merchant's, or one merchant's with {@code ?merchant=}.
 */
@Component("analyticsApi")
public class AnalyticsApi {

    private static final Set<String> STATUSES = Set.of("pending", "requires_action", "succeeded", "failed");
    private static final int MAX_CHARGES = 200;

    private final AnalyticsRepository analytics;
    private final ChargeRepository charges;
    private final ChargeJson chargeJson;
    private final EventRepository events;
    private final EventsApi eventsApi;
    private final AdminAuth adminAuth;
    private final MerchantAuth merchantAuth;
    private final ObjectMapper json;
    private final Clock clock;

    public AnalyticsApi(AnalyticsRepository analytics, ChargeRepository charges, ChargeJson chargeJson, EventRepository events,
                        EventsApi eventsApi, AdminAuth adminAuth, MerchantAuth merchantAuth, ObjectMapper json, Clock clock) {
        this.analytics = analytics;
        this.charges = charges;
        this.chargeJson = chargeJson;
        this.events = events;
        this.eventsApi = eventsApi;
        this.adminAuth = adminAuth;
        this.merchantAuth = merchantAuth;
        this.json = json;
        this.clock = clock;
    }

    /** Charges by provider, method, currency or bank ({@code ?by=}): how many, how many succeeded, the success rate. */
    public void successRates(Exchange exchange) {
        Query q = query(exchange);
        Dimension by = Dimension.parse(q.param("by"));
        ObjectNode out = q.answer("analytics.success_rates").put("by", by.wire());
        ArrayNode data = out.putArray("data");
        grouped(analytics.chargesBy(q.scope(), q.window(), by)).forEach((key, counts) -> data.add(counts.render(key)));
        Responses.json(exchange, 200, out.toString());
    }

    /** Charges and money per currency: created, succeeded, the amount that succeeded and the fees on it. */
    public void volume(Exchange exchange) {
        Query q = query(exchange);
        ObjectNode out = q.answer("analytics.volume");
        Counts total = new Counts();
        ArrayNode data = out.putArray("data");
        grouped(analytics.chargesBy(q.scope(), q.window(), Dimension.CURRENCY)).forEach((currency, counts) -> {
            total.add(counts);
            data.add(counts.render(currency).put("succeeded_amount", counts.succeededAmount).put("fees", counts.fees));
        });
        out.set("totals", total.render(null));
        Responses.json(exchange, 200, out.toString());
    }

    /** Why charges failed (unified codes), and what went wrong at each provider (failed attempts, failovers included). */
    public void failures(Exchange exchange) {
        Query q = query(exchange);
        ObjectNode out = q.answer("analytics.failures");
        List<AnalyticsRepository.FailureReason> reasons = analytics.failureReasons(q.scope(), q.window());
        long failed = reasons.stream().mapToLong(AnalyticsRepository.FailureReason::count).sum();
        out.put("failed_charges", failed);
        ArrayNode charges = out.putArray("charges");
        reasons.forEach(r -> charges.addObject().put("code", r.code()).put("category", r.category())
                .put("count", r.count()).put("share", ratio(r.count(), failed)));
        ArrayNode attempts = out.putArray("attempts");
        analytics.attemptsBy(q.scope(), q.window()).stream()
                .filter(a -> !a.outcome().equals("SUCCESS") && !a.outcome().equals("PENDING"))
                .sorted((a, b) -> Long.compare(b.count(), a.count()))
                .forEach(a -> attempts.addObject().put("provider", a.provider()).put("outcome", a.outcome())
                        .put("code", a.code()).put("count", a.count()));
        Responses.json(exchange, 200, out.toString());
    }

    /**
     * Per provider: its attempts by outcome and success rate, how often the router picked it first (the routing
     * split), and its latency percentiles (nearest rank) and histogram.
     */
    public void providers(Exchange exchange) {
        Query q = query(exchange);
        ObjectNode out = q.answer("analytics.providers");
        Map<String, ObjectNode> byProvider = new TreeMap<>();
        Function<String, ObjectNode> provider = name -> byProvider.computeIfAbsent(name, n -> {
            ObjectNode p = json.createObjectNode().put("provider", n).put("attempts", 0L).put("first_picks", 0L);
            p.putObject("outcomes");
            return p;
        });
        List<AttemptCount> counts = analytics.attemptsBy(q.scope(), q.window());
        long firstPicks = counts.stream().mapToLong(AttemptCount::firstPicks).sum();
        for (AttemptCount c : counts) {
            ObjectNode p = provider.apply(c.provider());
            p.put("attempts", p.get("attempts").asLong() + c.count());
            p.put("first_picks", p.get("first_picks").asLong() + c.firstPicks());
            ObjectNode outcomes = (ObjectNode) p.get("outcomes");
            outcomes.put(c.outcome(), outcomes.path(c.outcome()).asLong() + c.count());
        }
        Map<String, LatencyDistribution> latencies = new TreeMap<>();
        analytics.latencies(q.scope(), q.window()).forEach(l ->
                latencies.computeIfAbsent(l.provider(), n -> new LatencyDistribution()).add(l.latencyMs(), l.count()));
        latencies.keySet().forEach(provider::apply);
        byProvider.forEach((name, p) -> {
            p.put("success_rate", ratio(p.path("outcomes").path("SUCCESS").asLong(), p.get("attempts").asLong()));
            p.put("pick_share", ratio(p.get("first_picks").asLong(), firstPicks));
            LatencyDistribution latency = latencies.getOrDefault(name, new LatencyDistribution());
            if (latency.calls() == 0) {
                p.putNull("latency_ms");
            } else {
                p.putObject("latency_ms").put("p50", latency.percentile(0.5)).put("p90", latency.percentile(0.9))
                        .put("p95", latency.percentile(0.95)).put("p99", latency.percentile(0.99));
            }
            ArrayNode histogram = p.putArray("latency_histogram");
            long[] buckets = latency.histogram();
            for (int i = 0; i < buckets.length; i++) {
                ObjectNode bucket = histogram.addObject();
                if (i < LatencyDistribution.BUCKETS_MS.length) {
                    bucket.put("le", LatencyDistribution.BUCKETS_MS[i]);
                } else {
                    bucket.putNull("le");
                }
                bucket.put("count", buckets[i]);
            }
        });
        out.putArray("data").addAll(byProvider.values());
        Responses.json(exchange, 200, out.toString());
    }

    /** Per provider and time bucket: attempts that succeeded, were declined, or failed (not charged or unknown). */
    public void timeseries(Exchange exchange) {
        Query q = query(exchange);
        ObjectNode out = q.answer("analytics.timeseries").put("bucket_seconds", q.window().bucket().toSeconds());
        ArrayNode data = out.putArray("data");
        analytics.series(q.scope(), q.window()).forEach(p -> data.addObject().put("start", p.start().toString())
                .put("provider", p.provider()).put("succeeded", p.succeeded()).put("declined", p.declined())
                .put("errors", p.errors()));
        Responses.json(exchange, 200, out.toString());
    }

    /** The newest charges, {@code ?limit=} (1-200, 50) and {@code ?status=}. */
    public void recentCharges(Exchange exchange) {
        Query q = query(exchange);
        String status = q.param("status");
        if (status != null && !STATUSES.contains(status)) {
            throw ProblemException.invalid("status", "must be one of pending, requires_action, succeeded, failed");
        }
        ObjectNode out = json.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (ChargeRow c : analytics.recentCharges(q.scope(), status, RequestFields.limit(q.param("limit"), 50, MAX_CHARGES))) {
            data.addObject().put("id", c.id()).put("merchant_id", c.merchantId()).put("status", c.status())
                    .put("amount", c.amount()).put("currency", c.currency()).put("provider", c.provider())
                    .put("method", c.method()).put("bank", c.bank()).put("failure_code", c.failureCode())
                    .put("created_at", c.createdAt().toString());
        }
        Responses.json(exchange, 200, out.toString());
    }

    /** One charge in full: the canonical charge (attempts, routing decision with scores) and its events with deliveries. */
    public void chargeDetail(Exchange exchange) {
        Query q = query(exchange);
        String id = q.param("id");
        if (id == null || !id.matches("^ch_[0-9a-z]{26}$")) {
            throw ProblemException.notFound("charge " + (id == null ? "" : id.replaceAll("[^\\w-]", "")));
        }
        ChargeRepository.StoredCharge charge = (q.scope().isAll() ? charges.findCharge(id) : charges.findCharge(q.scope().merchantId(), id))
                .orElseThrow(() -> ProblemException.notFound("charge " + id));
        ObjectNode out = json.createObjectNode().put("object", "analytics.charge").put("merchant_id", charge.merchantId());
        out.set("charge", chargeJson.render(charge, charges.findAttempts(id)));
        ArrayNode list = out.putArray("events");
        events.forCharge(id).forEach(e -> list.add(eventsApi.withDeliveries(e)));
        Responses.json(exchange, 200, out.toString());
    }

    /** What every analytics request starts with: its correlation id, its scope and its window. */
    private Query query(Exchange exchange) {
        ChargeFlow.correlate(exchange);
        Message in = exchange.getMessage();
        String merchant = in.getHeader("merchant", String.class);
        Scope scope;
        if (adminAuth.isAdmin(exchange)) {
            if (merchant != null && !merchant.matches("^[\\w.:-]{1,64}$")) {
                throw ProblemException.invalid("merchant", "must be a merchant id");
            }
            scope = merchant == null ? Scope.ALL : new Scope(merchant);
        } else {
            merchantAuth.authenticate(exchange);
            if (merchant != null) {
                throw ProblemException.invalid("merchant", "only the admin key may choose the merchant");
            }
            scope = new Scope(MerchantAuth.merchantOf(exchange));
        }
        return new Query(in, scope, Window.parse(in.getHeader("window", String.class), clock.instant()));
    }

    private record Query(Message in, Scope scope, Window window) {
        String param(String name) {
            return in.getHeader(name, String.class);
        }

        ObjectNode answer(String object) {
            ObjectNode out = JsonNodeFactory.instance.objectNode().put("object", object).put("merchant", scope.merchantId());
            out.putObject("window").put("name", window.name()).put("from", window.from().toString())
                    .put("to", window.to().toString());
            return out;
        }
    }

    /** Counts of one group by status, keyed "none" where the dimension is empty (no provider reached, no card). */
    private static Map<String, Counts> grouped(List<StatusCount> rows) {
        Map<String, Counts> groups = new LinkedHashMap<>();
        for (StatusCount row : rows) {
            groups.computeIfAbsent(row.key() == null ? "none" : row.key(), k -> new Counts()).add(row);
        }
        return groups;
    }

    private static final class Counts {
        long charges;
        long succeeded;
        long failed;
        long succeededAmount;
        long fees;

        void add(StatusCount row) {
            charges += row.count();
            if (row.status().equals("succeeded")) {
                succeeded += row.count();
                succeededAmount += row.amount();
                fees += row.fees();
            } else if (row.status().equals("failed")) {
                failed += row.count();
            }
        }

        void add(Counts other) {
            charges += other.charges;
            succeeded += other.succeeded;
            failed += other.failed;
        }

        /** The success rate counts the charges that ended: pending ones may still go either way. */
        ObjectNode render(String key) {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("key", key).put("charges", charges)
                    .put("succeeded", succeeded).put("failed", failed).put("pending", charges - succeeded - failed);
            Double rate = ratio(succeeded, succeeded + failed);
            return rate == null ? n.putNull("success_rate") : n.put("success_rate", rate);
        }
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : Math.round(10000.0 * part / whole) / 10000.0;
    }
}
