package io.payroute.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Secrets the tests of this run created or handed to the service: API keys and webhook signing secrets the API
 * showed once, provider credentials tests stored. SecretScanApiTest, last in the run, looks for every one of them
 * in the database and the logs. Values shorter than {@link #MIN_LENGTH} are not kept: too short to be told apart
 * from ordinary text.
 */
public final class TestSecrets {

    public static final int MIN_LENGTH = 8;
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private TestSecrets() {
    }

    public static void remember(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH) {
            SECRETS.add(secret);
        }
    }

    /**
     * The secrets an API answer shows once: a new API key ({@code key}, {@code api_key.key}), a webhook endpoint's
     * signing secret ({@code secret}).
     */
    public static void collectFrom(JsonNode answer) {
        if (answer == null || !answer.isObject()) {
            return;
        }
        for (JsonNode secret : new JsonNode[] {answer.get("key"), answer.path("api_key").get("key"), answer.get("secret")}) {
            if (secret != null && secret.isTextual()) {
                remember(secret.asText());
            }
        }
    }

    public static Set<String> all() {
        return Set.copyOf(SECRETS);
    }
}
