package io.payroute.security;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.payroute.async.ChargeIntake;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;

/**
 * The cases of the fuzz suite ({@link FuzzApiTest}): a seeded generator over every endpoint of the HTTP API. Each
 * case is one hostile variation of a valid request (method, path, query, a header, the body's framing or one of
 * its fields) and says what the service must do with it: {@link Expect#REJECTED} when the variation is invalid
 * by the API's own rules (docs/api.md), {@link Expect#ANY} when it may well be valid (an SQL string is a fine
 * description). Where the variation is in a field, the case names it, and a 4xx answer must name it too.
 */
final class HostileInputs {

    /** BOTH: a merchant's key and the admin key are each a credential (analytics); the cases send the merchant's. */
    enum Credential { MERCHANT, ADMIN, BOTH, NONE }

    enum Expect { REJECTED, ANY }

    /**
     * One operation. {@code path} may hold placeholders ({charge}, {event}, ...) the test fills with real ids;
     * {@code body} is a valid body (null: none), {@code bodyOptional} when the operation also takes none;
     * {@code query} the query parameters it reads; {@code affectsOthers} when a valid call would touch what
     * other tests own (replaying every dead letter): only its rejected variants are sent.
     */
    record Endpoint(String method, String path, Credential credential, String body, boolean bodyOptional,
                    List<String> query, boolean affectsOthers) {

        Endpoint {
            query = List.copyOf(query);
        }

        static Endpoint of(String method, String path, Credential credential) {
            return new Endpoint(method, path, credential, null, false, List.of(), false);
        }

        Endpoint withBody(String json, boolean optional) {
            return new Endpoint(method, path, credential, json, optional, query, affectsOthers);
        }

        Endpoint withQuery(String... params) {
            return new Endpoint(method, path, credential, body, bodyOptional, List.of(params), affectsOthers);
        }

        Endpoint affectingOthers() {
            return new Endpoint(method, path, credential, body, bodyOptional, query, true);
        }

        String name() {
            return method + " " + path;
        }
    }

    /** One request; {@code headers} are raw header lines (name, value), {@code field} the field a 4xx must name. */
    record FuzzCase(String name, String method, String target, List<String[]> headers, byte[] body, Expect expect,
                    String field, Endpoint endpoint) {

        String describe() {
            String shown = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            return name + " [" + method + " " + abbreviate(target) + ", headers " + headers.stream()
                    .map(h -> h[0] + ": " + abbreviate(h[1])).collect(Collectors.joining("; ")) + ", body " + abbreviate(shown) + "]";
        }
    }

    /** Real credentials and ids the requests use; {@code ids} fills the path placeholders. */
    record Context(String merchantKey, String adminKey, Map<String, String> ids) {
    }

