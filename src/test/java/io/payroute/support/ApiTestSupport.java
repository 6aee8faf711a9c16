package io.payroute.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.payroute.routing.ProviderHealth;
import io.payroute.simulator.Behaviour;
import io.payroute.simulator.LedgerEntry;
import io.payroute.simulator.Simulators;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Session;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the end-to-end tests: the whole service on a random port, talking real HTTP to the provider
 * simulators, with a real database (H2, or PostgreSQL when the build runs them with
 * -Dpayroute.test.database=postgres) and the embedded broker, with metrics exported and spans made as in service
 * (spans kept in memory: {@link CapturedSpans}). All test classes share one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@Import(CapturedSpans.class)
@ActiveProfiles("test")
@ExtendWith(TestDatabase.class)
public abstract class ApiTestSupport {

    protected static final ObjectMapper JSON = new ObjectMapper();
    /** The test profile's bootstrap merchant key (payroute.bootstrap.api-key): merchant_default. */
    protected static final String MERCHANT_KEY = "sk_test_merchant_default_0000000000";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static {
        TestLog.startFresh();
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected Simulators simulators;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    private CircuitBreakerRegistry breakers;
    @Autowired
    private ProviderHealth health;
    @Autowired
    private ConnectionFactory connectionFactory;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws IOException {
        TestDatabase.configure(registry);
        // a rules file a crashed RoutingApiTest left behind must not route this context's charges
        Files.deleteIfExists(Path.of("target/test-routing/rules.yaml"));
    }

    /** Every test starts from healthy providers with empty ledgers, closed breakers and no routing history. */
    @BeforeEach
    void resetProviders() {
        simulators.reset(Behaviour.defaults().withTimeoutDelayMs(3000));
        breakers.getAllCircuitBreakers().forEach(cb -> cb.reset());
        health.reset();
    }

    /** Closes every circuit breaker, as if their open-state wait had passed. */
    protected void resetBreakers() {
        breakers.getAllCircuitBreakers().forEach(cb -> cb.reset());
    }

    /** Polls GET /v1/charges/{id} until {@code done} holds, or fails after {@code timeoutMs}. */
    protected JsonNode awaitCharge(String id, long timeoutMs, java.util.function.Predicate<JsonNode> done) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        JsonNode charge = null;
        while (System.currentTimeMillis() < deadline) {
            charge = get("/v1/charges/" + id).json();
            if (done.test(charge)) {
                return charge;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("charge " + id + " did not reach the expected state in " + timeoutMs + " ms: " + charge);
    }

    protected ProviderHealth health() {
        return health;
    }

    /** A response with its body parsed as JSON (null when empty or not JSON). */
    public record Response(int status, Map<String, List<String>> headers, String text, JsonNode json) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    protected Response post(String path, String body, Map<String, String> headers) {
        return postTo(port, path, body, headers);
    }

    /** POST to the instance listening on {@code instancePort}. */
    protected static Response postTo(int instancePort, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instancePort + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!headers.containsKey("Content-Type")) {
            b.header("Content-Type", "application/json");
        }
        if (!headers.containsKey("Authorization")) {
            b.header("Authorization", "Bearer " + MERCHANT_KEY);
        }
        headers.forEach(b::header);
        return send(b.build());
    }

    protected Response postCharge(String body) {
        return post("/v1/charges", body, Map.of());
    }

    protected Response postCharge(String body, String idempotencyKey) {
        return post("/v1/charges", body, Map.of("Idempotency-Key", idempotencyKey));
    }

    protected Response get(String path) {
        return getFrom(port, path);
    }

    /** A request to the admin API with the test profile's admin key. */
    protected Response admin(String method, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer adm_test_key")
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    /** {@code method path} with {@code key} as the bearer credential (null: none) and a JSON body (null: none). */
    protected Response as(String key, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    protected static Response getFrom(int instancePort, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instancePort + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + MERCHANT_KEY).GET().build());
    }

    protected static Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isBlank() ? null : JSON.readTree(r.body());
            } catch (IOException notJson) {
                // left null: the assertion on the body will say so
            }
            TestSecrets.collectFrom(json);
            return new Response(r.statusCode(), r.headers().map(), r.body(), json);
        } catch (IOException e) {
            throw new AssertionError("request failed: " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Sends {@code count} requests at the same moment (all threads released together) and returns every answer;
     * {@code request} gets the request's index.
     */
    protected static List<Response> concurrently(int count, IntFunction<Response> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<CompletableFuture<Response>> responses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                responses.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return request.apply(index);
                }, pool));
            }
            start.countDown();
            List<Response> all = new ArrayList<>();
            for (CompletableFuture<Response> f : responses) {
                all.add(f.get(30, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            pool.shutdown();
        }
    }

    /** A valid charge body paying with the given provider tokens ({"paystack": "AUTH_success"}, ...). */
    protected static String chargeBody(long amount, String currency, Map<String, String> tokens) {
        String tokenJson = tokens.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
        return """
                {"amount": %d, "currency": "%s", "reference": "order-%d",
                 "customer": {"email": "ada@example.com", "name": "Ada Lovelace"},
                 "payment_method": {"type": "tokens", "tokens": %s},
                 "metadata": {"cart": "42"}}""".formatted(amount, currency, System.nanoTime(), tokenJson);
    }

    /** Every entry the simulators recorded for a PayRoute charge, across all providers. */
    protected List<LedgerEntry> ledgerEntriesFor(String chargeId) {
        return simulators.allLedgers().stream()
                .filter(e -> chargeId.equals(e.metadataValue("payroute_charge_id")))
                .toList();
    }

    /**
     * Puts a message on the dead-letter queue the way a bad producer does: a request sent by a user that is no
     * merchant's producer (here the service's own) is rejected there at once. Returns the dead letter's id.
     */
    protected String deadLetter() throws Exception {
        String before = admin("GET", "/v1/admin/dead-letters?limit=1000").text();
        Connection connection = connectionFactory.createConnection();
        try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            session.createProducer(session.createQueue("payroute.charges.requests")).send(session.createTextMessage("{}"));
            session.commit();
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (JsonNode d : admin("GET", "/v1/admin/dead-letters?limit=1000").json().get("data")) {
                if (!before.contains(d.get("id").asText())) {
                    return d.get("id").asText();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the rejected request never reached the dead letters");
    }

    protected int countRows(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
    }
}
