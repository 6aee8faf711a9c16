package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** Real-HTTP helpers shared by the simulator tests, and the simulators each test class runs against. */
abstract class SimulatorTestSupport {
    /** Fresh simulators on ephemeral ports per test class, back to a clean state before every test. */
    static Simulators sims;

    @BeforeAll
    static void startSimulators() {
        sims = Simulators.start(testSettings());
    }

    @AfterAll
    static void stopSimulators() {
        sims.close();
    }

    @BeforeEach
    void resetSimulators() {
        sims.reset(testBehaviour());
    }

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String PAYSTACK_KEY = "sk_test_payroute_sim_paystack";
    static final String FLUTTERWAVE_KEY = "FLWSECK_TEST-payroute-sim";
    static final String STRIPE_KEY = "sk_test_payroute_sim_stripe";

    record Resp(int status, HttpHeaders headers, String raw) {
        JsonNode json() {
            try {
                return MAPPER.readTree(raw);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + raw, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    static String ref() {
        return "ref-" + UUID.randomUUID();
    }

    static Resp send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    static HttpRequest.Builder request(URI base, String path, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    static Resp postJson(URI base, String path, String bearer, Object body) {
        try {
            String json = body instanceof String s ? s : MAPPER.writeValueAsString(body);
            return send(request(base, path, bearer).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build());
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    static Resp get(URI base, String path, String bearer) {
        return send(request(base, path, bearer).GET().build());
    }

    static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static HttpRequest.Builder formRequest(URI base, String path, String bearer, Map<String, String> params) {
        return request(base, path, bearer).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(params)));
    }

    static Resp postForm(URI base, String path, String bearer, Map<String, String> params) {
        return send(formRequest(base, path, bearer, params).build());
    }

    static Resp control(Simulators sims, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(sims.controlUrl().resolve(path)).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return send(b.build());
    }

    /** Fast settings for tests: ephemeral ports, no latency, short timeout delay, fixed seed. */
    static SimulatorSettings testSettings() {
        return SimulatorSettings.ephemeral().withSeed(42L).withBehaviour(testBehaviour());
    }

    static Behaviour testBehaviour() {
        return Behaviour.defaults().withTimeoutDelayMs(600);
    }
}