    /**
     * Every endpoint of routes/api.yaml, the OpenAPI document and the actuator's. Bodies are valid requests for
     * the objects FuzzApiTest sets up: its own merchant, a disabled webhook endpoint, a target merchant.
     */
    static List<Endpoint> endpoints() {
        String charge = """
                {"amount": 5000, "currency": "NGN", "reference": "fuzz-order", "description": "Fuzz order",
                 "customer": {"email": "fuzz@example.com", "name": "Fuzz Tester", "phone": "+2348000000000", "country": "NG"},
                 "payment_method": {"type": "tokens", "tokens": {"paystack": "AUTH_success"}},
                 "metadata": {"cart": "42"}}""";
        String cardCharge = """
                {"amount": 1200, "currency": "USD", "customer": {"email": "fuzz@example.com"},
                 "payment_method": {"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}}""";
        Credential m = Credential.MERCHANT;
        Credential a = Credential.ADMIN;
        Credential both = Credential.BOTH;
        return List.of(
                Endpoint.of("POST", "/v1/charges", m).withBody(charge, false),
                Endpoint.of("POST", "/v1/charges", m).withBody(cardCharge, false),
                Endpoint.of("GET", "/v1/charges/{charge}", m),
                Endpoint.of("POST", "/v1/charges/{charge}/refunds", m).withBody("{\"amount\": 10, \"reason\": \"fuzz refund\"}", true),
                Endpoint.of("GET", "/v1/charges/{charge}/refunds", m),
                Endpoint.of("GET", "/v1/refunds/{refund}", m),
                Endpoint.of("POST", "/v1/webhook-endpoints", m).withBody("""
                        {"url": "http://127.0.0.1:9/fuzz", "enabled_events": ["charge.requires_action"], "description": "fuzz"}""", false),
                Endpoint.of("GET", "/v1/webhook-endpoints", m),
                Endpoint.of("GET", "/v1/webhook-endpoints/{endpoint}", m),
                Endpoint.of("POST", "/v1/webhook-endpoints/{endpoint}", m).withBody("""
                        {"description": "fuzz target", "enabled_events": ["charge.requires_action"], "disabled": true}""", false),
                Endpoint.of("DELETE", "/v1/webhook-endpoints/{doomed_endpoint}", m),
                Endpoint.of("POST", "/v1/webhook-endpoints/{endpoint}/rotate-secret", m),
                Endpoint.of("GET", "/v1/events", m).withQuery("limit", "type", "charge", "starting_after"),
                Endpoint.of("GET", "/v1/events/{event}", m),
                Endpoint.of("POST", "/v1/events/{event}/redeliver", m).withBody("{\"endpoint_id\": \"{endpoint}\"}", true),
                // the signature is the credential: an unsigned body never gets past verification
                Endpoint.of("POST", "/v1/webhooks/{provider}", Credential.NONE).withBody(PROVIDER_WEBHOOK, false),
                Endpoint.of("POST", "/v1/webhooks/{provider}/{merchant}", Credential.NONE).withBody(PROVIDER_WEBHOOK, false),
                Endpoint.of("GET", "/v1/admin/dead-letters", a).withQuery("limit"),
                Endpoint.of("POST", "/v1/admin/dead-letters/{dead_letter}/replay", a),
                Endpoint.of("POST", "/v1/admin/dead-letters/replay", a).affectingOthers(),
                Endpoint.of("GET", "/v1/admin/provider-webhooks", a).withQuery("result", "limit"),
                Endpoint.of("GET", "/v1/admin/merchants", a),
                Endpoint.of("POST", "/v1/admin/merchants", a).withBody("""
                        {"name": "Fuzz created", "rate_limit": {"per_second": 50, "burst": 100}}""", false),
                Endpoint.of("GET", "/v1/admin/merchants/{merchant}", a),
                Endpoint.of("POST", "/v1/admin/merchants/{merchant}", a).withBody("""
                        {"name": "Fuzz target", "rate_limit": {"per_second": 100, "burst": 200}}""", false),
                Endpoint.of("POST", "/v1/admin/merchants/{merchant}/api-keys", a).withBody("{\"description\": \"fuzz key\"}", true),
                Endpoint.of("DELETE", "/v1/admin/merchants/{merchant}/api-keys/{api_key}", a),
                Endpoint.of("PUT", "/v1/admin/merchants/{merchant}/provider-accounts/{provider}", a).withBody("""
                        {"secret_key": "sk_test_fuzz_account_0001", "webhook_secret": "whsec_fuzz_account_0001"}""", false),
                Endpoint.of("DELETE", "/v1/admin/merchants/{merchant}/provider-accounts/{provider}", a),
                Endpoint.of("GET", "/v1/admin/audit", a).withQuery("object", "actor", "limit"),
                Endpoint.of("GET", "/v1/admin/audit/verify", a),
                Endpoint.of("GET", "/v1/admin/alerts", a).withQuery("status", "limit"),
                Endpoint.of("GET", "/v1/admin/providers", a),
                Endpoint.of("GET", "/v1/analytics/success-rates", both).withQuery("window", "by", "merchant"),
                Endpoint.of("GET", "/v1/analytics/volume", both).withQuery("window", "merchant"),
                Endpoint.of("GET", "/v1/analytics/failures", both).withQuery("window"),
                Endpoint.of("GET", "/v1/analytics/providers", both).withQuery("window", "merchant"),
                Endpoint.of("GET", "/v1/analytics/timeseries", both).withQuery("window"),
                Endpoint.of("GET", "/v1/analytics/charges", both).withQuery("limit", "status", "merchant"),
                Endpoint.of("GET", "/v1/analytics/charges/{charge}", both),
                Endpoint.of("POST", "/v1/admin/secrets/reseal", a),
                Endpoint.of("GET", "/v1/openapi.json", Credential.NONE),
                Endpoint.of("GET", "/actuator/health", Credential.NONE),
                Endpoint.of("GET", "/actuator/health/readiness", Credential.NONE),
                Endpoint.of("GET", "/actuator/prometheus", Credential.NONE));
    }

    private static final String PROVIDER_WEBHOOK = """
            {"event": "charge.success", "data": {"reference": "ch-fuzz-1", "status": "success", "amount": 5000}}""";

    /** The credentials in the provider-account body: secrets the scan looks for afterwards. */
    static final List<String> ACCOUNT_SECRETS = List.of("sk_test_fuzz_account_0001", "whsec_fuzz_account_0001");

    // ---- hostile values ----

    /** Numbers no numeric field of the API accepts (amounts, months, years, rate limits). */
    private static final List<String> BAD_NUMBERS = List.of("-1", "0", "-0", "0.5", "100.5", "1.0", "1E2", "-5000",
            "1e400", "-1e400", "1e-400", "99999999999999999999999999999", "-9223372036854775809", "9223372036854775808");
    /** Strings with control characters: no text field takes them (docs/api.md), except pass-through ones. */
    private static final List<String> CONTROL = List.of("nul\u0000byte", "bell\u0007", "\u001b[31mred", "line\r\nbreak",
            "del\u007f", "tab\tbed");
    /** May be valid text, so only "no 5xx, no trace, no leak" is asked of them. */
    private static final List<String> TEXT = List.of("' OR '1'='1", "1; DROP TABLE charges; --", "\" OR \"\"=\"",
            "admin'--", "$eval('$string(1)')", "$$.payment_method", "$string($)", "{{payroute.admin.api-key}}",
            "${header.Authorization}", "${sys:user.home}", "#{T(java.lang.Runtime).getRuntime()}", "${jndi:ldap://x}",
            "<script>alert(1)</script>", "../../etc/passwd", "%s%s%s%n", "\u202egnp.exe", "zero\u200bwidth", "😀🔥💳",
            "e\u0301\u0301\u0301", "\ud800", "ＡＢＣ", "", "   ", "null", "\\", "\"", "%00", "a".repeat(201));
    /** Free-form values passed through to providers as given: control characters are data there. */
    private static final List<String> PASS_THROUGH = List.of("metadata.");
    private static final List<String> BAD_IDS = List.of("%27%20OR%20%271%27%3D%271", "1%3BDROP%20TABLE%20charges",
            "..%2F..%2Fetc%2Fpasswd", "%00", "%", "%E2%80%AE", "$%7Bheader.Authorization%7D", "ch_AAAAAAAAAAAAAAAAAAAAAAAAAA",
            "x".repeat(5000), "%2e%2e", "%0d%0aX-Injected:%201", "-1", "0", "%F0%9F%98%80");
    /** Query values no query parameter of the API accepts (limit, type, charge, starting_after, result, object, actor). */
    private static final List<String> BAD_QUERY = List.of("%27%20OR%20%271%27%3D%271", "1%3BDROP%20TABLE%20charges",
            "%00", "%0d%0aX-Injected:%201", "x".repeat(3000), "$%7Bheader.Authorization%7D", "%E2%80%AE", "%3Cscript%3E");
    private static final List<String> BAD_LIMITS = List.of("-1", "0", "abc", "1e3", "99999999999999999999", "1001", "1.5");
    private static final List<String> WRONG_TYPES = List.of("\"5000\"", "true", "[]", "{}", "[\"x\"]", "1", "\"x\"");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final String RAW = "@@raw@@";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Random random;
    private final Context context;
    private final List<FuzzCase> cases = new ArrayList<>();

