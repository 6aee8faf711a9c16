package io.payroute.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.payroute.broker.BrokerProperties;
import io.payroute.provider.ProviderProperties;
import io.payroute.security.HostileInputs.Expect;
import io.payroute.security.HostileInputs.FuzzCase;
import io.payroute.security.HostileInputs.Poison;
import io.payroute.support.ApiTestSupport;
import io.payroute.support.DatabaseTables;
import io.payroute.support.TestSecrets;
import io.payroute.webhook.signing.Hmac;
import jakarta.jms.Message;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

/**
 * Hostile input against every endpoint of the HTTP API and the charge intake queue: malformed and deeply nested
 * JSON, huge, fractional and negative numbers, unicode and control characters, SQL, JSONata and placeholder
 * injection strings, header injection, oversized headers and bodies, wrong methods and content types
 * ({@link HostileInputs} generates them from a seed).
 * <p>
 * Every answer must be below 500; a 4xx must be {@code application/problem+json} with type, title, status and
 * detail, naming the field at fault where there is one; no body may carry a stack trace or the caller's key. A
 * rejected request must change nothing: no row of any table (row counts and the latest timestamp of each table,
 * read from the database's own metadata), no simulator ledger. Poison messages on the intake queue must each land
 * on the dead-letter queue once, with a reason, while the consumer carries on; signed but hostile provider
 * webhooks must be recorded or parked, never settle a charge. Afterwards the service is ready and charges.
 * <p>
 * {@code -Dpayroute.fuzz.seed=<n>} replays a run case for case (the failure message names the seed).
 */
class FuzzApiTest extends ApiTestSupport {

