package io.payroute.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.payroute.support.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every class of bad input gets a 4xx problem naming the field, and nothing is persisted or charged. */
class BadInputApiTest extends ApiTestSupport {

    private static final String TOKENS = "\"payment_method\": {\"type\": \"tokens\", \"tokens\": {\"paystack\": \"AUTH_success\"}}";
    private static final String CUSTOMER = "\"customer\": {\"email\": \"a@b.co\"}";

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"amount\": 100,", 400, "body"),
                Arguments.of("not an object", "[1, 2]", 400, "body"),
                Arguments.of("empty body", "", 400, "body"),
                Arguments.of("missing amount", "{\"currency\": \"NGN\", " + CUSTOMER + ", " + TOKENS + "}", 400, "amount"),
                Arguments.of("negative amount", body("-5", "\"NGN\""), 400, "amount"),
                Arguments.of("zero amount", body("0", "\"NGN\""), 400, "amount"),
                Arguments.of("fractional amount", body("100.5", "\"NGN\""), 400, "amount"),
                Arguments.of("float-looking integer", body("100.0", "\"NGN\""), 400, "amount"),
                Arguments.of("amount as string", body("\"100\"", "\"NGN\""), 400, "amount"),
                Arguments.of("huge amount", body("99999999999999999999", "\"NGN\""), 400, "amount"),
                Arguments.of("unknown currency", body("100", "\"ABC\""), 400, "currency"),
                Arguments.of("currency not a string", body("100", "566"), 400, "currency"),
                Arguments.of("test currency code", body("100", "\"XTS\""), 400, "currency"),
                Arguments.of("unknown top-level field", "{\"amount\": 100, \"currency\": \"NGN\", \"ammount\": 1, "
                        + CUSTOMER + ", " + TOKENS + "}", 400, "ammount"),
                Arguments.of("duplicate key", "{\"amount\": 1, \"amount\": 100000, \"currency\": \"NGN\", "
                        + CUSTOMER + ", " + TOKENS + "}", 400, "body"),
                Arguments.of("missing customer email", "{\"amount\": 100, \"currency\": \"NGN\", \"customer\": {}, " + TOKENS + "}",
                        400, "customer.email"),
                Arguments.of("bad email", "{\"amount\": 100, \"currency\": \"NGN\", \"customer\": {\"email\": \"nope\"}, " + TOKENS + "}",
                        400, "customer.email"),
                Arguments.of("unknown customer field", "{\"amount\": 100, \"currency\": \"NGN\", \"customer\": {\"email\": \"a@b.co\", \"ssn\": \"1\"}, "
                        + TOKENS + "}", 400, "customer.ssn"),
                Arguments.of("unsupported payment method", "{\"amount\": 100, \"currency\": \"NGN\", " + CUSTOMER
                        + ", \"payment_method\": {\"type\": \"crypto\"}}", 400, "payment_method.type"),
                Arguments.of("token for unknown provider", "{\"amount\": 100, \"currency\": \"NGN\", " + CUSTOMER
                        + ", \"payment_method\": {\"type\": \"tokens\", \"tokens\": {\"paypal\": \"x\"}}}", 400, "payment_method.tokens.paypal"),
                Arguments.of("no tokens", "{\"amount\": 100, \"currency\": \"NGN\", " + CUSTOMER
                        + ", \"payment_method\": {\"type\": \"tokens\", \"tokens\": {}}}", 400, "payment_method.tokens"),
                Arguments.of("card failing Luhn", "{\"amount\": 100, \"currency\": \"USD\", " + CUSTOMER
                        + ", \"payment_method\": {\"type\": \"card\", \"number\": \"4242424242424241\", \"exp_month\": 12, \"exp_year\": 2031, \"cvc\": \"123\"}}",
                        400, "payment_method.number"),
                Arguments.of("expired card", "{\"amount\": 100, \"currency\": \"USD\", " + CUSTOMER
                        + ", \"payment_method\": {\"type\": \"card\", \"number\": \"4242424242424242\", \"exp_month\": 1, \"exp_year\": 2020, \"cvc\": \"123\"}}",
                        400, "payment_method.exp_year"),
                Arguments.of("metadata not strings", "{\"amount\": 100, \"currency\": \"NGN\", " + CUSTOMER + ", " + TOKENS
                        + ", \"metadata\": {\"n\": 1}}", 400, "metadata.n"),
                Arguments.of("no provider takes the currency", body("100", "\"JPY\""), 422, "currency"));
    }

    private static String body(String amount, String currency) {
        return "{\"amount\": " + amount + ", \"currency\": " + currency + ", " + CUSTOMER + ", " + TOKENS + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void rejectedWithProblemNamingTheFieldAndNothingStored(String name, String body, int status, String field) {
        int charges = countRows("charges");
        int keys = countRows("idempotency_keys");

        Response r = post("/v1/charges", body, Map.of("Idempotency-Key", "bad-" + System.nanoTime()));

        assertThat(r.status()).as(name).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.json().get("detail").asText()).isNotBlank();
        List<String> fields = r.json().path("errors").findValuesAsText("field");
        assertThat(fields).as(name + ": " + r.text()).contains(field);
        assertThat(countRows("charges")).isEqualTo(charges);
        assertThat(countRows("idempotency_keys")).isEqualTo(keys);
        assertThat(simulators.allLedgers()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void rejectedBeforeParsing(String name, String contentType, String body, int status, String field) {
        int charges = countRows("charges");
        Response r = post("/v1/charges", body, Map.of("Content-Type", contentType));
        assertThat(r.status()).as(name).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().path("errors").findValuesAsText("field")).contains(field);
        assertThat(countRows("charges")).isEqualTo(charges);
    }

    static Stream<Arguments> badRequests() {
        String valid = body("100", "\"NGN\"");
        String huge = "{\"amount\": 100, \"currency\": \"NGN\", " + CUSTOMER + ", " + TOKENS
                + ", \"description\": \"" + "x".repeat(70_000) + "\"}";
        return Stream.of(
                Arguments.of("wrong content type", "text/plain", valid, 415, "Content-Type"),
                Arguments.of("form content type", "application/x-www-form-urlencoded", "amount=100", 415, "Content-Type"),
                Arguments.of("body over 64 KiB", "application/json", huge, 413, "body"));
    }

    /**
     * A body without a declared length (chunked) is refused once it passes 64 KiB, not when its sender chooses to end
     * it: a client that keeps sending, or never sends the last chunk, must not hold the service's memory or threads.
     */
    @Test
    void aChunkedBodyOverTheLimitIsRefusedWithoutWaitingForItsEnd() throws Exception {
        int before = countRows("charges");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + MERCHANT_KEY
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = " ".repeat(8192).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 9; i++) {
                out.write("2000\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            // 72 KiB sent, and the last chunk never: the body is still open
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("HTTP/1.1 413");
            String line;
            boolean problem = false;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                problem |= line.toLowerCase(java.util.Locale.ROOT).startsWith("content-type: application/problem+json");
            }
            assertThat(problem).as("answered as problem+json").isTrue();
        }
        assertThat(countRows("charges")).isEqualTo(before);

        // a chunked body within the limit is read and served to the routes as any other
        byte[] charge = chargeBody(45_000, "NGN", Map.of("paystack", "AUTH_success")).getBytes(StandardCharsets.UTF_8);
        Response created = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/v1/charges"))
                .header("Authorization", "Bearer " + MERCHANT_KEY).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(charge)))
                .build());
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().get("amount").asLong()).isEqualTo(45_000);
    }
}