    private HostileInputs(long seed, Context context) {
        this.random = new Random(seed);
        this.context = context;
    }

    /** The cases for {@code seed}, shuffled by it: the same seed gives the same cases in the same order. */
    static List<FuzzCase> generate(long seed, Context context) {
        HostileInputs g = new HostileInputs(seed, context);
        List<Endpoint> all = endpoints();
        for (Endpoint e : all) {
            g.credentialCases(e);
            g.headerCases(e);
            g.pathCases(e);
            g.queryCases(e);
            if (e.body() != null) {
                g.framingCases(e);
                g.contentTypeCases(e);
                g.fieldCases(e);
            }
        }
        g.methodCases(all);
        g.protocolCases();
        List<FuzzCase> sendable = g.cases.stream()
                .filter(c -> !c.endpoint().affectsOthers() || c.expect() == Expect.REJECTED).collect(Collectors.toList());
        Collections.shuffle(sendable, g.random);
        return sendable;
    }

    // ---- credentials ----

    private void credentialCases(Endpoint e) {
        if (e.credential() == Credential.NONE) {
            return;
        }
        String key = key(e.credential());
        String other = e.credential() == Credential.MERCHANT ? context.adminKey() : context.merchantKey();
        List<String[]> variants = new ArrayList<>(List.of(
                new String[] {"no Authorization", null},
                new String[] {"Bearer without key", "Bearer"},
                new String[] {"unknown key", "Bearer sk_test_unknown_0000000000000000"},
                new String[] {"Basic scheme", "Basic " + Base64.getEncoder().encodeToString(("user:" + key).getBytes(StandardCharsets.UTF_8))},
                new String[] {"key with a suffix", "Bearer " + key + "x"},
                new String[] {"key upper-cased", "Bearer " + key.toUpperCase()},
                new String[] {"SQL as key", "Bearer ' OR '1'='1"},
                new String[] {"300-character key", "Bearer " + "k".repeat(300)},
                new String[] {"key with a NUL", "Bearer " + key + "\u0000"}));
        if (e.credential() != Credential.BOTH) {
            variants.add(new String[] {"the other API's key", "Bearer " + other});
        }
        for (String[] v : pick(variants, 3)) {
            cases.add(request(e, "credential: " + v[0], Expect.REJECTED, null, headers(e, v[1], true), body(e), ""));
        }
        // a key in the query string is a key in access logs: never a credential
        cases.add(request(e, "credential: key as a query parameter", Expect.REJECTED, null, headers(e, null, true), body(e),
                "?Authorization=Bearer%20" + key));
        // the first of two Authorization headers is a wrong one
        List<String[]> twice = headers(e, "Bearer sk_test_unknown_0000000000000000", true);
        twice.add(new String[] {"Authorization", "Bearer " + key});
        cases.add(request(e, "credential: a wrong key, then the right one", Expect.REJECTED, null, twice, body(e), ""));
    }

    // ---- headers ----