    private static final long SEED = Long.getLong("payroute.fuzz.seed", 6007);
    private static final String ADMIN_KEY = "adm_test_key";
    /** Leases and schedules: they move while work is claimed, not because a request changed anything. */
    private static final Set<String> MOVING = Set.of("claimed_until", "round_claimed_until", "next_check_at",
            "next_attempt_at", "next_round_at", "deliver_at");
    /** The audit log's hash chain (linked in the background) and the migration history. */
    /** Not state a request may change: the analytics rollups are caches that any analytics read may fill. */
    private static final Set<String> NOT_STATE = Set.of("audit_chain", "flyway_schema_history", "analytics_hours",
            "analytics_charge_hours", "analytics_failure_hours", "analytics_attempt_hours", "analytics_latency_hours");
    private static final Set<Integer> FIELD_STATUSES = Set.of(400, 413, 415, 422);
    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s*at [\\w$.]+\\(|\\tat |Caused by: ");
    private static final List<String> INTERNALS = List.of("Exception", "org.apache.camel", "org.springframework",
            "java.lang.", "at io.payroute");

    @Autowired
    private JmsTemplate jms;
    @Autowired
    private BrokerProperties broker;
    @Autowired
    private ProviderProperties providers;

    private String fingerprintSql;
    private List<String> fingerprintLabels;
    private String fuzzMerchant;

    @Test
    void hostileRequestsToEveryEndpointAreRefusedWithAProblemAndChangeNothing() {
        HostileInputs.Context context = setUpTargets();
        List<FuzzCase> cases = HostileInputs.generate(SEED, context);
        List<String> violations = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        awaitStill();
        long started = System.nanoTime();
        Map<String, Object> before = fingerprint();
        for (FuzzCase c : cases) {
            int ledger = simulators.allLedgers().size();
            Response r = RawHttp.send(port, c);
            List<String> wrong = verdict(c, r, List.of(context.merchantKey(), context.adminKey()));
            Map<String, Object> after = fingerprint();
            if (r.status() >= 200 && r.status() < 300) {
                TestSecrets.collectFrom(r.json());
                if (!after.equals(before) || busy() > 0) {
                    awaitQuiet(); // what it started (an async round, an event's fan-out) ends before the next case
                    after = fingerprint();
                }
            } else {
                String changed = changes(before, after);
                if (!changed.isEmpty()) {
                    wrong.add("a refused request changed " + changed);
                }
                if (simulators.allLedgers().size() != ledger) {
                    wrong.add("a refused request reached a provider");
                }
            }
            if (!wrong.isEmpty()) {
                violations.add(c.describe() + "\n    -> " + r.status() + " " + HostileInputs.abbreviate(r.text()) + "\n    "
                        + String.join("; ", wrong));
            }
            outcomes.merge(c.expect() + " " + r.status(), 1, Integer::sum);
            before = after;
        }
        System.out.printf("[fuzz] seed %d: %d HTTP cases over %d endpoints in %d ms; expectation and status: %s%n", SEED,
                cases.size(), HostileInputs.endpointsCovered(cases).size(), (System.nanoTime() - started) / 1_000_000, outcomes);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(500);
        assertThat(violations).as("seed " + SEED + ": " + violations.size() + " of " + cases.size() + " cases\n"
                + String.join("\n", violations)).isEmpty();
        assertStillServing();
    }

    @Test
    void poisonMessagesAreDeadLetteredOnceWithTheirReasonAndTheIntakeCarriesOn() throws Exception {
        List<Poison> poisons = HostileInputs.poisonMessages(SEED, HostileInputs.generate(SEED, setUpTargets()));
        awaitStill();
        Map<String, Object> before = fingerprint();
        int ledger = simulators.allLedgers().size();
        for (Poison p : poisons) {
            jms.send(broker.getAddresses().getRequests(), session -> p.toMessage(session));
        }
        Map<String, List<JsonNode>> dead = awaitDeadLetters(poisons, 30_000);
        List<String> violations = new ArrayList<>();
        for (Poison p : poisons) {
            List<JsonNode> copies = dead.getOrDefault(p.id(), List.of());
            if (copies.size() != 1) {
                violations.add(p.name() + ": " + copies.size() + " dead letters");
            } else if (!copies.get(0).path("reason").isTextual() || copies.get(0).path("reason").asText().isBlank()
                    || copies.get(0).path("code").asText().equals("delivery_failed")) {
                violations.add(p.name() + ": dead-lettered without its reason: " + copies.get(0));
            }
        }
        assertThat(violations).as("seed " + SEED + "\n" + String.join("\n", violations)).isEmpty();
        assertThat(changes(before, fingerprint())).as("poison messages change nothing").isEmpty();
        assertThat(simulators.allLedgers()).hasSize(ledger);
        assertThat(queueDepth(broker.getAddresses().getRequests())).as("nothing left to redeliver").isZero();
        System.out.printf("[fuzz] seed %d: %d poison messages, each dead-lettered once with its reason%n", SEED, poisons.size());

        // the intake still takes charges after the batch
        String key = "fuzz-after-poison-" + System.nanoTime();
        jms.send(broker.getAddresses().getRequests(), session -> {
            Message m = session.createTextMessage(chargeBody(5_000, "NGN", Map.of("paystack", "AUTH_success")));
            m.setStringProperty("idempotencyKey", key);
            m.setStringProperty(HostileInputs.ON_BEHALF_OF, HostileInputs.PRODUCER);
            return m;
        });
        assertThat(awaitValue(15_000, () -> jdbc.queryForList("""
                SELECT c.status FROM charges c JOIN idempotency_keys k ON k.charge_id = c.id
                WHERE k.idempotency_key = ? AND c.status = 'succeeded'""", String.class, key).stream().findFirst().orElse(null)))
                .as("a valid message after the poison is charged").isEqualTo("succeeded");
        assertStillServing();
    }

    @Test
    void signedHostileProviderWebhooksAreRecordedOrParkedAndSettleNoCharge() {
        HostileInputs.Context context = setUpTargets();
        String reference = jdbc.queryForObject("SELECT attempt_reference FROM charge_attempts WHERE charge_id = ? AND seq = 1",
                String.class, context.ids().get("charge"));
        List<String> bodies = HostileInputs.signedWebhookBodies(SEED, reference);
        ProviderProperties.Webhook paystack = providers.getProviders().get("paystack").getWebhook();
        awaitStill();
        Map<String, Object> before = fingerprint();
        int ledger = simulators.allLedgers().size();
        int recorded = countRows("provider_webhooks");
        int parked = webhookDeadLetters().size();
        for (String body : bodies) {
            byte[] raw = body.getBytes(StandardCharsets.UTF_8);
            Response r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/webhooks/paystack"))
                    .header("Content-Type", "application/json")
                    .header(paystack.getHeader(), Hmac.hex(paystack.getAlgorithm(), paystack.getSecret().getBytes(StandardCharsets.UTF_8), raw))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(raw)).build());
            assertThat(r.status()).as("a signed webhook is taken: " + HostileInputs.abbreviate(body)).isEqualTo(200);
        }
        awaitDrained(broker.getAddresses().getProviderWebhooks(), () -> countRows("provider_webhooks") + webhookDeadLetters().size());
        List<JsonNode> newlyParked = webhookDeadLetters().subList(parked, webhookDeadLetters().size());
        assertThat(newlyParked).as("parked at once with the reason, never redelivered until the broker gives up")
                .allSatisfy(d -> assertThat(d.path("code").asText()).isNotEqualTo("delivery_failed"));
        assertThat(changes(before, fingerprint(), "provider_webhooks"::equals)).as("only webhooks were recorded").isEmpty();
        assertThat(simulators.allLedgers()).hasSize(ledger);
        System.out.printf("[fuzz] seed %d: %d signed hostile webhooks, %d recorded, %d parked%n", SEED, bodies.size(),
                countRows("provider_webhooks") - recorded, newlyParked.size());
        assertStillServing();
    }

    // ---- the objects the requests aim at ----

    /**
     * A merchant of the suite's own (its key signs the merchant API cases), a charge with its event and a refund, a
     * disabled webhook endpoint to update and another to delete, and a target merchant for the admin API's changes.
     */
    private HostileInputs.Context setUpTargets() {
        String suffix = Long.toString(System.nanoTime(), 36);
        fuzzMerchant = "fuzz_" + suffix;
        Response merchant = as(ADMIN_KEY, "POST", "/v1/admin/merchants", "{\"id\": \"" + fuzzMerchant + "\", \"name\": \"Fuzz merchant\"}");
        assertThat(merchant.status()).as(merchant.text()).isEqualTo(201);
        String key = merchant.json().at("/api_key/key").asText();
        Response target = as(ADMIN_KEY, "POST", "/v1/admin/merchants", "{\"id\": \"fuzz_target_" + suffix + "\", \"name\": \"Fuzz target\"}");
        assertThat(target.status()).as(target.text()).isEqualTo(201);
        Response charge = as(key, "POST", "/v1/charges", chargeBody(5_000, "NGN", Map.of("paystack", "AUTH_success")));
        assertThat(charge.status()).as(charge.text()).isEqualTo(201);
        String chargeId = charge.json().get("id").asText();
        String eventId = as(key, "GET", "/v1/events?charge=" + chargeId, null).json().at("/data/0/id").asText();
        Response refund = as(key, "POST", "/v1/charges/" + chargeId + "/refunds", "{\"amount\": 10}");
        assertThat(refund.status()).as(refund.text()).isEqualTo(201);
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("charge", chargeId);
        ids.put("event", eventId);
        ids.put("refund", refund.json().get("id").asText());
        ids.put("endpoint", disabledEndpoint(key));
        ids.put("doomed_endpoint", disabledEndpoint(key));
        ids.put("merchant", target.json().get("id").asText());
        ids.put("api_key", target.json().at("/api_key/id").asText());
        ids.put("provider", "paystack");
        ids.put("dead_letter", "fuzz-no-such-dead-letter");
        HostileInputs.ACCOUNT_SECRETS.forEach(TestSecrets::remember);
        return new HostileInputs.Context(key, ADMIN_KEY, ids);
    }

    /** A webhook endpoint that receives nothing, whatever the suite's valid charges publish. */
    private String disabledEndpoint(String key) {
        Response created = as(key, "POST", "/v1/webhook-endpoints",
                "{\"url\": \"http://127.0.0.1:9/fuzz\", \"enabled_events\": [\"charge.requires_action\"]}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(as(key, "POST", "/v1/webhook-endpoints/" + id, "{\"disabled\": true}").status()).isEqualTo(200);
        return id;
    }

    // ---- the oracle ----

    /** What is wrong with answer {@code r} to case {@code c}; empty when nothing is. */
    private static List<String> verdict(FuzzCase c, Response r, List<String> credentials) {
        List<String> wrong = new ArrayList<>();
        int status = r.status();
        if (status >= 500) {
            wrong.add("server error");
        } else if (c.expect() == Expect.REJECTED && status < 400) {
            wrong.add("accepted, but the request is invalid");
        }
        if (status >= 400 && !c.method().equals("HEAD")) {
            wrong.addAll(problemShape(c, r));
        }
        if (STACK_FRAME.matcher(r.text()).find()) {
            wrong.add("a stack trace in the body");
        }
        if (status >= 400) {
            INTERNALS.stream().filter(r.text()::contains).forEach(m -> wrong.add("internals in the body (" + m + ")"));
        }
        String headers = r.headers().toString();
        if (headers.contains("X-Injected") || headers.contains("pwned")) {
            wrong.add("a request header was injected into the answer: " + headers);
        }
        credentials.stream().filter(k -> r.text().contains(k) || headers.contains(k))
                .forEach(k -> wrong.add("the answer shows the caller's key"));
        return wrong;
    }

    private static List<String> problemShape(FuzzCase c, Response r) {
        List<String> wrong = new ArrayList<>();
        String type = r.header("Content-Type");
        if (type == null || !type.startsWith("application/problem+json")) {
            wrong.add("not application/problem+json but " + type);
        }
        JsonNode p = r.json();
        if (p == null || !p.isObject()) {
            wrong.add("no problem object");
            return wrong;
        }
        for (String member : List.of("type", "title", "detail")) {
            if (!p.path(member).isTextual() || p.path(member).asText().isBlank()) {
                wrong.add("problem without " + member);
            }
        }
        if (p.path("status").asInt() != r.status()) {
            wrong.add("problem status " + p.path("status") + " is not the answer's");
        }
        if (c.field() != null && FIELD_STATUSES.contains(r.status())) {
            List<String> named = p.path("errors").findValuesAsText("field");
            if (named.stream().noneMatch(f -> sameField(f, c.field()))) {
                wrong.add("errors[].field does not name " + c.field() + " (it names " + named + ")");
            }
        }
        return wrong;
    }

    /** The named field is the one at fault, or inside it, or contains it ("rate_limit" for "rate_limit.burst"). */
    private static boolean sameField(String named, String expected) {
        return named.equals(expected) || within(named, expected) || within(expected, named);
    }

    private static boolean within(String inner, String outer) {
        return inner.startsWith(outer + ".") || inner.startsWith(outer + "[");
    }

    // ---- state ----

    /**
     * Every table's row count and the latest value of each of its timestamp and identity columns, in one query.
     * Leases and schedules are left out (they move while work is claimed); the outbox only by its identity, as
     * the relay deletes what it sent.
     */
    private Map<String, Object> fingerprint() {
        if (fingerprintSql == null) {
            List<String> parts = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            DatabaseTables.of(jdbc).forEach((table, columns) -> {
                if (NOT_STATE.contains(table)) {
                    return;
                }
                if (!table.equals("outbox")) {
                    parts.add("(SELECT COUNT(*) FROM " + table + ")");
                    labels.add(table + " rows");
                }
                columns.stream().filter(col -> col.isTimestamp() && !MOVING.contains(col.name())
                                || col.name().equals("id") && !col.isText() || col.name().equals("seq") && table.equals("audit_log"))
                        .forEach(col -> {
                            parts.add("(SELECT MAX(" + col.name() + ") FROM " + table + ")");
                            labels.add(table + "." + col.name());
                        });
            });
            fingerprintSql = "SELECT " + String.join(", ", parts);
            fingerprintLabels = labels;
        }
        List<Object> values = jdbc.query(fingerprintSql, (rs, i) -> {
            List<Object> row = new ArrayList<>();
            for (int c = 1; c <= fingerprintLabels.size(); c++) {
                row.add(rs.getObject(c));
            }
            return row;
        }).get(0);
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            out.put(fingerprintLabels.get(i), values.get(i));
        }
        return out;
    }

    private static String changes(Map<String, Object> before, Map<String, Object> after) {
        return changes(before, after, table -> false);
    }

    /** What differs between two fingerprints, leaving out the tables {@code expected} to change. */
    private static String changes(Map<String, Object> before, Map<String, Object> after, Predicate<String> expected) {
        return before.keySet().stream()
                .filter(k -> !expected.test(k.split("[ .]", 2)[0]))
                .filter(k -> !Objects.equals(String.valueOf(before.get(k)), String.valueOf(after.get(k))))
                .map(k -> k + " " + before.get(k) + " -> " + after.get(k)).collect(Collectors.joining(", "));
    }

    /**
     * Waits until nothing moves in the whole service: the outbox relayed and the state fingerprint unchanged for
     * 1.5 s, longer than any retry interval of the test profile (what earlier test classes started has ended).
     */
    private void awaitStill() {
        awaitUnchanged(15, 100, () -> jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Integer.class));
    }

    /**
     * Waits until what a request of the suite started has ended: nothing of its merchant {@link #busy()} and the
     * state fingerprint unchanged over two looks.
     */
    private void awaitQuiet() {
        awaitUnchanged(2, 25, this::busy);
    }

    private void awaitUnchanged(int looks, long pollMs, java.util.function.IntSupplier busy) {
        Object[] last = {null};
        int[] same = {0};
        awaitValue(60_000, pollMs, () -> {
            Map<String, Object> now = fingerprint();
            same[0] = busy.getAsInt() == 0 && now.equals(last[0]) ? same[0] + 1 : 0;
            last[0] = now;
            return same[0] >= looks - 1 ? true : null;
        });
    }

    /** Work under way: messages not yet relayed, the suite merchant's charges between rounds, its webhook deliveries. */
    private int busy() {
        return jdbc.queryForObject("""
                SELECT (SELECT COUNT(*) FROM outbox)
                     + (SELECT COUNT(*) FROM charges WHERE merchant_id = ? AND status = 'pending'
                          AND (rounds = 0 OR next_round_at IS NOT NULL OR round_claimed_until IS NOT NULL))
                     + (SELECT COUNT(*) FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                          WHERE e.merchant_id = ? AND d.status IN ('pending', 'delivering', 'retrying'))""",
                Integer.class, fuzzMerchant, fuzzMerchant);
    }

    // ---- queues ----

    private Map<String, List<JsonNode>> awaitDeadLetters(List<Poison> poisons, long timeoutMs) {
        Set<String> ids = poisons.stream().map(Poison::id).collect(Collectors.toSet());
        return awaitValue(timeoutMs, () -> {
            Map<String, List<JsonNode>> byId = new HashMap<>();
            for (JsonNode d : deadLetters()) {
                for (String id : new String[] {d.path("correlation_id").asText(null), d.path("idempotency_key").asText(null)}) {
                    if (id != null && ids.contains(id)) {
                        byId.computeIfAbsent(id, k -> new ArrayList<>()).add(d);
                    }
                }
            }
            return byId.keySet().containsAll(ids) ? byId : null;
        });
    }

    private List<JsonNode> deadLetters() {
        Response r = admin("GET", "/v1/admin/dead-letters?limit=1000");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return StreamSupport.stream(r.json().get("data").spliterator(), false).toList();
    }

    private List<JsonNode> webhookDeadLetters() {
        String inbound = "queue:" + broker.getAddresses().getProviderWebhooks();
        return deadLetters().stream().filter(d -> d.path("original_address").asText().equals(inbound)).toList();
    }

    /**
     * Waits until {@code queue} is empty and {@code outcomes} (what its consumer leaves behind) has not moved for
     * a second: a message being redelivered would show in either.
     */
    private void awaitDrained(String queue, java.util.function.IntSupplier outcomes) {
        int[] last = {-1, 0};
        awaitValue(60_000, 250, () -> {
            int now = outcomes.getAsInt();
            last[1] = queueDepth(queue) == 0 && now == last[0] ? last[1] + 1 : 0;
            last[0] = now;
            return last[1] >= 4 ? true : null;
        });
    }

    private int queueDepth(String queue) {
        return jms.browse(queue, (Session session, jakarta.jms.QueueBrowser browser) -> java.util.Collections.list(browser.getEnumeration()).size());
    }

    // ---- afterwards ----

    private void assertStillServing() {
        Response ready = get("/actuator/health/readiness");
        assertThat(ready.status()).as(ready.text()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("UP");
        Response charge = postCharge(chargeBody(4_200, "NGN", Map.of("paystack", "AUTH_success")));
        assertThat(charge.status()).as(charge.text()).isEqualTo(201);
        assertThat(charge.json().get("status").asText()).isEqualTo("succeeded");
    }

    private static <T> T awaitValue(long timeoutMs, java.util.function.Supplier<T> probe) {
        return awaitValue(timeoutMs, 100, probe);
    }

    /** Polls {@code probe} every {@code pollMs} until it returns non-null; fails after {@code timeoutMs}. */
    private static <T> T awaitValue(long timeoutMs, long pollMs, java.util.function.Supplier<T> probe) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not reached in " + timeoutMs + " ms");
            }
            try {
                Thread.sleep(pollMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