    private void headerCases(Endpoint e) {
        List<Object[]> variants = new ArrayList<>(List.of(
                new Object[] {"X-Request-Id with CR LF", Expect.ANY, "X-Request-Id", "abc\r\nX-Injected: 1"},
                new Object[] {"X-Request-Id with a Set-Cookie line", Expect.ANY, "X-Request-Id", "abc\r\nSet-Cookie: pwned=1"},
                new Object[] {"X-Request-Id folded", Expect.ANY, "X-Request-Id", "abc\r\n X-Injected: 1"},
                new Object[] {"X-Request-Id with bare CR", Expect.ANY, "X-Request-Id", "abc\rX-Injected: 1"},
                new Object[] {"X-Request-Id with NUL", Expect.ANY, "X-Request-Id", "abc\u0000def"},
                new Object[] {"X-Request-Id non-ASCII", Expect.ANY, "X-Request-Id", "r\u00e9sum\u00e9-\u00ff"},
                new Object[] {"X-Request-Id 2000 characters", Expect.ANY, "X-Request-Id", "r".repeat(2000)},
                new Object[] {"header of 20 KB", Expect.REJECTED, "X-Fuzz", "h".repeat(20_000)},
                new Object[] {"header name with a space", Expect.REJECTED, "Bad Header", "x"},
                new Object[] {"Prefer respond-async with junk", Expect.ANY, "Prefer", "respond-async; wait=-1, handling=lenient, \u00ff"},
                new Object[] {"Accept XML", Expect.ANY, "Accept", "application/xml"},
                new Object[] {"Expect 100-continue", Expect.ANY, "Expect", "100-continue"},
                new Object[] {"second Host", Expect.REJECTED, "Host", "evil.example"},
                new Object[] {"X-Forwarded-For spoofed", Expect.ANY, "X-Forwarded-For", "127.0.0.1, ' OR 1=1"}));
        for (Object[] v : pick(variants, 3)) {
            List<String[]> headers = headers(e, auth(e), true);
            headers.add(new String[] {(String) v[2], (String) v[3]});
            cases.add(request(e, "header: " + v[0], (Expect) v[1], null, headers, body(e), ""));
        }
        List<String[]> many = headers(e, auth(e), true);
        for (int i = 0; i < 150; i++) {
            many.add(new String[] {"X-Fuzz-" + i, "v"});
        }
        cases.add(request(e, "header: 150 headers", Expect.REJECTED, null, many, body(e), ""));
        if (e.method().equals("POST") && (e.path().equals("/v1/charges") || e.path().endsWith("/refunds"))) {
            // (a control character other than tab is refused by Tomcat already, before any field is known)
            for (String key : pick(List.of("k".repeat(256), "has space", "cl\u00e9", "tab\there"), 3)) {
                List<String[]> headers = headers(e, auth(e), true);
                headers.add(new String[] {"Idempotency-Key", key});
                cases.add(request(e, "header: Idempotency-Key " + abbreviate(key), Expect.REJECTED, "Idempotency-Key", headers, body(e), ""));
            }
        }
    }

    // ---- the request line ----

    private void pathCases(Endpoint e) {
        List<String> placeholders = new ArrayList<>();
        for (int i = e.path().indexOf('{'); i >= 0; i = e.path().indexOf('{', i + 1)) {
            placeholders.add(e.path().substring(i + 1, e.path().indexOf('}', i)));
        }
        for (String placeholder : placeholders) {
            for (String id : pick(BAD_IDS, 3)) {
                String target = fill(e.path().replace("{" + placeholder + "}", id));
                cases.add(new FuzzCase(e.name() + " path: " + placeholder + "=" + abbreviate(id), e.method(), target,
                        headers(e, auth(e), true), body(e), Expect.REJECTED, null, e));
            }
        }
    }

    private void queryCases(Endpoint e) {
        for (String param : e.query()) {
            List<String> values = new ArrayList<>(pick(BAD_QUERY, 3));
            if (param.equals("limit")) {
                values.addAll(pick(BAD_LIMITS, 3));
            }
            for (String value : values) {
                cases.add(request(e, "query: " + param + "=" + abbreviate(value), Expect.REJECTED, param, headers(e, auth(e), true),
                        body(e), "?" + param + "=" + value));
            }
        }
        cases.add(request(e, "query: the same parameter twice", Expect.ANY, null, headers(e, auth(e), true), body(e),
                "?limit=1&limit=abc&type=x&type=y"));
        cases.add(request(e, "query: Camel header names", Expect.ANY, null, headers(e, auth(e), true), body(e),
                "?CamelHttpResponseCode=200&CamelHttpUri=http://evil.example&merchantId=merchant_other&Content-Type=text/plain"));
        cases.add(request(e, "query: 8 KB", Expect.REJECTED, null, headers(e, auth(e), true), body(e), "?q=" + "q".repeat(9000)));
    }

    private void methodCases(List<Endpoint> all) {
        // grouped by the path's shape: /v1/webhook-endpoints/{endpoint} and .../{doomed_endpoint} are one path
        Map<String, List<Endpoint>> byPath = all.stream().collect(Collectors.groupingBy(e -> e.path().replaceAll("\\{[a-z_]+}", "{}"),
                java.util.LinkedHashMap::new, Collectors.toList()));
        byPath.forEach((shape, endpoints) -> {
            Set<String> defined = endpoints.stream().map(Endpoint::method).collect(Collectors.toSet());
            Endpoint first = endpoints.get(0);
            String path = first.path();
            for (String method : METHODS) {
                if (!defined.contains(method)) {
                    cases.add(new FuzzCase(method + " " + path + " (not an operation)", method, fill(path),
                            headers(first, auth(first), true), body(first), Expect.REJECTED, null, first));
                }
            }
            cases.add(new FuzzCase("TRACE " + path, "TRACE", fill(path), headers(first, auth(first), false), null, Expect.REJECTED, null, first));
            cases.add(new FuzzCase("FUZZ " + path, "FUZZ", fill(path), headers(first, auth(first), false), null, Expect.REJECTED, null, first));
            cases.add(new FuzzCase("OPTIONS " + path, "OPTIONS", fill(path), headers(first, auth(first), false), null, Expect.ANY, null, first));
            cases.add(new FuzzCase("HEAD " + path, "HEAD", fill(path), headers(first, auth(first), false), null, Expect.ANY, null, first));
        });
    }

    /** Request targets that match no operation, or only after normalisation (all GET, with the merchant key). */
    private void protocolCases() {
        Endpoint charges = endpoints().get(0);
        List<String[]> merchant = headers(charges, auth(charges), false);
        Object[][] targets = {
                {"unknown path", "/v1/nothing", Expect.REJECTED},
                {"unknown admin path", "/v1/admin/nothing", Expect.REJECTED},
                {"path too deep", "/v1/charges/a/b/c/d", Expect.REJECTED},
                {"upper-case path", "/V1/CHARGES", Expect.REJECTED},
                {"dot segments into the admin API", "/v1/charges/../admin/merchants", Expect.REJECTED},
                {"encoded dot segments into the admin API", "/v1/charges/%2e%2e/admin/merchants", Expect.REJECTED},
                {"path parameter", "/v1/charges;jsessionid=x", Expect.ANY},
                {"double slash", "//v1//charges", Expect.ANY},
                {"backslash", "/v1\\charges", Expect.REJECTED},
                {"asterisk target", "*", Expect.REJECTED},
                {"absolute-form target", "http://evil.example/v1/events", Expect.ANY},
                {"bad percent-encoding in the query", "/v1/events?limit=%zz", Expect.ANY},
                {"non-ASCII bytes in the path", "/v1/charges/\u00e9\u00ff", Expect.REJECTED},
        };
        for (Object[] t : targets) {
            cases.add(new FuzzCase("request line: " + t[0], "GET", (String) t[1], merchant, null, (Expect) t[2], null, charges));
        }
    }

    // ---- bodies ----

    /** The body as a whole: framing, size, encoding, not JSON, not an object, nested too deep. */
    private void framingCases(Endpoint e) {
        String base = fill(e.body());
        Expect emptyIs = e.bodyOptional() ? Expect.ANY : Expect.REJECTED;
        addBody(e, "empty body", "", emptyIs, "body");
        List<Object[]> variants = new ArrayList<>(List.of(
                new Object[] {"whitespace", "   \n\t ", Expect.REJECTED, "body"},
                new Object[] {"JSON null", "null", Expect.REJECTED, "body"},
                new Object[] {"JSON array", "[1, 2]", Expect.REJECTED, "body"},
                new Object[] {"JSON string", "\"text\"", Expect.REJECTED, "body"},
                new Object[] {"JSON number", "42", Expect.REJECTED, "body"},
                new Object[] {"empty object", "{}", Expect.ANY, null},
                new Object[] {"truncated", base.substring(0, base.length() / 2), Expect.REJECTED, "body"},
                new Object[] {"truncated by one", base.substring(0, base.length() - 1), Expect.REJECTED, "body"},
                new Object[] {"trailing content", base + " {\"x\": 1}", Expect.REJECTED, "body"},
                new Object[] {"trailing brace", base + "}", Expect.REJECTED, "body"},
                new Object[] {"single quotes", base.replace('"', '\''), Expect.REJECTED, "body"},
                new Object[] {"comment", "/* c */ " + base, Expect.REJECTED, "body"},
                new Object[] {"unquoted NaN", leadingField(base, "NaN"), Expect.REJECTED, "body"},
                new Object[] {"raw control character in a string", leadingField(base, "\"a\u0001b\""), Expect.REJECTED, "body"},
                new Object[] {"array nested 5000 deep", "[".repeat(5000) + "]".repeat(5000), Expect.REJECTED, "body"},
                new Object[] {"object nested 5000 deep", "{\"a\":".repeat(5000) + "1" + "}".repeat(5000), Expect.REJECTED, "body"},
                // rejected as a duplicate where parsing is strict, else for the unknown field
                new Object[] {"duplicate keys", leadingField(leadingField(base, "1"), "2"), Expect.REJECTED, null}));
        for (Object[] v : pick(variants, 9)) {
            addBody(e, (String) v[0], (String) v[1], (Expect) v[2], (String) v[3]);
        }
        byte[] utf8 = base.getBytes(StandardCharsets.UTF_8);
        byte[] invalidUtf8 = leadingField(base, "\"\u0000\u0000\"").getBytes(StandardCharsets.UTF_8);
        int nul = indexOf(invalidUtf8, (byte) 0);
        invalidUtf8[nul] = (byte) 0xC3;
        invalidUtf8[nul + 1] = (byte) 0x28;
        cases.add(request(e, "body: invalid UTF-8", Expect.REJECTED, "body", headers(e, auth(e), true), invalidUtf8, ""));
        byte[] bom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8);
        cases.add(request(e, "body: UTF-8 byte order mark", Expect.ANY, null, headers(e, auth(e), true), bom, ""));
        String padded = base.substring(0, base.length() - 1) + ", \"pad\": \"" + "p".repeat(70 * 1024) + "\"}";
        cases.add(request(e, "body: 70 KB", Expect.REJECTED, "body", headers(e, auth(e), true), padded.getBytes(StandardCharsets.UTF_8), ""));
        List<String[]> chunked = headers(e, auth(e), true);
        chunked.add(new String[] {"Transfer-Encoding", "chunked"});
        cases.add(request(e, "body: 70 KB chunked", Expect.REJECTED, "body", chunked, chunk(padded.getBytes(StandardCharsets.UTF_8)), ""));
        List<String[]> shortLength = headers(e, auth(e), true);
        shortLength.add(new String[] {"Content-Length", "5"});
        cases.add(request(e, "body: Content-Length shorter than the body", Expect.REJECTED, null, shortLength, utf8, ""));
        for (String[] framing : List.of(new String[] {"Content-Length", "-1"}, new String[] {"Content-Length", "abc"},
                new String[] {"Content-Length", utf8.length + ", " + (utf8.length + 1)})) {
            List<String[]> headers = headers(e, auth(e), true);
            headers.add(framing);
            cases.add(request(e, "body: Content-Length " + framing[1], Expect.REJECTED, null, headers, utf8, ""));
        }
    }

    private void contentTypeCases(Endpoint e) {
        byte[] body = fill(e.body()).getBytes(StandardCharsets.UTF_8);
        List<String> wrong = List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=fuzz", "application/json-patch+json", "application/jsonx", "json", "*/*");
        for (String type : pick(wrong, 4)) {
            List<String[]> headers = headers(e, auth(e), false);
            headers.add(new String[] {"Content-Type", type});
            cases.add(request(e, "Content-Type " + type, Expect.REJECTED, "Content-Type", headers, body, ""));
        }
        cases.add(request(e, "no Content-Type", Expect.REJECTED, "Content-Type", headers(e, auth(e), false), body, ""));
        for (String type : List.of("Application/JSON; charset=UTF-8", "application/json; charset=utf-16")) {
            List<String[]> headers = headers(e, auth(e), false);
            headers.add(new String[] {"Content-Type", type});
            cases.add(request(e, "Content-Type " + type, Expect.ANY, null, headers, body, ""));
        }
    }

    /** One field of a valid body at a time: wrong types, bad numbers, hostile strings, nesting, unknown fields. */
    private void fieldCases(Endpoint e) {
        ObjectNode base = (ObjectNode) parse(fill(e.body()));
        for (String path : paths(base, "")) {
            JsonNode value = at(base, path);
            for (String wrong : pick(WRONG_TYPES.stream().filter(t -> !sameType(parse(t), value)).toList(), 2)) {
                addField(e, base, path, wrong, Expect.REJECTED);
            }
            addField(e, base, path, "null", Expect.ANY);
            addBody(e, path + " removed", without(base, path), Expect.ANY, null);
            if (value.isNumber()) {
                for (String n : pick(BAD_NUMBERS, 3)) {
                    addField(e, base, path, n, Expect.REJECTED);
                }
                addBody(e, path + " with 2000 digits", with(base, path, "9".repeat(2000)), Expect.REJECTED, null);
            } else if (value.isTextual()) {
                boolean passThrough = PASS_THROUGH.stream().anyMatch(path::startsWith);
                for (String s : pick(CONTROL, 2)) {
                    addField(e, base, path, quote(s), passThrough ? Expect.ANY : Expect.REJECTED);
                }
                for (String s : pick(TEXT, 3)) {
                    addField(e, base, path, quote(s), Expect.ANY);
                }
                addField(e, base, path, quote("x".repeat(10_000)), Expect.REJECTED);
            }
            addField(e, base, path, "{\"a\":".repeat(500) + "1" + "}".repeat(500), Expect.REJECTED);
            addField(e, base, path, "[" + "0,".repeat(5000) + "0]", Expect.REJECTED);
        }
        for (String name : pick(List.of("ammount", "__proto__", "$where", "constructor", "a\u0000b", "", "\u00e9t\u00e9",
                "x".repeat(300)), 3)) {
            ObjectNode extra = base.deepCopy();
            extra.put(name, 1);
            addBody(e, "unknown field " + abbreviate(quote(name)), extra.toString(), Expect.REJECTED, name);
        }
    }

    private void addField(Endpoint e, ObjectNode base, String path, String rawValue, Expect expect) {
        addBody(e, path + " = " + abbreviate(rawValue), with(base, path, rawValue), expect, path);
    }

    private void addBody(Endpoint e, String name, String body, Expect expect, String field) {
        cases.add(request(e, "body: " + name, expect, field, headers(e, auth(e), true), body.getBytes(StandardCharsets.UTF_8), ""));
    }

    // ---- building requests ----

    private FuzzCase request(Endpoint e, String name, Expect expect, String field, List<String[]> headers, byte[] body, String query) {
        return new FuzzCase(e.name() + " " + name, e.method(), fill(e.path()) + query, headers, body, expect, field, e);
    }

    /** The endpoint's usual headers: its credential (null: none) and, for a body, application/json. */
    private static List<String[]> headers(Endpoint e, String authorization, boolean json) {
        List<String[]> headers = new ArrayList<>();
        if (authorization != null) {
            headers.add(new String[] {"Authorization", authorization});
        }
        if (json && e.body() != null) {
            headers.add(new String[] {"Content-Type", "application/json"});
        }
        return headers;
    }

    private String auth(Endpoint e) {
        return e.credential() == Credential.NONE ? null : "Bearer " + key(e.credential());
    }

    private String key(Credential credential) {
        return credential == Credential.ADMIN ? context.adminKey() : context.merchantKey();
    }

    private byte[] body(Endpoint e) {
        return e.body() == null ? null : fill(e.body()).getBytes(StandardCharsets.UTF_8);
    }

    private String fill(String template) {
        String out = template;
        for (Map.Entry<String, String> id : context.ids().entrySet()) {
            out = out.replace("{" + id.getKey() + "}", id.getValue());
        }
        return out;
    }

    private <T> List<T> pick(List<T> from, int n) {
        List<T> copy = new ArrayList<>(from);
        Collections.shuffle(copy, random);
        return copy.subList(0, Math.min(n, copy.size()));
    }

    // ---- JSON surgery (values that are not valid JSON numbers go in raw) ----

    /** Paths of every field of {@code node}, nested objects included ("customer", "customer.email"). */
    private static List<String> paths(JsonNode node, String prefix) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            out.add(prefix + f.getKey());
            if (f.getValue().isObject()) {
                out.addAll(paths(f.getValue(), prefix + f.getKey() + "."));
            }
        }
        return out;
    }

    private static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            node = node.get(part);
        }
        return node;
    }

    /** {@code body} with the field {@code "zz": <rawValue>} first. */
    private static String leadingField(String body, String rawValue) {
        return body.replaceFirst("\\{", java.util.regex.Matcher.quoteReplacement("{\"zz\": " + rawValue + ", "));
    }

    private static String with(ObjectNode base, String path, String rawValue) {
        ObjectNode copy = base.deepCopy();
        parent(copy, path).set(last(path), TextNode.valueOf(RAW));
        return copy.toString().replace("\"" + RAW + "\"", rawValue);
    }

    private static String without(ObjectNode base, String path) {
        ObjectNode copy = base.deepCopy();
        parent(copy, path).remove(last(path));
        return copy.toString();
    }

    private static ObjectNode parent(ObjectNode root, String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? root : (ObjectNode) at(root, path.substring(0, dot));
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private static boolean sameType(JsonNode a, JsonNode b) {
        return a.getNodeType() == b.getNodeType() || a.isNumber() && b.isNumber();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static String quote(String text) {
        return TextNode.valueOf(text).toString();
    }

    /** {@code body} in HTTP/1.1 chunked transfer coding, in 8 KiB chunks. */
    private static byte[] chunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += 8192) {
            int n = Math.min(8192, body.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("no byte " + b);
    }

    static String abbreviate(String text) {
        String visible = text.chars().mapToObj(c -> c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : String.valueOf((char) c))
                .collect(Collectors.joining());
        return visible.length() <= 80 ? visible : visible.substring(0, 60) + "...(" + text.length() + " chars)";
    }

    // ---- the intake queue ----

    static final String ON_BEHALF_OF = ChargeIntake.ON_BEHALF_OF;
    /** The broker user of the test profile whose merchant is merchant_default. */
    static final String PRODUCER = "producer";

    /**
     * A message for the intake queue, sent on the service's own in-VM login on behalf of a producer (as a replayed
     * dead letter is); {@code id} finds its dead letter again (its correlation id, or its idempotency key).
     */
    record Poison(String name, String id, String kind, byte[] body, Map<String, String> properties, String correlationId,
                  String replyTo) {

        Message toMessage(Session session) throws JMSException {
            Message m = switch (kind) {
                case "text" -> session.createTextMessage(body == null ? null : new String(body, StandardCharsets.UTF_8));
                case "bytes" -> {
                    BytesMessage bytes = session.createBytesMessage();
                    bytes.writeBytes(body);
                    yield bytes;
                }
                case "map" -> {
                    MapMessage map = session.createMapMessage();
                    map.setLong("amount", 5000);
                    yield map;
                }
                case "object" -> session.createObjectMessage(new java.util.HashMap<>(Map.of("amount", 5000)));
                case "stream" -> {
                    StreamMessage stream = session.createStreamMessage();
                    stream.writeString("{\"amount\": 5000}");
                    yield stream;
                }
                default -> session.createMessage();
            };
            for (Map.Entry<String, String> p : properties.entrySet()) {
                m.setStringProperty(p.getKey(), p.getValue());
            }
            m.setJMSCorrelationID(correlationId);
            if (replyTo != null) {
                m.setJMSReplyTo(replyTo.startsWith("topic:") ? session.createTopic(replyTo.substring(6)) : session.createQueue(replyTo));
            }
            return m;
        }
    }

    /**
     * Messages the intake must refuse: the charge bodies the HTTP API refuses (from {@code httpCases}), and valid
     * bodies with a hostile property, sender, reply address or message type.
     */
    static List<Poison> poisonMessages(long seed, List<FuzzCase> httpCases) {
        HostileInputs g = new HostileInputs(seed, null);
        String valid = endpoints().get(0).body();
        List<Poison> out = new ArrayList<>();
        List<FuzzCase> refusedBodies = httpCases.stream()
                .filter(c -> c.endpoint().path().equals("/v1/charges") && c.expect() == Expect.REJECTED && c.name().contains(" body: ")
                        && c.headers().stream().noneMatch(h -> h[0].equals("Content-Length") || h[0].equals("Transfer-Encoding")))
                .toList();
        for (FuzzCase c : g.pick(refusedBodies, 60)) {
            out.add(g.poison(c.name(), out.size() % 3 == 0 ? "bytes" : "text", c.body(), Map.of(), null));
        }
        for (String key : List.of("has space", "k".repeat(256), "ctl\u0001x", "", "cl\u00e9", "' OR '1'='1")) {
            out.add(g.poison("idempotencyKey " + abbreviate(key), "text", bytes(valid), Map.of("idempotencyKey", key), null));
        }
        out.add(g.poison("merchantId of another merchant", "text", bytes(valid), Map.of("merchantId", "merchant_other"), null));
        out.add(g.poison("merchantId injected", "text", bytes(valid), Map.of("merchantId", "' OR '1'='1"), null));
        for (String sender : new String[] {null, "nobody", "subscriber", "newshop", "payroute", ""}) {
            Map<String, String> properties = new java.util.HashMap<>();
            properties.put(ON_BEHALF_OF, sender);
            out.add(g.poison("sent on behalf of " + sender, "text", bytes(valid), properties, null));
        }
        out.add(g.poison("JMSReplyTo a PayRoute queue", "text", bytes(valid), Map.of(), "payroute.charges.work"));
        out.add(g.poison("JMSReplyTo the events topic", "text", bytes(valid), Map.of(), "topic:payroute.charge.events"));
        out.add(g.poison("bytes over 64 KiB", "bytes", bytes(valid.replace("}}", "}, \"pad\": \"" + "p".repeat(70_000) + "\"}")),
                Map.of(), null));
        for (String kind : List.of("map", "object", "stream", "plain")) {
            out.add(g.poison(kind + " message", kind, null, Map.of(), null));
        }
        out.add(g.poison("text message without text", "text", null, Map.of(), null));
        for (String correlation : List.of("abc\r\nX-Injected: 1", "c".repeat(5000), "' OR '1'='1", "\u202e\ud83d\ude00")) {
            String id = "fuzz-q-" + seed + "-" + out.size();
            Map<String, String> properties = Map.of(ON_BEHALF_OF, PRODUCER, "idempotencyKey", id);
            out.add(new Poison("JMSCorrelationID " + abbreviate(correlation) + " on an empty object", id, "text", bytes("{}"),
                    properties, correlation, null));
        }
        return out;
    }

    /** A poison message found again by its correlation id; sent for the producer unless {@code properties} say otherwise. */
    private Poison poison(String name, String kind, byte[] body, Map<String, String> properties, String replyTo) {
        String id = "fuzz-q-" + random.nextLong(Long.MAX_VALUE);
        Map<String, String> all = new java.util.HashMap<>();
        all.put(ON_BEHALF_OF, PRODUCER);
        all.putAll(properties);
        all.values().removeIf(java.util.Objects::isNull);
        return new Poison(name, id, kind, body, all, id, replyTo);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // ---- provider webhooks that pass verification ----

    /**
     * Paystack webhook bodies to be signed with the real secret: well-formed ones about nothing, about a real
     * attempt ({@code reference}) but contradicting it, and hostile in every field, in shape and in size.
     */
    static List<String> signedWebhookBodies(long seed, String reference) {
        HostileInputs g = new HostileInputs(seed, null);
        List<String> out = new ArrayList<>();
        out.add(webhook(quote("charge.success"), "1", quote("ch-nowhere-1"), quote("success"), "5000"));
        out.add(webhook(quote("charge.success"), "2", quote(reference), quote("failed"), "5000"));
        out.add(webhook(quote("charge.success"), "3", quote(reference), quote("success"), "1"));
        List<String> strings = new ArrayList<>(g.pick(TEXT, 6));
        strings.addAll(g.pick(CONTROL, 2));
        strings.add("x".repeat(10_000));
        int id = 10;
        for (String s : strings) {
            out.add(webhook(quote("charge.success"), String.valueOf(id++), quote(s), quote("success"), "5000"));
            out.add(webhook(quote(s), String.valueOf(id++), quote("ch-nowhere-1"), quote("success"), "5000"));
            out.add(webhook(quote("charge.success"), String.valueOf(id++), quote("ch-nowhere-1"), quote(s), "5000"));
        }
        for (String raw : List.of("123", "{}", "[]", "null", "true")) {
            out.add(webhook(raw, String.valueOf(id++), quote("ch-nowhere-1"), quote("success"), "5000"));
            out.add(webhook(quote("charge.success"), raw, quote("ch-nowhere-1"), quote("success"), raw));
        }
        for (String number : g.pick(BAD_NUMBERS, 4)) {
            out.add(webhook(quote("charge.success"), number, quote("ch-nowhere-1"), quote("success"), number));
        }
        out.add(webhook(quote("charge.success." + "e".repeat(300)), String.valueOf(id++), quote("ch-nowhere-1"), quote("success"), "5000"));
        out.add(webhook(quote("charge.success"), String.valueOf(id++), quote("ch-nowhere-1"), quote("success"),
                "5000, \"metadata\": " + "{\"a\":".repeat(900) + "1" + "}".repeat(900)));
        out.addAll(List.of("{\"event\": \"charge.success\", \"data\": [1, 2]}", "{\"event\": \"charge.success\", \"data\": \"x\"}",
                "{\"event\": \"charge.success\"}", "{\"data\": {}}", "not json", "", "[]", "null", "{\"event\": ",
                "[".repeat(5000) + "]".repeat(5000), "{\"event\": \"charge.success\", \"pad\": \"" + "p".repeat(60_000) + "\"}"));
        return out;
    }

    private static String webhook(String event, String id, String reference, String status, String amount) {
        return "{\"event\": " + event + ", \"data\": {\"id\": " + id + ", \"reference\": " + reference + ", \"status\": " + status
                + ", \"amount\": " + amount + ", \"currency\": \"NGN\"}}";
    }

    /** The operations the cases went to ("POST /v1/charges"): what the suite covered, for its report. */
    static Set<String> endpointsCovered(List<FuzzCase> cases) {
        return cases.stream().map(c -> c.endpoint().name()).collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
